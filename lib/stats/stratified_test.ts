import assert from "node:assert/strict";
import { probabilityBest } from "./bayes.ts";
import { compareProportions } from "./proportions.ts";
import {
  analyzeStratified,
  type PeriodCounts,
  stratifiedProbabilityBest,
  stratify,
} from "./stratified.ts";
import { assertClose, assertJsonSafe, assertMatches, loadFixture } from "./_testing.ts";

interface Input {
  names: string[];
  periods: PeriodCounts[];
  alpha: number;
}

interface Expected {
  weights: number[];
  users: number[];
  blocks: number[][][];
  rates: number[];
  variances: number[];
  posteriors: { users: number; conversions: number }[];
  probabilityBest: number[];
  omnibus: Record<string, unknown>;
  comparisons: Record<string, unknown>[];
}

Deno.test("period-weighted bandit statistics match the independent scipy implementation", async (t) => {
  const fixture = loadFixture<Input, Expected>("stratified.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const k = input.names.length;
      const s = stratify(input.periods, k);
      s.weights.forEach((w, i) => assertClose(w, expected.weights[i], { label: "weight" }));
      assert.deepEqual(s.users, expected.users);
      assert.deepEqual(s.blocks, expected.blocks);
      s.arms.forEach((arm, i) => {
        assertClose(arm.rate, expected.rates[i], { label: "rate" });
        assertClose(arm.variance, expected.variances[i], { label: "variance" });
        assertClose(arm.posterior.users, expected.posteriors[i].users, {
          label: "posterior users",
          relative: 1e-9,
        });
        assertClose(arm.posterior.conversions, expected.posteriors[i].conversions, {
          label: "posterior conversions",
          relative: 1e-9,
          absolute: 1e-9,
        });
      });
      stratifiedProbabilityBest(input.periods, k).forEach((p, i) =>
        assertClose(p, expected.probabilityBest[i], { absolute: 1e-9, label: "probabilityBest" })
      );
      const actual = analyzeStratified(input.names, input.periods, { alpha: input.alpha });
      assertJsonSafe(actual);
      assertMatches(actual.omnibus, expected.omnibus);
      actual.comparisons.forEach((row, i) => {
        const { chanceToBeatControl, expectedLoss, zScore, absoluteLift, ...rest } =
          expected.comparisons[i];
        assertMatches(row, rest);
        // Identical arms: the lift is rounding noise around 0 in both implementations.
        assertClose(row.zScore, zScore as number, { absolute: 1e-12, relative: 1e-9 });
        assertClose(row.absoluteLift, absoluteLift as number, { absolute: 1e-15, relative: 1e-9 });
        assertClose(row.chanceToBeatControl, chanceToBeatControl as number, { absolute: 1e-9 });
        assertClose(row.expectedLoss, expectedLoss as number, { absolute: 1e-10 });
      });
    });
  }
});

Deno.test("issue 13: identical arms moved 50/50 → 10/90 while 10 % fell to 2 % are not told apart", () => {
  const periods = [
    { users: [5000, 5000], conversions: [500, 500] },
    { users: [2000, 18000], conversions: [40, 360] },
  ];
  const pooled = [
    { users: 7000, conversions: 540 },
    { users: 23000, conversions: 860 },
  ];
  // The pooled totals (the old rule) are Simpson's paradox: near-certainty for the first arm.
  assert.ok(probabilityBest(pooled)[0] > 0.999999);
  assert.ok(compareProportions(pooled[0], pooled[1]).pValue! < 1e-30);
  const best = stratifiedProbabilityBest(periods, 2);
  assert.ok(best[0] > 0.3 && best[0] < 0.7, `probability best ${best}`);
  const [row] = analyzeStratified(["A", "B"], periods).comparisons;
  assert.ok(Math.abs(row.absoluteLift) < 1e-12);
  assert.ok(row.pValue! > 0.5 && !row.significant);
  assert.ok(row.ci![0] < 0 && row.ci![1] > 0 && row.relativeCi![0] > -1);
});

Deno.test("one allocation period gives exactly the unweighted Beta posteriors and Wald interval", () => {
  const periods = [{ users: [4000, 4100, 3900], conversions: [80, 107, 0] }];
  const s = stratify(periods, 3);
  assert.deepEqual(s.weights, [1]);
  assert.deepEqual(s.arms.map((a) => a.rate), [80 / 4000, 107 / 4100, 0]);
  s.arms.forEach((a, i) => {
    assertClose(a.posterior.users, periods[0].users[i], { relative: 1e-12 });
    assertClose(a.posterior.conversions, periods[0].conversions[i], { absolute: 1e-9 });
  });
  const arms = periods[0].users.map((users, i) => ({
    users,
    conversions: periods[0].conversions[i],
  }));
  stratifiedProbabilityBest(periods, 3).forEach((p, i) =>
    assertClose(p, probabilityBest(arms)[i], { absolute: 1e-9 })
  );
});

Deno.test("stratify() refuses counts that are not counts", () => {
  assert.throws(() => stratify([{ users: [10, 5], conversions: [11, 0] }], 2), RangeError);
  assert.throws(() => stratify([{ users: [10, NaN], conversions: [1, 0] }], 2), RangeError);
  assert.throws(() => stratify([{ users: [10, -1], conversions: [1, 0] }], 2), RangeError);
  // No customers at all: a uniform posterior each, no comparison.
  const empty = analyzeStratified(["a", "b"], []);
  assert.equal(empty.comparisons[0].pValue, null);
  assertJsonSafe(empty);
});
