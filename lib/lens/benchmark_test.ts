import assert from "node:assert/strict";
import demoBanks from "./demo-banks.json" with { type: "json" };
import { benchmarkFigure, FIGURES, figureValue, rankingOf, type ScoredBank } from "./benchmark.ts";
import { scoreAssessment } from "./scoring.ts";

const banks: ScoredBank[] = demoBanks.map((b) => ({
  bankId: b.id,
  peerGroup: b.peer_group,
  score: scoreAssessment({
    values: Object.fromEntries(Object.entries(b.values).filter(([, v]) => v !== null)) as Record<
      string,
      number
    >,
  }),
}));
const cc2 = banks.find((b) => b.bankId === "CC2")!;

Deno.test("FIGURES lists the overall score, 3 dimensions, 14 capabilities and 41 indicators", () => {
  const count = (kind: string) => FIGURES.filter((f) => f.kind === kind).length;
  assert.deepEqual(
    [count("overall"), count("dimension"), count("capability"), count("indicator")],
    [
      1,
      3,
      14,
      41,
    ],
  );
});

Deno.test("benchmarkFigure() uses the own group of 5 and gives the bank's percentile", () => {
  const result = benchmarkFigure(banks, "city_commercial", { kind: "overall", id: "overall" }, cc2);
  assert.equal(result.summary.reason, "OWN_GROUP");
  assert.equal(result.summary.n, 5);
  assert.equal(result.summary.p10, null, "no deciles below 10 banks");
  assert.equal(result.value, cc2.score.overall.score);
  assert.ok(result.percentile !== null && result.percentile > 0 && result.percentile < 100);
});

Deno.test("benchmarkFigure() falls back from a group of 2 and ranks lower-better figures", () => {
  const foreign = banks.find((b) => b.bankId === "FB1")!;
  const result = benchmarkFigure(
    banks,
    "foreign",
    { kind: "indicator", id: "churn_rate" },
    foreign,
  );
  assert.equal(result.summary.reason, "FALLBACK");
  assert.equal(result.summary.group, "all");
  assert.equal(result.direction, "lower_better");
  const values = banks.map((b) => figureValue(b.score, { kind: "indicator", id: "churn_rate" }))
    .filter((v): v is number => v !== null);
  const better = values.filter((v) => v > (result.value as number)).length;
  const equal = values.filter((v) => v === result.value).length;
  assert.equal(result.percentile, (100 * (better + 0.5 * equal)) / values.length);
});

Deno.test("rankingOf() names only visible banks and never leaks the others' scores", () => {
  const ranking = rankingOf(banks, "city_commercial", (id) => id === "CC2");
  assert.equal(ranking.n, 5);
  assert.deepEqual(ranking.entries.map((e) => e.bankId), ["CC2"]);
  const tooSmall = rankingOf(banks.slice(0, 4), "all", () => true);
  assert.equal(tooSmall.summary.reason, "TOO_FEW_BANKS");
  assert.deepEqual(tooSmall.entries, []);
});

Deno.test("benchmarkFigure(): the leaders are the better quartile in the indicator's direction", () => {
  const figure = (id: string) => benchmarkFigure(banks, "all", { kind: "indicator", id }).summary;
  for (const id of ["realtime_trigger_latency", "churn_rate", "release_lead_time"]) {
    const s = figure(id);
    assert.equal(s.direction, "lower_better", id);
    assert.equal(
      s.leaders,
      s.q1,
      `${id}: lower is better, so the leaders sit at the lower quartile`,
    );
    assert.ok(s.leaders! < s.median!, `${id}: leaders ${s.leaders} beat the median ${s.median}`);
  }
  for (const id of ["app_mau_penetration", "open_api_count"]) {
    const s = figure(id);
    assert.equal(s.direction, "higher_better", id);
    assert.equal(s.leaders, s.q3, id);
  }
  const overall = benchmarkFigure(banks, "all", { kind: "overall", id: "overall" }).summary;
  assert.equal(overall.leaders, overall.q3, "scores are higher-is-better");
});
