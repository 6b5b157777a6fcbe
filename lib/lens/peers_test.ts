import assert from "node:assert/strict";
import { champions, groupMembers, midRankPercentile, peerSummary, quantile7 } from "./peers.ts";
import type { Direction, PeerValue } from "./peers.ts";
import { assertDeepClose, loadFixture } from "./testdata/fixtures.ts";

type PeerCase =
  | { kind: "quantiles"; values: number[] }
  | { kind: "percentile"; value: number; population: number[]; direction: Direction }
  | { kind: "summary"; rows: PeerValue[]; group: string; direction: Direction }
  | { kind: "champions"; rows: { bankId: string; score: number; level: number }[] };

function run(input: PeerCase): unknown {
  switch (input.kind) {
    case "quantiles": {
      const q = (p: number) => quantile7(input.values, p);
      return { p10: q(0.1), q1: q(0.25), median: q(0.5), q3: q(0.75), p90: q(0.9) };
    }
    case "percentile":
      return midRankPercentile(input.value, input.population, input.direction);
    case "summary":
      return peerSummary(input.rows, input.group, { direction: input.direction });
    case "champions":
      return champions(input.rows);
  }
}

Deno.test("peer statistics match the reference fixtures (R quantile type 7)", async (t) => {
  const fixture = await loadFixture<PeerCase, unknown>("peers.json");
  for (const c of fixture.cases) {
    await t.step(c.name, () => assertDeepClose(run(c.input), c.expected, 1e-12));
  }
});

Deno.test("quantile7() interpolates like a spreadsheet's QUARTILE.INC", () => {
  // sorted 1 2 4 8: h = 3 × 0.25 = 0.75 → 1 + 0.75 × (2 − 1)
  assert.equal(quantile7([8, 1, 4, 2], 0.25), 1.75);
  assert.equal(quantile7([8, 1, 4, 2], 0.5), 3);
  assert.equal(quantile7([8, 1, 4, 2], 1), 8);
  assert.ok(Number.isNaN(quantile7([], 0.5)));
});

Deno.test("midRankPercentile() counts half of the ties, the bank itself included", () => {
  assert.equal(midRankPercentile(3, [1, 3, 3, 9]), 50); // (1 + 0.5 × 2) / 4
  assert.equal(midRankPercentile(9, [1, 3, 3, 9]), 87.5);
  assert.equal(midRankPercentile(1, [1, 3, 3, 9], "lower_better"), 87.5);
});

Deno.test("peerSummary() falls back large_state_owned → national → all below 5 banks", () => {
  const rows: PeerValue[] = [
    ...[1, 2, 3].map((v) => ({ bankId: `S${v}`, peerGroup: "large_state_owned", value: v })),
    ...[4, 5].map((v) => ({ bankId: `J${v}`, peerGroup: "joint_stock", value: v })),
    { bankId: "J6", peerGroup: "joint_stock", value: null },
  ];
  const summary = peerSummary(rows, "large_state_owned");
  assert.equal(summary.group, "national");
  assert.equal(summary.reason, "FALLBACK");
  assert.deepEqual(summary.tried, [{ group: "large_state_owned", n: 3 }, {
    group: "national",
    n: 5,
  }]);
  assert.equal(summary.median, 3);
  assert.equal(summary.p10, null, "deciles need 10 banks");
  assert.ok(!("min" in summary) && !("max" in summary), "never min or max");
});

Deno.test("peerSummary() shows nothing when even 'all' has fewer than 5 banks", () => {
  const rows = [1, 2, 3, 4].map((v) => ({ bankId: `B${v}`, peerGroup: "foreign", value: v }));
  const summary = peerSummary(rows, "foreign");
  assert.equal(summary.group, null);
  assert.equal(summary.reason, "TOO_FEW_BANKS");
  assert.equal(summary.median, null);
});

Deno.test("groupMembers() maps national, regional and all to model peer groups", () => {
  assert.deepEqual(groupMembers("national"), ["large_state_owned", "joint_stock"]);
  assert.deepEqual(groupMembers("regional"), ["city_commercial", "rural_commercial"]);
  assert.equal(groupMembers("all").length, 6);
  assert.deepEqual(groupMembers("foreign"), ["foreign"]);
});

Deno.test("champions() needs a group of 10, the top decile and level 4", () => {
  const rows = Array.from({ length: 10 }, (_, i) => ({ bankId: `B${i}`, score: i * 10, level: 4 }));
  assert.deepEqual(champions(rows), ["B9"]);
  assert.deepEqual(champions(rows.slice(1)), []);
  rows[9].level = 3;
  assert.deepEqual(champions(rows), []);
});

Deno.test("the privacy rule at 4, 5, 9 and 10 banks: nothing, quartiles, quartiles, deciles", () => {
  const rowsOf = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => ({ bankId: `R${i}`, peerGroup: "joint_stock", value: i + 1 }),
    );
  const at4 = peerSummary(rowsOf(4), "joint_stock");
  // 4 joint-stock banks and nobody else: the group, "national" and "all" all stay below 5.
  assert.deepEqual([at4.group, at4.reason, at4.median, at4.q1], [
    null,
    "TOO_FEW_BANKS",
    null,
    null,
  ]);
  assert.deepEqual(at4.tried.map((g) => g.n), [4, 4, 4]);
  for (const n of [5, 9]) {
    const s = peerSummary(rowsOf(n), "joint_stock");
    assert.equal(s.reason, "OWN_GROUP");
    assert.equal(s.median, (n + 1) / 2);
    assert.equal(s.q1, quantile7(rowsOf(n).map((r) => r.value), 0.25));
    assert.deepEqual([s.p10, s.p90], [null, null], `no deciles at ${n} banks`);
    assert.ok(!("min" in s) && !("max" in s));
  }
  const at10 = peerSummary(rowsOf(10), "joint_stock");
  assert.equal(at10.p10, 1.9); // type 7: 1 + 0.9 × (2 − 1)
  assert.equal(at10.p90, 9.1);
  assert.ok(!("min" in at10) && !("max" in at10), "never min or max");
});
