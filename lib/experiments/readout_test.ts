import assert from "node:assert/strict";
import { analyzeMeans, analyzeProportions } from "../stats/analysis.ts";
import { summaryFromSums } from "../stats/means.ts";
import { type ArmSums, readout, type ReadoutConfig } from "./readout.ts";
import { cumulativeTimeline, recentDailyUsers } from "./timeline.ts";

const config: ReadoutConfig = {
  variants: [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }],
  alpha: 0.05,
  sequential: false,
  sequentialTuning: 5000,
  primaryMetric: { type: "conversion" },
  guardrails: [],
  plannedSampleSize: null,
};

function arm(variant: string, users: number, conversions: number, value = 0): ArmSums {
  return {
    variant,
    users,
    conversions,
    valueSum: value * users,
    valueSumSquares: value * value * users * 1.5,
  };
}

Deno.test("readout() carries analyzeProportions() on the arms with the configured weights", () => {
  const arms = [arm("control", 10_000, 500), arm("coupon", 10_000, 600)];
  const r = readout(config, arms, { recentDailyUsers: null });
  const expected = analyzeProportions(
    [{ name: "control", users: 10_000, conversions: 500 }, {
      name: "coupon",
      users: 10_000,
      conversions: 600,
    }],
    { alpha: 0.05, sequential: false, sequentialTuning: 5000, weights: [0.5, 0.5] },
  );
  const { variants, enoughData, value, guardrails, metrics, recommendation, bandit, ...analysis } =
    r;
  assert.deepEqual(analysis, expected);
  assert.deepEqual(metrics, [], "no metric results were passed");
  assert.equal(bandit, null, "an A/B read-out has no bandit part");
  assert.deepEqual(variants[1], { name: "coupon", users: 10_000, conversions: 600, rate: 0.06 });
  assert.equal(enoughData, true);
  assert.equal(value, null);
  assert.deepEqual(guardrails, []);
  assert.equal(recommendation.action, "ship");
  assert.equal(recommendation.winner, "coupon");
});

Deno.test("readout() without data says not enough data and stays JSON-safe", () => {
  const r = readout(config, [arm("control", 0, 0), arm("coupon", 0, 0)], {
    recentDailyUsers: null,
  });
  assert.equal(r.enoughData, false);
  assert.equal(r.variants[0].rate, null);
  assert.deepEqual(r.recommendation.reasons, ["NOT_ENOUGH_DATA"]);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

Deno.test("readout() analyses a value metric with Welch; a free-text guardrail is not scored on the primary's data", () => {
  const arms = [arm("control", 5000, 400, 100), arm("coupon", 5000, 520, 80)];
  const r = readout(
    {
      ...config,
      primaryMetric: { type: "value", name: "deposit" },
      guardrails: [{ name: "deposit", type: "value", direction: "higher_is_better" }],
    },
    arms,
    { recentDailyUsers: null },
  );
  const expected = analyzeMeans(
    arms.map((a) => ({
      name: a.variant,
      ...summaryFromSums({ n: a.users, sum: a.valueSum, sumSquares: a.valueSumSquares }),
    })),
  );
  assert.ok(r.value);
  assert.equal(r.value.cuped, null);
  assert.equal(r.value.comparisons[0].pValue, expected.comparisons[0].pValue);
  assert.deepEqual(r.value.comparisons[0].ci, expected.comparisons[0].ci);
  // Before the metric library the guardrail "deposit" got the primary metric's own Holm p (the
  // issue 16 bug: "退订率" showed the conversion's p = 0.0127). It is now shown as not measured.
  assert.deepEqual(r.guardrails, [{
    name: "deposit",
    type: "value",
    direction: "higher_is_better",
    measured: false,
    comparisons: [],
  }]);
  // The coupon is significantly worse on the primary metric itself: stop, all challengers worse.
  assert.equal(r.recommendation.action, "stop");
  assert.deepEqual(r.recommendation.reasons, ["ALL_WORSE"]);
});

Deno.test("readout() applies CUPED when covariate sums are present", () => {
  const withCovariate = (a: ArmSums, x: number): ArmSums => ({
    ...a,
    covariateSum: x * a.users,
    covariateSumSquares: x * x * a.users * 1.2,
    covariateCross: a.valueSum * x * 1.1,
  });
  const arms = [
    withCovariate(arm("control", 3000, 100, 50), 40),
    withCovariate(arm("coupon", 3000, 120, 55), 42),
  ];
  const r = readout({ ...config, primaryMetric: { type: "value" } }, arms, {
    recentDailyUsers: null,
  });
  assert.ok(r.value?.cuped);
  assert.ok(Number.isFinite(r.value.cuped.theta));
});

Deno.test("readout(): a value metric with negative means (net outflow) keeps the sign of the change", () => {
  // Net outflow per customer: -10 in the control, -5 with the coupon (an improvement).
  const arms = [arm("control", 3000, 100, -10), arm("coupon", 3000, 120, -5)];
  const plain = readout({ ...config, primaryMetric: { type: "value" } }, arms, {
    recentDailyUsers: null,
  });
  const [row] = plain.value!.comparisons;
  assert.ok(row.absoluteLift > 0);
  assert.ok(Math.abs(row.relativeLift! - 0.5) < 1e-9, String(row.relativeLift));
  // The same through CUPED: the adjusted control mean is still negative.
  const withCovariate = (a: ArmSums, x: number): ArmSums => ({
    ...a,
    covariateSum: x * a.users,
    covariateSumSquares: x * x * a.users * 1.2,
    covariateCross: a.valueSum * x * 1.1,
  });
  const cuped = readout(
    { ...config, primaryMetric: { type: "value" } },
    [withCovariate(arms[0], -8), withCovariate(arms[1], -8)],
    { recentDailyUsers: null },
  );
  const [adjusted] = cuped.value!.comparisons;
  assert.ok(cuped.value!.cuped && cuped.value!.controlMean < 0);
  assert.ok(adjusted.absoluteLift > 0 && adjusted.relativeLift! > 0, JSON.stringify(adjusted));
});

Deno.test("readout() with sequential on widens the value interval", () => {
  const arms = [arm("control", 5000, 400, 100), arm("coupon", 5000, 520, 104)];
  const fixed = readout({ ...config, primaryMetric: { type: "value" } }, arms, {
    recentDailyUsers: null,
  });
  const seq = readout({ ...config, sequential: true, primaryMetric: { type: "value" } }, arms, {
    recentDailyUsers: null,
  });
  const width = (ci: number[] | null) => ci![1] - ci![0];
  assert.ok(width(seq.value!.comparisons[0].ci) > width(fixed.value!.comparisons[0].ci));
  assert.ok(seq.value!.comparisons[0].pValue! >= fixed.value!.comparisons[0].pValue!);
});

Deno.test("cumulativeTimeline() adds days up per arm; recentDailyUsers() averages the window", () => {
  const daily = [
    { day: "2026-01-01", variant: "control", users: 100, conversions: 5 },
    { day: "2026-01-01", variant: "coupon", users: 100, conversions: 10 },
    { day: "2026-01-03", variant: "control", users: 100, conversions: 15 },
  ];
  const t = cumulativeTimeline(daily, ["control", "coupon"]);
  assert.deepEqual(t.days, ["2026-01-01", "2026-01-03"]);
  assert.deepEqual(t.series[0], { name: "control", users: [100, 200], rates: [0.05, 0.1] });
  assert.deepEqual(t.series[1], { name: "coupon", users: [100, 100], rates: [0.1, 0.1] });
  assert.equal(recentDailyUsers(daily, { today: "2026-01-03", firstDay: "2026-01-01" }), 100);
  assert.equal(recentDailyUsers(daily, { today: "2026-01-09", firstDay: "2026-01-01" }), 100 / 7);
  assert.equal(recentDailyUsers([], { today: "2026-01-09", firstDay: null }), 0);
});
