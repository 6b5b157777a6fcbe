import assert from "node:assert/strict";
import { analyzeMeans, analyzeProportions } from "./analysis.ts";
import { bayesianComparison, posterior, probabilityBest } from "./bayes.ts";
import { thompsonAllocation } from "./bandits.ts";
import { chiSquareIndependence, sampleRatioMismatch } from "./chi_square.ts";
import { StatsInputError } from "./guards.ts";
import { holmLevels } from "./holm.ts";
import { cupedAdjust, summaryFromSums, welchTest } from "./means.ts";
import {
  planProportions,
  powerForSampleSize,
  sampleSizeMeans,
  sampleSizeProportions,
} from "./power.ts";
import { compareProportions } from "./proportions.ts";
import { sequentialRho } from "./sequential.ts";

const ok = { users: 1000, conversions: 100 };
const mean = { n: 100, mean: 5, sd: 2 };
const named = <T>(a: T, b: T) => [{ name: "control", ...a }, { name: "b", ...b }];

/** Inputs that make a statistic meaningless, each with the words its error must contain. */
const BAD: [string, () => unknown, RegExp][] = [
  [
    "conversions above users",
    () => compareProportions(ok, { users: 10, conversions: 11 }),
    /exceed/,
  ],
  ["negative users", () => compareProportions({ users: -5, conversions: 0 }, ok), /negative/],
  ["NaN conversions", () => compareProportions({ users: 5, conversions: NaN }, ok), /finite/],
  ["alpha 0", () => compareProportions(ok, ok, { alpha: 0 }), /alpha/],
  ["alpha 1.5", () => compareProportions(ok, ok, { alpha: 1.5 }), /alpha/],
  ["alpha NaN", () => compareProportions(ok, ok, { alpha: NaN }), /alpha/],
  [
    "analysis: conversions above users",
    () => analyzeProportions(named(ok, { users: 3, conversions: 4 })),
    /"b": 4 conversions exceed 3/,
  ],
  ["analysis: alpha 1", () => analyzeProportions(named(ok, ok), { alpha: 1 }), /alpha/],
  ["welch: NaN mean", () => welchTest(mean, { ...mean, mean: NaN }), /mean/],
  ["welch: negative sd", () => welchTest(mean, { ...mean, sd: -1 }), /sd/],
  ["welch: negative n", () => welchTest({ ...mean, n: -3 }, mean), /negative/],
  ["welch: alpha -0.05", () => welchTest(mean, mean, { alpha: -0.05 }), /alpha/],
  [
    "means analysis: Infinity",
    () => analyzeMeans(named(mean, { ...mean, mean: Infinity })),
    /mean/,
  ],
  ["sums: NaN", () => summaryFromSums({ n: 3, sum: NaN, sumSquares: 1 }), /sum/],
  [
    "cuped: negative n",
    () =>
      cupedAdjust([{
        n: -1,
        sum: 0,
        sumSquares: 0,
        covariateSum: 0,
        covariateSumSquares: 0,
        crossSum: 0,
      }]),
    /negative/,
  ],
  ["posterior: conversions above users", () => posterior({ users: 1, conversions: 2 }), /exceed/],
  ["bayes: negative", () => bayesianComparison(ok, { users: 10, conversions: -1 }), /negative/],
  ["probability best: NaN", () => probabilityBest([ok, { users: NaN, conversions: 0 }]), /finite/],
  ["thompson: above users", () => thompsonAllocation([ok, { users: 5, conversions: 6 }]), /exceed/],
  [
    "chi-square: negative",
    () => chiSquareIndependence([ok, { users: -1, conversions: 0 }]),
    /negative/,
  ],
  ["SRM: NaN users", () => sampleRatioMismatch([100, NaN]), /finite/],
  ["holm levels: alpha 2", () => holmLevels([0.01], 2), /alpha/],
  ["sequential: alpha 0", () => sequentialRho(0), /alpha/],
  [
    "sample size: alpha 1",
    () => sampleSizeProportions({ baselineRate: 0.1, variantRate: 0.12 }, { alpha: 1 }),
    /alpha/,
  ],
  [
    "sample size: power 1.2",
    () => sampleSizeProportions({ baselineRate: 0.1, variantRate: 0.12 }, { power: 1.2 }),
    /power/,
  ],
  [
    "sample size means: alpha NaN",
    () => sampleSizeMeans({ sd: 1, minimumDetectableEffect: 0.1 }, { alpha: NaN }),
    /alpha/,
  ],
  [
    "power curve: alpha 0",
    () => powerForSampleSize({ baselineRate: 0.1, variantRate: 0.12 }, 100, { alpha: 0 }),
    /alpha/,
  ],
  [
    "plan: smallest share 0",
    () =>
      planProportions({ baselineRate: 0.1, minimumDetectableEffect: 0.1 }, { smallestShare: 0 }),
    /smallestShare/,
  ],
];

Deno.test("statistics functions throw a clear error on inputs that make numbers meaningless", async (t) => {
  for (const [name, run, words] of BAD) {
    await t.step(name, () => {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof StatsInputError, `${name}: ${error}`);
        assert.match(error.message, words);
        return true;
      });
    });
  }
});

Deno.test("degenerate but valid data still answers with reason codes, not errors", () => {
  const empty = compareProportions({ users: 0, conversions: 0 }, ok);
  assert.deepEqual(empty.reasons, ["NOT_ENOUGH_DATA"]);
  const none = compareProportions({ users: 100, conversions: 0 }, { users: 100, conversions: 0 });
  assert.ok(none.reasons.includes("ZERO_VARIANCE"));
  assert.equal(welchTest({ n: 1, mean: 0, sd: 0 }, mean).pValue, null);
});

Deno.test("planProportions(): one validation with reason codes for the calculator and the API", () => {
  const plan = (minimumDetectableEffect: number, baselineRate = 0.1) =>
    planProportions({ baselineRate, minimumDetectableEffect });
  assert.deepEqual(plan(1e-17), { ok: false, reason: "NO_EFFECT", variantRate: 0.1 });
  const tiny = plan(1e-9);
  assert.equal(tiny.ok, false);
  assert.equal(!tiny.ok && tiny.reason, "TOO_MANY_USERS");
  assert.equal((plan(0.5, 0.9) as { reason: string }).reason, "TARGET_OUT_OF_RANGE");
  assert.equal((plan(0.1, 0) as { reason: string }).reason, "BASELINE_OUT_OF_RANGE");
  assert.equal((plan(NaN) as { reason: string }).reason, "EFFECT_INVALID");
  const fine = plan(0.1);
  assert.ok(fine.ok);
  assert.deepEqual(
    fine,
    {
      ok: true,
      variantRate: 0.1 * 1.1,
      ...sampleSizeProportions({ baselineRate: 0.1, variantRate: 0.11000000000000001 }),
    },
  );
  const unequal = planProportions({ baselineRate: 0.1, minimumDetectableEffect: 0.1 }, {
    smallestShare: 0.2,
  });
  assert.ok(unequal.ok && fine.ok);
  assert.equal(unequal.total, Math.ceil(fine.perVariant / 0.2));
});
