import assert from "node:assert/strict";
import { cupedAdjust, type CupedSums, summaryFromSums, welchTest } from "./means.ts";
import { assertClose, assertJsonSafe, loadFixture } from "./_testing.ts";
import type { MeanSummary, MeanSums } from "./types.ts";

type Arm = MeanSummary | MeanSums;
const summary = (arm: Arm) => "sd" in arm ? arm : summaryFromSums(arm);

Deno.test("welchTest() matches R t.test on the raw data", async (t) => {
  const fixture = loadFixture<
    { control: Arm; variant: Arm; alpha: number },
    Record<string, number | number[] | null>
  >("means.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = welchTest(summary(input.control), summary(input.variant), {
        alpha: input.alpha,
      });
      assertJsonSafe(actual);
      const tolerance = { relative: 1e-8, absolute: 1e-12 };
      for (const key of ["absoluteLift", "relativeLift", "tStatistic", "df", "pValue"] as const) {
        assertClose(actual[key], expected[key] as number | null, { ...tolerance, label: key });
      }
      (expected.ci as number[]).forEach((v, i) => assertClose(actual.ci![i], v, tolerance));
    });
  }
});

Deno.test("welchTest() returns reason codes on degenerate data", () => {
  const flat = welchTest({ n: 5, mean: 3, sd: 0 }, { n: 6, mean: 3, sd: 0 });
  assert.deepEqual(flat.reasons, ["ZERO_VARIANCE"]);
  const tiny = welchTest({ n: 1, mean: 0, sd: 0 }, { n: 6, mean: 3, sd: 1 });
  assert.deepEqual(tiny.reasons, ["NOT_ENOUGH_DATA", "BASELINE_ZERO"]);
  assertJsonSafe([flat, tiny]);
});

Deno.test("cupedAdjust() matches R: pooled theta, then Welch on the adjusted metric", async (t) => {
  const fixture = loadFixture<{ arms: CupedSums[] }, Record<string, number | number[]>>(
    "cuped.json",
  );
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const { theta, arms } = cupedAdjust(input.arms);
      const tolerance = { relative: 1e-7, absolute: 1e-10 };
      assertClose(theta, expected.theta as number, tolerance);
      (expected.means as number[]).forEach((m, i) => assertClose(arms[i].mean, m, tolerance));
      (expected.sds as number[]).forEach((s, i) => assertClose(arms[i].sd, s, tolerance));
      const welch = welchTest(arms[0], arms[1]);
      assertClose(welch.tStatistic, expected.tStatistic as number, tolerance);
      assertClose(welch.df, expected.df as number, tolerance);
      assertClose(welch.pValue, expected.pValue as number, tolerance);
    });
  }
});

Deno.test("cupedAdjust() leaves the metric alone when the covariate is constant", () => {
  const arm = {
    n: 3,
    sum: 6,
    sumSquares: 14,
    covariateSum: 3,
    covariateSumSquares: 3,
    crossSum: 6,
  };
  const result = cupedAdjust([arm, arm]);
  assert.equal(result.theta, 0);
  assert.deepEqual(result.reasons, ["ZERO_VARIANCE"]);
  assertClose(result.arms[0].mean, 2);
});
