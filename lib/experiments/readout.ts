/**
 * An experiment's read-out from its sufficient statistics: the proportions analysis (the body of
 * POST /api/stats/proportions, with the arms' configured weights for SRM), the value metric by
 * Welch (CUPED-adjusted when pre-period covariate sums are present), the metric library's
 * results (lib/metrics/analysis.ts: primary, secondary and guardrail metrics, each on its own
 * data), the cumulative daily series and the recommendation of ./decisions.ts. Pure and
 * JSON-safe (nulls + reasons).
 *
 * The recommendation reads the primary metric's comparisons (Holm over the challengers, lift in
 * the metric's good direction) and holds any challenger that breaches a guardrail metric
 * (`GUARDRAIL_WORSE`). Without metric results (callers that pass none) it reads the conversion
 * or value analysis, as before the library.
 *
 * The free-text guardrails of experiments created before the library (`config.guardrails`) are
 * not measured: they used to be scored on the primary metric's own data (a "退订率" guardrail got
 * the conversion's Holm p), which said nothing about them. They are returned with
 * `measured: false` and no comparisons.
 */
import { analyzeProportions, type ProportionsAnalysis } from "../stats/analysis.ts";
import { analyzeStratified } from "../stats/stratified.ts";
import { holmAdjust, holmLevels } from "../stats/holm.ts";
import { tQuantile } from "../stats/dist.ts";
import { cupedAdjust, summaryFromSums, welchTest } from "../stats/means.ts";
import { relativeInterval } from "../stats/ratio.ts";
import {
  alwaysValidPValue,
  confidenceSequenceHalfWidth,
  sequentialRho,
} from "../stats/sequential.ts";
import type { Interval, MeanSummary, ReasonCode } from "../stats/types.ts";
import { decisionInputs, type MetricResult } from "../metrics/analysis.ts";
import type { ExperimentMetrics } from "../metrics/definition.ts";
import type { BanditReadout } from "./bandit.ts";
import { MIN_USERS_PER_ARM, recommend, type Recommendation } from "./decisions.ts";

/** One arm's totals; the covariate sums (pre-period, for CUPED) are optional. */
export interface ArmSums {
  variant: string;
  users: number;
  conversions: number;
  valueSum: number;
  valueSumSquares: number;
  covariateSum?: number;
  covariateSumSquares?: number;
  covariateCross?: number;
}

export interface ReadoutConfig {
  variants: readonly { name: string; weight: number }[];
  alpha: number;
  sequential: boolean;
  sequentialTuning: number;
  primaryMetric: { type: "conversion" | "value"; name?: string };
  guardrails: readonly { name: string; type: "conversion" | "value"; direction: string }[];
  plannedSampleSize: number | null;
  /** `stopped` or `decided`: the recommendation no longer says "keep running". */
  status?: string;
  /** The metric library's roles (informational here: the results come in `options.metrics`). */
  metrics?: ExperimentMetrics;
}

/** A value-metric comparison (Welch; sequential when on), lifts in the metric's unit. */
export interface ValueRow {
  variant: string;
  mean: number;
  absoluteLift: number;
  relativeLift: number | null;
  pValue: number | null;
  adjustedPValue: number | null;
  /** At the confidence level `ciLevel` (Holm's, as for conversions): excludes 0 iff `significant`. */
  ci: Interval | null;
  /** The relative lift's interval at the same level (Fieller, lib/stats/ratio.ts). */
  relativeCi: Interval | null;
  ciLevel: number;
  significant: boolean;
  reasons: ReasonCode[];
}

export interface ValueAnalysis {
  controlMean: number;
  cuped: { theta: number } | null;
  comparisons: ValueRow[];
}

export interface GuardrailRow {
  variant: string;
  lift: number | null;
  adjustedPValue: number | null;
  worse: boolean;
}

/** A free-text guardrail of an experiment older than the metric library: not measured. */
export interface LegacyGuardrail {
  name: string;
  type: string;
  direction: string;
  measured: false;
  comparisons: GuardrailRow[];
}

export interface Readout extends ProportionsAnalysis {
  variants: { name: string; users: number; conversions: number; rate: number | null }[];
  enoughData: boolean;
  value: ValueAnalysis | null;
  /** Free-text guardrails of older experiments, not measured (module comment). */
  guardrails: LegacyGuardrail[];
  /** The metric library's results: primary first, then secondary metrics, then guardrails. */
  metrics: MetricResult[];
  recommendation: Recommendation;
  /** Bandits: allocations, periods and the bandit rule (./bandit.ts); null for A/B. */
  bandit: BanditReadout | null;
}

/** Welch comparisons of each challenger with the control, Holm-adjusted, sequential when on. */
export function analyzeValue(
  arms: readonly ArmSums[],
  config: Pick<ReadoutConfig, "alpha" | "sequential" | "sequentialTuning">,
): ValueAnalysis {
  const { alpha, sequential, sequentialTuning: tuning } = config;
  const covariates = arms.every((a) => a.covariateSumSquares !== undefined) &&
    arms.some((a) => (a.covariateSumSquares ?? 0) > 0);
  let summaries: MeanSummary[] = arms.map((a) =>
    summaryFromSums({ n: a.users, sum: a.valueSum, sumSquares: a.valueSumSquares })
  );
  let cuped: ValueAnalysis["cuped"] = null;
  if (covariates) {
    const adjusted = cupedAdjust(arms.map((a) => ({
      n: a.users,
      sum: a.valueSum,
      sumSquares: a.valueSumSquares,
      covariateSum: a.covariateSum ?? 0,
      covariateSumSquares: a.covariateSumSquares ?? 0,
      crossSum: a.covariateCross ?? 0,
    })));
    summaries = adjusted.arms;
    cuped = { theta: adjusted.theta };
  }
  const [control, ...challengers] = summaries;
  // Intervals at each row's Holm level (as the conversion figures are), so a value interval
  // excludes 0 exactly when its Holm-adjusted p-value is below α.
  const compare = (v: MeanSummary, level: number) => {
    const test = welchTest(control, v, { alpha: level });
    if (test.pValue === null || test.df === null) return { ...test, relativeCi: null };
    const se = Math.sqrt(control.sd ** 2 / control.n + v.sd ** 2 / v.n);
    const relative = (c: number) =>
      test.relativeLift === null ? null : relativeInterval(
        { estimate: control.mean, variance: control.sd ** 2 / control.n },
        { estimate: v.mean, variance: v.sd ** 2 / v.n },
        c,
      );
    if (!sequential) return { ...test, relativeCi: relative(tQuantile(1 - level / 2, test.df)) };
    const n = control.n + v.n;
    const half = confidenceSequenceHalfWidth(se, n, {
      alpha: level,
      rho: sequentialRho(alpha, tuning),
    });
    return {
      ...test,
      pValue: alwaysValidPValue(test.absoluteLift, se, n, { alpha, tuning }),
      ci: [test.absoluteLift - half, test.absoluteLift + half] as Interval,
      relativeCi: relative(half / se),
    };
  };
  const first = challengers.map((v) => compare(v, alpha));
  const adjusted = holmAdjust(first.map((t) => t.pValue));
  const levels = holmLevels(first.map((t) => t.pValue), alpha);
  const tests = challengers.map((v, i) =>
    levels[i] === null || levels[i] === alpha ? first[i] : compare(v, levels[i]!)
  );
  return {
    controlMean: control.mean,
    cuped,
    comparisons: tests.map((t, i) => ({
      variant: arms[i + 1].variant,
      mean: challengers[i].mean,
      absoluteLift: t.absoluteLift,
      relativeLift: t.relativeLift,
      pValue: t.pValue,
      adjustedPValue: adjusted[i],
      ci: t.ci,
      relativeCi: t.relativeCi,
      ciLevel: 1 - (levels[i] ?? alpha),
      significant: adjusted[i] !== null && adjusted[i]! < alpha,
      reasons: t.reasons,
    })),
  };
}

/**
 * The full read-out; `recentDailyUsers` (new users a day lately) feeds the days-left estimate;
 * `metrics` (lib/metrics/analysis.ts `analyzeMetrics`) are the library's results, which the
 * recommendation reads when given.
 */
export function readout(
  config: ReadoutConfig,
  arms: readonly ArmSums[],
  options: { recentDailyUsers: number | null; metrics?: readonly MetricResult[] },
): Readout {
  const { alpha, sequential, sequentialTuning } = config;
  const proportions = analyzeProportions(
    arms.map((a) => ({ name: a.variant, users: a.users, conversions: a.conversions })),
    { alpha, sequential, sequentialTuning, weights: config.variants.map((v) => v.weight) },
  );
  const needsValue = config.primaryMetric.type === "value" ||
    config.guardrails.some((g) => g.type === "value");
  const value = needsValue ? analyzeValue(arms, config) : null;
  const guardrails: LegacyGuardrail[] = config.guardrails.map((g) => ({
    name: g.name,
    type: g.type,
    direction: g.direction,
    measured: false,
    comparisons: [],
  }));
  const users = arms.reduce((s, a) => s + a.users, 0);
  const minArmUsers = Math.min(...arms.map((a) => a.users));
  const metrics = options.metrics ? [...options.metrics] : [];
  const legacyRows = config.primaryMetric.type === "value"
    ? value!.comparisons.map((r) => ({ lift: r.absoluteLift, p: r.adjustedPValue }))
    : proportions.comparisons.map((r) => ({ lift: r.absoluteLift, p: r.adjustedPValue }));
  const challengers = options.metrics && metrics.some((m) => m.role === "primary")
    ? decisionInputs(metrics)
    : legacyRows.map((r, i) => ({
      variant: arms[i + 1].variant,
      lift: r.p === null ? null : r.lift,
      adjustedPValue: r.p,
      guardrailWorse: false,
    }));
  const recommendation = recommend({
    alpha,
    sequential,
    srmMismatch: proportions.srm.mismatch,
    challengers,
    users,
    minArmUsers,
    plannedSampleSize: config.plannedSampleSize,
    recentDailyUsers: options.recentDailyUsers,
    ended: config.status === "stopped" || config.status === "decided",
    metricsComputing: decidingMetricsComputing(metrics),
  });
  return {
    variants: arms.map((a) => ({
      name: a.variant,
      users: a.users,
      conversions: a.conversions,
      rate: a.users > 0 ? a.conversions / a.users : null,
    })),
    ...proportions,
    enoughData: minArmUsers >= MIN_USERS_PER_ARM,
    value,
    guardrails,
    metrics,
    recommendation,
    bandit: null,
  };
}

/**
 * A bandit's read-out: the A/B read-out with the bandit's recommendation, the sample-ratio check
 * per allocation period (the worst period stands for the whole in `srm`: one overall check
 * against fixed weights means nothing when the weights move), and the conversion figures —
 * rates, comparisons with the control and omnibus — **weighted by
 * allocation period** (lib/stats/stratified.ts), not the pooled totals: when the weights move
 * while the base rate drifts, pooled totals mislead (Simpson's paradox). Users and conversions
 * per arm stay the plain counts.
 */
export function withBandit(
  base: Readout,
  bandit: BanditReadout,
  options: { sequentialTuning?: number } = {},
): Readout {
  const worst = bandit.periods.filter((p) => p.srm.pValue !== null)
    .sort((a, b) => a.srm.pValue! - b.srm.pValue!)[0];
  const names = base.variants.map((v) => v.name);
  const weighted = analyzeStratified(names, bandit.periods, {
    alpha: base.alpha,
    sequential: base.sequential,
    sequentialTuning: options.sequentialTuning,
  });
  const breached = new Set(
    base.metrics.filter((m) => m.role === "guardrail").flatMap((m) =>
      m.comparisons.filter((c) => c.worse).map((c) => c.variant)
    ),
  );
  return {
    ...base,
    variants: base.variants.map((v, i) => ({
      ...v,
      rate: v.users > 0 ? weighted.stratification.arms[i].rate : null,
    })),
    srm: worst ? worst.srm : { chiSquare: null, pValue: null, mismatch: false, reasons: [] },
    omnibus: weighted.omnibus,
    comparisons: weighted.comparisons,
    recommendation: endedBandit(
      guardedBandit(bandit.recommendation, breached, decidingMetricsComputing(base.metrics)),
      base.recommendation.ended,
    ),
    bandit,
  };
}

/**
 * A bandit's "ship" is held when its winner breaches a guardrail metric: keep running (the
 * bandit goes on learning) with `GUARDRAIL_WORSE`; and while the primary metric or a guardrail
 * is still being computed, with `METRICS_COMPUTING`.
 */
function guardedBandit(
  rec: Recommendation,
  breached: ReadonlySet<string>,
  computing: boolean,
): Recommendation {
  if (rec.action !== "ship" || !rec.winner) return rec;
  if (computing) {
    return { ...rec, action: "keep_running", winner: null, reasons: ["METRICS_COMPUTING"] };
  }
  if (!breached.has(rec.winner)) return rec;
  return { ...rec, action: "keep_running", winner: null, reasons: ["GUARDRAIL_WORSE"] };
}

/** Whether the primary metric or a guardrail is still being computed (`COMPUTING`). */
function decidingMetricsComputing(metrics: readonly MetricResult[]): boolean {
  return metrics.some((m) => m.role !== "secondary" && m.warnings.includes("COMPUTING"));
}

/** A bandit that has ended gets no more data: "keep running" becomes "keep the control". */
function endedBandit(rec: Recommendation, ended: boolean): Recommendation {
  if (!ended) return rec;
  return rec.action === "keep_running"
    ? { ...rec, action: "stop", reasons: ["ENDED_EARLY", ...rec.reasons], ended, daysLeft: null }
    : { ...rec, ended };
}
