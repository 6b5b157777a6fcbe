import assert from "node:assert/strict";
import banks from "./demo-banks.json" with { type: "json" };
import { FIGURES, type ScoredBank } from "./benchmark.ts";
import {
  customBenchmark,
  customFigure,
  customRanking,
  groupProblem,
  standardGroups,
  symmetricDifference,
} from "./custom_groups.ts";
import { quantile7 } from "./peers.ts";
import { scoreAssessment } from "./scoring.ts";

function scored(drop: Record<string, string[] | "all"> = {}): ScoredBank[] {
  return banks.flatMap((b) => {
    if (drop[b.id] === "all") return [];
    const values: Record<string, number | null> = { ...b.values };
    for (const id of (drop[b.id] as string[] | undefined) ?? []) delete values[id];
    return [{ bankId: b.id, peerGroup: b.peer_group, score: scoreAssessment({ values }) }];
  });
}

const PUBLIC = banks.map((b) => ({ id: b.id, peerGroup: b.peer_group }));
const KNOWN = new Set(banks.map((b) => b.id));
const FIVE = ["SOE1", "JS1", "CC1", "RC2", "PB1"];
const overall = { kind: "overall" as const, id: "overall" };

Deno.test("a group of 4 banks is refused; 5 distinct known banks are accepted", () => {
  assert.deepEqual(groupProblem(FIVE.slice(0, 4), KNOWN, []), {
    code: "GROUP_TOO_SMALL",
    n: 4,
    k: 5,
  });
  // duplicates count once
  assert.equal(groupProblem([...FIVE.slice(0, 4), "JS1"], KNOWN, [])?.code, "GROUP_TOO_SMALL");
  assert.deepEqual(groupProblem([...FIVE.slice(0, 4), "NOPE1"], KNOWN, []), {
    code: "UNKNOWN_BANK",
    bankId: "NOPE1",
  });
  assert.equal(groupProblem(FIVE, KNOWN, standardGroups(PUBLIC)), null);
});

Deno.test("a group 1–4 banks away from a standard or earlier group is refused", () => {
  const cityPlusOne = ["CC1", "CC2", "CC3", "CC4", "CC5", "JS1"];
  assert.deepEqual(groupProblem(cityPlusOne, KNOWN, standardGroups(PUBLIC)), {
    code: "GROUP_TOO_CLOSE",
    other: "city_commercial",
    difference: 1,
    k: 5,
  });
  const earlier = { id: "custom:a", bankIds: new Set(FIVE) };
  const swapped = ["SOE1", "JS1", "CC1", "RC2", "RC3"]; // PB1 → RC3: differs by 2
  assert.equal(groupProblem(swapped, KNOWN, [earlier])?.code, "GROUP_TOO_CLOSE");
  // the same members again tell nothing new; ten banks away is fine
  assert.equal(groupProblem(FIVE, KNOWN, [earlier]), null);
  assert.equal(
    symmetricDifference(new Set(FIVE), new Set(["SOE2", "SOE3", "FB1", "FB2", "RC5"])),
    10,
  );
});

Deno.test("a group of 5 with data shows quartiles only: no deciles, no min or max", () => {
  const peers = scored();
  const f = customFigure(peers, { label: "五家", bankIds: new Set(FIVE) }, overall);
  assert.equal(f.refusal, null);
  assert.equal(f.summary.n, 5);
  const values = FIVE.map((id) => peers.find((p) => p.bankId === id)!.score.overall.score!);
  assert.equal(f.summary.median, quantile7(values, 0.5));
  assert.equal(f.summary.q1, quantile7(values, 0.25));
  assert.equal(f.summary.q3, quantile7(values, 0.75));
  assert.equal(f.summary.p10, null);
  assert.equal(f.summary.p90, null);
  assert.ok(!("min" in f.summary) && !("max" in f.summary));
  // with n = 5, type-7 quartiles are the 2nd and 4th order statistics: never the extremes
  const sorted = [...values].sort((a, b) => a - b);
  assert.equal(f.summary.q1, sorted[1]);
  assert.equal(f.summary.q3, sorted[3]);
  assert.equal(f.summary.group, "五家");
});

Deno.test("a group of 5 where one bank has no data for the period is refused, never falls back", () => {
  const peers = scored({ PB1: "all" }); // PB1 has no submitted assessment
  const figures = customBenchmark(peers, { label: "五家", bankIds: new Set(FIVE) }, FIGURES);
  assert.equal(figures.length, FIGURES.length);
  for (const f of figures) {
    assert.equal(f.refusal, "TOO_FEW_BANKS", `${f.kind}:${f.id}`);
    assert.equal(f.summary.group, null);
    assert.equal(f.summary.n, 0);
    for (const k of ["q1", "median", "q3", "p10", "p90", "leaders"] as const) {
      assert.equal(f.summary[k], null);
    }
  }
  const ranking = customRanking(peers, figures[0], new Set(FIVE), () => true);
  assert.deepEqual(ranking, { n: 0, entries: [] });
});

Deno.test("one bank missing one indicator refuses that figure only", () => {
  const peers = scored({ RC2: ["app_mau_penetration"] });
  const group = { label: "g", bankIds: new Set(FIVE) };
  const mau = customFigure(peers, group, { kind: "indicator", id: "app_mau_penetration" });
  assert.equal(mau.refusal, "TOO_FEW_BANKS");
  assert.equal(mau.summary.tried[0].n, 4);
  const tag = customFigure(peers, group, { kind: "indicator", id: "tag_system" });
  assert.equal(tag.refusal, null);
});

Deno.test("a figure whose banks with data sit 1–4 away from another group is not shown", () => {
  // city_commercial's 5 banks plus 5 more, of which only JS1 has data for app_mau_penetration:
  // the figure's banks with data differ from city_commercial's by one bank.
  const extra = ["JS2", "JS3", "SOE1", "SOE2"];
  const drop = Object.fromEntries(extra.map((id) => [id, ["app_mau_penetration"]]));
  const peers = scored(drop);
  const group = {
    label: "g",
    bankIds: new Set(["CC1", "CC2", "CC3", "CC4", "CC5", "JS1", ...extra]),
  };
  const others = standardGroups(PUBLIC);
  const mau = customFigure(peers, group, { kind: "indicator", id: "app_mau_penetration" }, {
    others,
  });
  assert.equal(mau.refusal, "TOO_CLOSE");
  assert.equal(mau.summary.median, null);
  const overallFigure = customFigure(peers, group, overall, { others });
  assert.equal(overallFigure.refusal, null);
  assert.equal(overallFigure.summary.n, 10);
  assert.notEqual(overallFigure.summary.p10, null); // ten banks: deciles, still no min or max
});

Deno.test("the ranking names only banks in scope; the bank's percentile counts itself once", () => {
  const peers = scored();
  const ids = new Set(FIVE);
  const cc2 = peers.find((p) => p.bankId === "CC2")!;
  const f = customFigure(peers, { label: "g", bankIds: ids }, overall, { bank: cc2 });
  assert.equal(f.value, cc2.score.overall.score);
  const scores = FIVE.map((id) => peers.find((p) => p.bankId === id)!.score.overall.score!);
  const v = cc2.score.overall.score!;
  const population = [...scores, v];
  const below = population.filter((x) => x < v).length;
  const equal = population.filter((x) => x === v).length;
  assert.equal(f.percentile, (100 * (below + 0.5 * equal)) / 6);
  const ranking = customRanking(peers, f, ids, (id) => ["CC1", "RC2", "CC2"].includes(id));
  assert.equal(ranking.n, 5);
  assert.deepEqual(ranking.entries.map((e) => e.bankId).sort(), ["CC1", "RC2"]);
});
