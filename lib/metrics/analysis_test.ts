import assert from "node:assert/strict";
import { analyzeStratified } from "../stats/stratified.ts";
import { assertClose, assertJsonSafe } from "../stats/_testing.ts";
import { analyzeValue, type ArmSums, readout, type ReadoutConfig } from "../experiments/readout.ts";
import {
  analyzeMetrics,
  type ArmMetricStats,
  type MetricContext,
  type MetricInput,
  type MetricResult,
} from "./analysis.ts";
import { builtinMetric, type MetricDefinition, type MetricRole } from "./definition.ts";

interface FixtureMetric {
  key: string;
  role: MetricRole;
  kind: "proportion" | "mean" | "ratio";
  direction: "higher_is_better" | "lower_is_better";
  cap: { type: "absolute" | "percentile"; value: number } | null;
  capValue: number | null;
  arms: { x: number[]; y?: number[] }[];
}

interface Case {
  name: string;
  input: { alpha: number; metrics: FixtureMetric[] };
  // deno-lint-ignore no-explicit-any
  expected: { metrics: any[] };
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./testdata/metrics.json", import.meta.url)),
) as { cases: Case[] };

function definition(m: Pick<FixtureMetric, "key" | "kind" | "direction" | "cap">) {
  return {
    key: m.key,
    version: 1,
    builtin: false,
    source: "track",
    name: { "zh-CN": m.key, en: m.key },
    kind: m.kind,
    direction: m.direction,
    windowHours: 168,
    ...(m.kind === "ratio"
      ? {
        numerator: { event: "deposit", aggregate: "sum" },
        denominator: { event: "deposit", aggregate: "count" },
      }
      : { event: "card_bound", ...(m.kind === "mean" ? { aggregate: "sum", cap: m.cap } : {}) }),
  } as MetricDefinition;
}

/** The per-arm sums the SQL computes, from per-customer values capped at `capValue`. */
export function armStats(
  name: string,
  arm: { x: number[]; y?: number[] },
  capValue: number | null,
): ArmMetricStats {
  const x = capValue === null ? arm.x : arm.x.map((v) => Math.min(v, capValue));
  const s: ArmMetricStats = {
    variant: name,
    units: x.length,
    sum: x.reduce((a, b) => a + b, 0),
    sumSquares: x.reduce((a, b) => a + b * b, 0),
  };
  if (arm.y) {
    s.denominatorSum = arm.y.reduce((a, b) => a + b, 0);
    s.denominatorSumSquares = arm.y.reduce((a, b) => a + b * b, 0);
    s.crossSum = x.reduce((a, xi, i) => a + xi * arm.y![i], 0);
  }
  return s;
}

const close = (label: string) => ({ relative: 1e-7, absolute: 1e-12, label });

function compareWithFixture(actual: MetricResult, expected: Case["expected"]["metrics"][number]) {
  assert.equal(actual.key, expected.key);
  assert.equal(actual.role, expected.role);
  assert.equal(actual.correction, expected.correction);
  expected.variants.forEach((ev: Record<string, number>, i: number) => {
    const av = actual.variants[i] as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(ev)) assertClose(av[k], v, close(`${actual.key} ${k}`));
  });
  expected.comparisons.forEach((ec: Record<string, unknown>, i: number) => {
    const ac = actual.comparisons[i] as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(ec)) {
      const label = `${actual.key}[${i}].${k}`;
      if (typeof v === "boolean") assert.equal(ac[k], v, label);
      else if (Array.isArray(v)) {
        const a = ac[k] as number[];
        assert.ok(a, `${label} is null`);
        assertClose(a[0], v[0], close(`${label}[0]`));
        assertClose(a[1], v[1], close(`${label}[1]`));
      } else assertClose(ac[k] as number | null, v as number | null, close(label));
    }
  });
  if (expected.breached !== undefined) assert.equal(actual.breached, expected.breached);
}

Deno.test("analyzeMetrics() matches scipy on per-customer data (Welch, delta method, Holm, BH)", async (t) => {
  assert.ok(fixture.cases.length >= 3);
  for (const c of fixture.cases) {
    await t.step(c.name, () => {
      const variants = c.input.metrics[0].arms.map((_, i) => i === 0 ? "control" : `v${i}`);
      const inputs: MetricInput[] = c.input.metrics.map((m) => ({
        key: m.key,
        role: m.role,
        definition: definition(m),
        stats: {
          arms: m.arms.map((a, i) => armStats(variants[i], a, m.capValue)),
          capValue: m.capValue,
          computedAt: "2026-11-30T00:00:00.000Z",
        },
      }));
      const results = analyzeMetrics(inputs, {
        alpha: c.input.alpha,
        sequential: false,
        sequentialTuning: 5000,
        bandit: false,
        variants,
      });
      assertJsonSafe(results);
      results.forEach((r, i) => compareWithFixture(r, c.expected.metrics[i]));
    });
  }
});

const ctx = (variants: string[], over: Partial<MetricContext> = {}): MetricContext => ({
  alpha: 0.05,
  sequential: false,
  sequentialTuning: 5000,
  bandit: false,
  variants,
  ...over,
});

const config: ReadoutConfig = {
  variants: [
    { name: "control", weight: 1 / 3 },
    { name: "sms_a", weight: 1 / 3 },
    { name: "sms_b", weight: 1 / 3 },
  ],
  alpha: 0.05,
  sequential: false,
  sequentialTuning: 5000,
  primaryMetric: { type: "conversion" },
  guardrails: [],
  plannedSampleSize: null,
};

const arms: ArmSums[] = [
  { variant: "control", users: 4000, conversions: 400, valueSum: -12000, valueSumSquares: 9e5 },
  { variant: "sms_a", users: 4100, conversions: 530, valueSum: -8000, valueSumSquares: 8.5e5 },
  { variant: "sms_b", users: 3900, conversions: 430, valueSum: -11500, valueSumSquares: 8.8e5 },
];

function builtinInput(key: "conversion" | "conversion_value", role: MetricRole, a = arms) {
  const d = builtinMetric(key)!;
  return {
    key,
    role,
    definition: d,
    stats: {
      arms: a.map((x) =>
        key === "conversion"
          ? { variant: x.variant, units: x.users, sum: x.conversions, sumSquares: x.conversions }
          : {
            variant: x.variant,
            units: x.users,
            sum: x.valueSum,
            sumSquares: x.valueSumSquares,
            covariateSum: x.covariateSum,
            covariateSumSquares: x.covariateSumSquares,
            covariateCross: x.covariateCross,
          }
      ),
      capValue: null,
      computedAt: "2026-11-30T00:00:00.000Z",
    },
  };
}

Deno.test("the built-in conversion as primary gives exactly the read-out's conversion figures", () => {
  for (const sequential of [false, true]) {
    const r = readout({ ...config, sequential }, arms, { recentDailyUsers: null });
    const [m] = analyzeMetrics(
      [builtinInput("conversion", "primary")],
      ctx(["control", "sms_a", "sms_b"], { sequential }),
    );
    r.comparisons.forEach((row, i) => {
      const c = m.comparisons[i];
      assert.equal(c.pValue, row.pValue);
      assert.equal(c.adjustedPValue, row.adjustedPValue);
      assert.deepEqual(c.ci, row.ci);
      assert.deepEqual(c.relativeCi, row.relativeCi);
      assert.equal(c.ciLevel, row.ciLevel);
      assert.equal(c.significant, row.significant);
    });
  }
});

Deno.test("the built-in conversion_value as primary gives the value read-out (CUPED, sequential)", () => {
  const withCovariate = arms.map((a, i) => ({
    ...a,
    covariateSum: (40 + i) * a.users,
    covariateSumSquares: (40 + i) ** 2 * a.users * 1.2,
    covariateCross: a.valueSum * (40 + i) * 1.1,
  }));
  for (const a of [arms, withCovariate]) {
    for (const sequential of [false, true]) {
      const value = analyzeValue(a, { alpha: 0.05, sequential, sequentialTuning: 5000 });
      const [m] = analyzeMetrics(
        [builtinInput("conversion_value", "primary", a)],
        ctx(["control", "sms_a", "sms_b"], { sequential }),
      );
      assert.deepEqual(m.cuped, value.cuped);
      value.comparisons.forEach((row, i) => {
        const c = m.comparisons[i];
        assert.equal(c.pValue, row.pValue);
        assert.equal(c.adjustedPValue, row.adjustedPValue);
        assert.deepEqual(c.ci, row.ci);
        assert.equal(c.ciLevel, row.ciLevel);
        assert.equal(c.absoluteLift, row.absoluteLift);
        // Relative intervals too now (Fieller), agreeing with the p-value at the same level.
        if (c.relativeCi && c.pValue !== null) {
          const excludes = c.relativeCi[0] > 0 || c.relativeCi[1] < 0;
          assert.equal(excludes, c.ci![0] > 0 || c.ci![1] < 0);
        }
      });
      assert.equal(m.variants[1].mean, value.comparisons[0].mean);
    }
  }
});

function optOutInput(rates: number[], n = 4000): MetricInput {
  return {
    key: "opt_out",
    role: "guardrail",
    definition: builtinMetric("opt_out")!,
    stats: {
      arms: ["control", "sms_a", "sms_b"].map((variant, i) => ({
        variant,
        units: n,
        sum: Math.round(rates[i] * n),
        sumSquares: Math.round(rates[i] * n),
      })),
      capValue: null,
      computedAt: "2026-11-30T00:00:00.000Z",
    },
  };
}

Deno.test("a breached guardrail metric refuses to ship the winner (GUARDRAIL_WORSE)", () => {
  const clean = analyzeMetrics(
    [builtinInput("conversion", "primary"), optOutInput([0.02, 0.021, 0.019])],
    ctx(["control", "sms_a", "sms_b"]),
  );
  const ok = readout(config, arms, { recentDailyUsers: null, metrics: clean });
  assert.equal(clean[1].breached, false);
  assert.equal(ok.recommendation.action, "ship");
  assert.equal(ok.recommendation.winner, "sms_a");

  const breached = analyzeMetrics(
    [builtinInput("conversion", "primary"), optOutInput([0.02, 0.04, 0.019])],
    ctx(["control", "sms_a", "sms_b"]),
  );
  assert.equal(breached[1].breached, true);
  assert.deepEqual(breached[1].comparisons.map((c) => c.worse), [true, false]);
  const held = readout(config, arms, { recentDailyUsers: null, metrics: breached });
  assert.notEqual(held.recommendation.action, "ship");
  assert.ok(
    held.recommendation.reasons.includes("GUARDRAIL_WORSE"),
    held.recommendation.reasons.join(),
  );
  // Fewer opt-outs is better: a significant fall is not a breach.
  const fewer = analyzeMetrics(
    [optOutInput([0.04, 0.02, 0.04])],
    ctx(["control", "sms_a", "sms_b"]),
  );
  assert.deepEqual(fewer[0].comparisons.map((c) => [c.better, c.worse]), [[true, false], [
    false,
    false,
  ]]);
  assert.equal(fewer[0].breached, false);
});

Deno.test("a lower-is-better primary ships the challenger that lowers it", () => {
  const complaints: MetricInput = {
    ...optOutInput([0.05, 0.03, 0.05]),
    key: "complaint",
    role: "primary",
    definition: { ...builtinMetric("opt_out")!, key: "complaint", source: "track", builtin: false },
  };
  const metrics = analyzeMetrics([complaints], ctx(["control", "sms_a", "sms_b"]));
  assert.equal(metrics[0].correction, "holm");
  assert.equal(metrics[0].comparisons[0].better, true);
  const r = readout(config, arms, { recentDailyUsers: null, metrics });
  assert.equal(r.recommendation.action, "ship");
  assert.equal(r.recommendation.winner, "sms_a");
});

Deno.test("bandits: proportions weighted by period (as the conversion read-out), means flagged", () => {
  const periods = [
    { users: [500, 500, 500], conversions: [50, 50, 50] },
    { users: [100, 800, 100], conversions: [2, 16, 2] },
  ];
  const input: MetricInput = {
    key: "card_bound_7d",
    role: "primary",
    definition: definition({
      key: "card_bound_7d",
      kind: "proportion",
      direction: "higher_is_better",
      cap: null,
    }),
    stats: {
      arms: ["control", "sms_a", "sms_b"].map((variant, i) => ({
        variant,
        units: periods[0].users[i] + periods[1].users[i],
        sum: periods[0].conversions[i] + periods[1].conversions[i],
        sumSquares: periods[0].conversions[i] + periods[1].conversions[i],
      })),
      periods,
      capValue: null,
      computedAt: "2026-11-30T00:00:00.000Z",
    },
  };
  const [m] = analyzeMetrics([input], ctx(["control", "sms_a", "sms_b"], { bandit: true }));
  const weighted = analyzeStratified(["control", "sms_a", "sms_b"], periods, { alpha: 0.05 });
  assert.equal(m.weightedByPeriod, true);
  weighted.comparisons.forEach((row, i) => {
    assert.equal(m.comparisons[i].pValue, row.pValue);
    assert.equal(m.comparisons[i].adjustedPValue, row.adjustedPValue);
    assert.deepEqual(m.comparisons[i].ci, row.ci);
  });
  // Pooled, sms_a would look worse (its customers came when the base rate had fallen).
  assert.ok(m.comparisons[0].absoluteLift! > -1e-12, String(m.comparisons[0].absoluteLift));
  const mean = analyzeMetrics(
    [{ ...builtinInput("conversion_value", "secondary"), key: "v" }],
    ctx(["control", "sms_a", "sms_b"], { bandit: true }),
  );
  assert.deepEqual(mean[0].warnings, ["BANDIT_POOLED"]);
});

Deno.test("a metric without a definition or data is returned as not measured", () => {
  const [m] = analyzeMetrics(
    [{ key: "gone", role: "guardrail", definition: null, stats: null }],
    ctx(["control", "sms_a"]),
  );
  assert.deepEqual(m.warnings, ["NOT_MEASURED"]);
  assert.deepEqual(m.comparisons, []);
  assert.equal(m.breached, false);
  assertJsonSafe(m);
});

Deno.test("a guardrail still computing holds the winner back (METRICS_COMPUTING)", () => {
  const computing: MetricInput = {
    ...optOutInput([0.02, 0.021, 0.019]),
    stats: {
      arms: [],
      periods: null,
      capValue: null,
      computedAt: "2026-11-30T00:00:00.000Z",
      computing: true,
    },
  };
  const metrics = analyzeMetrics(
    [builtinInput("conversion", "primary"), computing],
    ctx(["control", "sms_a", "sms_b"]),
  );
  assert.deepEqual(metrics[1].warnings, ["COMPUTING"]);
  assert.deepEqual(metrics[1].comparisons, []);
  const r = readout(config, arms, { recentDailyUsers: null, metrics });
  assert.equal(r.recommendation.action, "keep_running");
  assert.deepEqual(r.recommendation.reasons, ["METRICS_COMPUTING"]);
  // A secondary metric computing does not hold the decision.
  const secondary = analyzeMetrics(
    [builtinInput("conversion", "primary"), { ...computing, role: "secondary" }],
    ctx(["control", "sms_a", "sms_b"]),
  );
  const shipped = readout(config, arms, { recentDailyUsers: null, metrics: secondary });
  assert.equal(shipped.recommendation.action, "ship");
});

Deno.test("the value read-out's relative interval equals the metric's (Fieller at the Welch level)", () => {
  for (const sequential of [false, true]) {
    const value = analyzeValue(arms, { alpha: 0.05, sequential, sequentialTuning: 5000 });
    const [m] = analyzeMetrics(
      [builtinInput("conversion_value", "primary")],
      ctx(["control", "sms_a", "sms_b"], { sequential }),
    );
    value.comparisons.forEach((row, i) => {
      assert.ok(row.relativeCi, "a relative interval is given");
      assert.deepEqual(row.relativeCi, m.comparisons[i].relativeCi);
      // Net outflow (negative control mean): the interval is around the relative lift.
      assert.ok(row.relativeCi![0] <= row.relativeLift! && row.relativeLift! <= row.relativeCi![1]);
    });
  }
});
