/**
 * Every metric of an experiment, analysed (issue 16): per arm the metric's value, and per
 * challenger the comparison with the control, corrected for multiplicity by role.
 *
 * - `primary`: Holm over the challengers (as the conversion read-out always was); its intervals
 *   at each row's Holm level (`ciLevel`), so an interval excludes 0 exactly when `significant`.
 * - `secondary`: Benjamini–Hochberg over all (secondary metric × challenger) pairs
 *   (lib/stats/bh.ts); intervals at the FCR level 1 − R·α/m of Benjamini & Yekutieli (2005),
 *   R the number of rejections, which again excludes 0 exactly when `significant`.
 * - `guardrail`: Holm over the challengers, per guardrail (a guardrail protects on its own); a
 *   challenger breaches it when significantly different (two-sided, Holm-adjusted p < α) in the
 *   metric's bad direction (`worse`); `breached` when any challenger does.
 *
 * Kinds: `proportion` → the proportion machinery (pooled z-test, score intervals; bandits:
 * weighted by allocation period, lib/stats/stratified.ts); `mean` → Welch (CUPED for the legacy
 * `conversion_value` with pre-period covariates), relative interval by Fieller; `ratio` → the
 * delta method with the per-customer covariance (lib/stats/ratio.ts), relative interval by
 * Fieller. Sequential testing (always-valid p-values, confidence sequences) for every metric
 * when the experiment has it. docs/STATISTICS.md, "Metric library", states it all.
 *
 * Pure and JSON-safe: nulls come with reason codes.
 */
import type {
  Cap,
  Direction,
  EventAggregate,
  ExperimentMetrics,
  LocalizedText,
  MetricDefinition,
  MetricKind,
  MetricRole,
  MetricSource,
} from "./definition.ts";
import { bhAdjust, bhLevel } from "../stats/bh.ts";
import { tQuantile } from "../stats/dist.ts";
import { holmAdjust, holmLevels } from "../stats/holm.ts";
import { cupedAdjust, summaryFromSums, welchTest } from "../stats/means.ts";
import { compareProportions, type ProportionsComparison } from "../stats/proportions.ts";
import { compareRatios, type RatioSums, relativeInterval } from "../stats/ratio.ts";
import {
  alwaysValidPValue,
  confidenceSequenceHalfWidth,
  sequentialRho,
} from "../stats/sequential.ts";
import { compareStratified, type PeriodCounts, stratify } from "../stats/stratified.ts";
import type { Interval, MeanSummary, ReasonCode } from "../stats/types.ts";

/**
 * Why a metric's figures deserve a note:
 * - `BANDIT_POOLED`: a bandit's mean or ratio metric pooled across allocation periods (only
 *   proportions are weighted by period), so a drift of the base level while the weights moved
 *   may pass for a difference (issue 13);
 * - `NOT_MEASURED`: the metric could not be read (unknown key, deleted definition): no figures;
 * - `STALE`: the figures come from a snapshot older than the freshness goal (a refresh failed);
 * - `NOT_ENOUGH_DATA`: an arm has fewer than 2 exposed customers (statistics null).
 */
export type MetricWarning =
  | "BANDIT_POOLED"
  | "NOT_MEASURED"
  | "COMPUTING"
  | "STALE"
  | "NOT_ENOUGH_DATA";

/** How the p-values of a metric were corrected for multiplicity. */
export type Correction = "holm" | "bh";

/** One arm's value of the metric. */
export interface MetricVariant {
  name: string;
  /** Exposed customers of the arm. */
  units: number;
  /**
   * The arm's value: proportion → share of customers with the event (period-weighted for
   * bandits); mean → mean per customer after the cap (CUPED-adjusted when `cuped`); ratio →
   * Σ numerator / Σ denominator. Null when it cannot be computed (no customers; ratio with
   * Σ denominator 0).
   */
  mean: number | null;
  /** Standard deviation per customer (n − 1): mean metrics; null otherwise. */
  sd: number | null;
  /** proportion: customers with the event (raw count). */
  count?: number;
  /** mean: Σ of the capped per-customer values (raw, before CUPED). */
  sum?: number;
  /** ratio: Σ numerator and Σ denominator over the arm's customers. */
  numerator?: number;
  denominator?: number;
}

/** One challenger against the control. Lifts are variant − control in the metric's unit. */
export interface MetricComparison {
  variant: string;
  absoluteLift: number | null;
  /** (variant − control)/|control|: a fraction, its sign the direction of change. */
  relativeLift: number | null;
  /** At `ciLevel`: excludes 0 exactly when `significant`. */
  ci: Interval | null;
  relativeCi: Interval | null;
  ciLevel: number;
  /** Two-sided; always-valid when `sequential`. */
  pValue: number | null;
  /** Holm (primary, guardrails) or BH (secondary), see `MetricResult.correction`. */
  adjustedPValue: number | null;
  significant: boolean;
  /** Significant in the metric's good direction. */
  better: boolean;
  /** Significant in the metric's bad direction (for a guardrail: a breach). */
  worse: boolean;
  reasons: ReasonCode[];
}

/** One metric of an experiment, analysed. */
export interface MetricResult {
  key: string;
  role: MetricRole;
  kind: MetricKind;
  direction: Direction;
  /** The definition's version the figures use. */
  version: number;
  name: LocalizedText;
  windowHours: number | null;
  builtin: boolean;
  source: MetricSource;
  /** What it reads (for "in plain words" and the CSV). */
  event: string | null;
  aggregate: "sum" | "count" | null;
  cap: Cap | null;
  numerator: EventAggregate | null;
  denominator: EventAggregate | null;
  /** The cap applied to every customer's value (percentile caps: the computed percentile). */
  capValue: number | null;
  alpha: number;
  correction: Correction;
  sequential: boolean;
  /** CUPED (only the legacy `conversion_value` with pre-period covariates): θ used. */
  cuped: { theta: number } | null;
  /** Bandits: proportions weighted by allocation period. */
  weightedByPeriod: boolean;
  variants: MetricVariant[];
  comparisons: MetricComparison[];
  /** Guardrails: some challenger is significantly worse (blocks "ship"); absent otherwise. */
  breached?: boolean;
  warnings: MetricWarning[];
  /** ISO time the sufficient statistics were read from the events. */
  computedAt: string;
}

/** The roles in display order. */
export const ROLE_ORDER: readonly MetricRole[] = ["primary", "secondary", "guardrail"];

// ---- inputs ---------------------------------------------------------------------------------

/**
 * One arm's sufficient statistics of one metric (db/metric_values.ts), over its exposed customers:
 * - proportion: `sum` = customers with the event (= `sumSquares`);
 * - mean: Σ and Σ² of the capped per-customer values; CUPED sums for `conversion_value`;
 * - ratio: Σ and Σ² of the numerators (`sum`, `sumSquares`), of the denominators, and Σ num·den.
 */
export interface ArmMetricStats {
  variant: string;
  units: number;
  sum: number;
  sumSquares: number;
  denominatorSum?: number;
  denominatorSumSquares?: number;
  crossSum?: number;
  covariateSum?: number;
  covariateSumSquares?: number;
  covariateCross?: number;
}

/** A metric's statistics for every arm (variant order, control first). */
export interface MetricStats {
  arms: ArmMetricStats[];
  /** Bandits, proportions: customers and those with the event per allocation period. */
  periods?: PeriodCounts[] | null;
  capValue: number | null;
  /** ISO time the statistics were read. */
  computedAt: string;
  /** From a snapshot older than the freshness goal. */
  stale?: boolean;
  /**
   * Not computed yet: the metric's first snapshot was still being built when the results were
   * read (a metric added to an experiment with millions of events); `arms` is empty.
   */
  computing?: boolean;
}

/** A metric of the experiment with its role; `definition` null for a key the bank lacks. */
export interface MetricInput {
  key: string;
  role: MetricRole;
  definition: MetricDefinition | null;
  stats: MetricStats | null;
}

export interface MetricContext {
  alpha: number;
  sequential: boolean;
  sequentialTuning: number;
  /** A bandit: proportions are weighted by allocation period, means and ratios flagged. */
  bandit: boolean;
  /** The experiment's arms, control first. */
  variants: readonly string[];
}

// ---- per metric: the arms and a comparison at any interval level ----------------------------

interface Core {
  absoluteLift: number | null;
  relativeLift: number | null;
  ci: Interval | null;
  relativeCi: Interval | null;
  pValue: number | null;
  reasons: ReasonCode[];
}

interface Analysed {
  variants: MetricVariant[];
  cuped: { theta: number } | null;
  weightedByPeriod: boolean;
  warnings: MetricWarning[];
  /** Challenger i (0-based) against the control, intervals at two-sided `level`. */
  run: (i: number, level: number) => Core;
}

function proportionCore(stats: MetricStats, ctx: MetricContext): Analysed {
  const { alpha, sequential, sequentialTuning } = ctx;
  const arms = stats.arms.map((a) => ({ users: a.units, conversions: Math.round(a.sum) }));
  const periods = ctx.bandit && stats.periods && stats.periods.length > 0 ? stats.periods : null;
  const base = (v: number) =>
    stats.arms.map((a, i) => ({
      name: a.variant,
      units: a.units,
      mean: a.units > 0 ? (periods ? v : a.sum / a.units) : null,
      sd: null,
      count: arms[i].conversions,
    }));
  if (periods) {
    const s = stratify(periods, arms.length);
    const [control, ...rest] = s.arms;
    return {
      variants: base(0).map((v, i) => ({ ...v, mean: v.units > 0 ? s.arms[i].rate : null })),
      cuped: null,
      weightedByPeriod: true,
      warnings: [],
      run: (i, level) =>
        fromProportions(
          compareStratified(control, rest[i], s.users[0] + s.users[i + 1], {
            alpha,
            intervalAlpha: level,
            sequential,
            sequentialTuning,
          }),
        ),
    };
  }
  return {
    variants: base(0),
    cuped: null,
    weightedByPeriod: false,
    warnings: [],
    run: (i, level) =>
      fromProportions(
        compareProportions(arms[0], arms[i + 1], {
          alpha,
          intervalAlpha: level,
          sequential,
          sequentialTuning,
        }),
      ),
  };
}

function fromProportions(c: ProportionsComparison): Core {
  const missing = c.reasons.includes("NOT_ENOUGH_DATA");
  return {
    absoluteLift: missing ? null : c.absoluteLift,
    relativeLift: c.relativeLift,
    ci: c.ci,
    relativeCi: c.relativeCi,
    pValue: c.pValue,
    reasons: c.reasons,
  };
}

/** Welch (CUPED-adjusted when the arms carry covariates), as the value read-out computes it. */
function meanCore(stats: MetricStats, ctx: MetricContext): Analysed {
  const { alpha, sequential, sequentialTuning: tuning } = ctx;
  const arms = stats.arms;
  const covariates = arms.every((a) => a.covariateSumSquares !== undefined) &&
    arms.some((a) => (a.covariateSumSquares ?? 0) > 0);
  let summaries: MeanSummary[] = arms.map((a) =>
    summaryFromSums({ n: a.units, sum: a.sum, sumSquares: a.sumSquares })
  );
  let cuped: { theta: number } | null = null;
  if (covariates) {
    const adjusted = cupedAdjust(arms.map((a) => ({
      n: a.units,
      sum: a.sum,
      sumSquares: a.sumSquares,
      covariateSum: a.covariateSum ?? 0,
      covariateSumSquares: a.covariateSumSquares ?? 0,
      crossSum: a.covariateCross ?? 0,
    })));
    summaries = adjusted.arms;
    cuped = { theta: adjusted.theta };
  }
  const [control, ...challengers] = summaries;
  const run = (i: number, level: number): Core => {
    const v = challengers[i];
    const test = welchTest(control, v, { alpha: level });
    if (test.pValue === null || test.df === null) {
      return {
        absoluteLift: control.n > 0 && v.n > 0 ? test.absoluteLift : null,
        relativeLift: test.relativeLift,
        ci: null,
        relativeCi: null,
        pValue: null,
        reasons: test.reasons,
      };
    }
    const se = Math.sqrt(control.sd ** 2 / control.n + v.sd ** 2 / v.n);
    let { pValue, ci } = test;
    let c = tQuantile(1 - level / 2, test.df);
    if (sequential) {
      const n = control.n + v.n;
      const half = confidenceSequenceHalfWidth(se, n, {
        alpha: level,
        rho: sequentialRho(alpha, tuning),
      });
      pValue = alwaysValidPValue(test.absoluteLift, se, n, { alpha, tuning });
      ci = [test.absoluteLift - half, test.absoluteLift + half];
      c = half / se;
    }
    const relativeCi = test.relativeLift === null ? null : relativeInterval(
      { estimate: control.mean, variance: control.sd ** 2 / control.n },
      { estimate: v.mean, variance: v.sd ** 2 / v.n },
      c,
    );
    return {
      absoluteLift: test.absoluteLift,
      relativeLift: test.relativeLift,
      ci,
      relativeCi,
      pValue,
      reasons: test.reasons,
    };
  };
  return {
    variants: arms.map((a, i) => ({
      name: a.variant,
      units: a.units,
      mean: a.units > 0 ? summaries[i].mean : null,
      sd: a.units > 1 ? summaries[i].sd : null,
      sum: a.sum,
    })),
    cuped,
    weightedByPeriod: false,
    warnings: ctx.bandit ? ["BANDIT_POOLED"] : [],
    run,
  };
}

function ratioSums(a: ArmMetricStats): RatioSums {
  return {
    n: a.units,
    sumX: a.sum,
    sumY: a.denominatorSum ?? 0,
    sumXX: a.sumSquares,
    sumYY: a.denominatorSumSquares ?? 0,
    sumXY: a.crossSum ?? 0,
  };
}

function ratioCore(stats: MetricStats, ctx: MetricContext): Analysed {
  const { alpha, sequential, sequentialTuning } = ctx;
  const sums = stats.arms.map(ratioSums);
  return {
    variants: stats.arms.map((a, i) => ({
      name: a.variant,
      units: a.units,
      mean: sums[i].sumY !== 0 ? sums[i].sumX / sums[i].sumY : null,
      sd: null,
      numerator: sums[i].sumX,
      denominator: sums[i].sumY,
    })),
    cuped: null,
    weightedByPeriod: false,
    warnings: ctx.bandit ? ["BANDIT_POOLED"] : [],
    run: (i, level) => {
      const r = compareRatios(sums[0], sums[i + 1], {
        alpha,
        intervalAlpha: level,
        sequential,
        sequentialTuning,
      });
      return {
        absoluteLift: r.absoluteLift,
        relativeLift: r.relativeLift,
        ci: r.ci,
        relativeCi: r.relativeCi,
        pValue: r.pValue,
        reasons: r.reasons,
      };
    },
  };
}

function analyse(def: MetricDefinition, stats: MetricStats, ctx: MetricContext): Analysed {
  const a = def.kind === "proportion"
    ? proportionCore(stats, ctx)
    : def.kind === "mean"
    ? meanCore(stats, ctx)
    : ratioCore(stats, ctx);
  const warnings = [...a.warnings];
  if (stats.arms.some((arm) => arm.units < 2)) warnings.push("NOT_ENOUGH_DATA");
  if (stats.stale) warnings.push("STALE");
  return { ...a, warnings };
}

// ---- all metrics: multiplicity by role --------------------------------------------------------

const CORRECTION: Record<MetricRole, Correction> = {
  primary: "holm",
  secondary: "bh",
  guardrail: "holm",
};

function describe(input: MetricInput, ctx: MetricContext) {
  const d = input.definition;
  return {
    key: input.key,
    role: input.role,
    kind: d?.kind ?? "proportion",
    direction: d?.direction ?? "higher_is_better",
    version: d?.version ?? 0,
    name: d?.name ?? { "zh-CN": input.key, en: input.key },
    windowHours: d?.windowHours ?? null,
    builtin: d?.builtin ?? false,
    source: d?.source ?? "track",
    event: d?.event ?? null,
    aggregate: d?.aggregate ?? null,
    cap: d?.cap ?? null,
    numerator: d?.numerator ?? null,
    denominator: d?.denominator ?? null,
    alpha: ctx.alpha,
    correction: CORRECTION[input.role],
    sequential: ctx.sequential,
  } as const;
}

/**
 * Every metric analysed, in the order given (the caller orders primary, secondary, guardrails).
 * A metric without a definition or statistics is returned with no figures and `NOT_MEASURED`;
 * one whose first snapshot is still being built, with no figures and `COMPUTING`.
 */
export function analyzeMetrics(
  inputs: readonly MetricInput[],
  ctx: MetricContext,
): MetricResult[] {
  const challengers = ctx.variants.length - 1;
  const analysed = inputs.map((input) =>
    input.definition && input.stats && input.stats.arms.length === ctx.variants.length
      ? analyse(input.definition, input.stats, ctx)
      : null
  );
  // First pass at α: the p-values do not depend on the interval level.
  const first = analysed.map((a) =>
    a ? Array.from({ length: challengers }, (_, i) => a.run(i, ctx.alpha).pValue) : null
  );
  // BH over every (secondary metric × challenger).
  const secondaryP = inputs.flatMap((input, m) =>
    input.role === "secondary" && first[m] ? first[m]! : []
  );
  const bhAdjusted = bhAdjust(secondaryP);
  const bhAt = bhLevel(secondaryP, ctx.alpha) ?? ctx.alpha;
  let bhOffset = 0;

  return inputs.map((input, m) => {
    const head = describe(input, ctx);
    const a = analysed[m];
    if (!a) {
      return {
        ...head,
        capValue: null,
        cuped: null,
        weightedByPeriod: false,
        variants: ctx.variants.map((name) => ({ name, units: 0, mean: null, sd: null })),
        comparisons: [],
        ...(input.role === "guardrail" ? { breached: false } : {}),
        warnings: [input.definition && input.stats?.computing ? "COMPUTING" : "NOT_MEASURED"],
        computedAt: input.stats?.computedAt ?? new Date(0).toISOString(),
      };
    }
    const p = first[m]!;
    let adjusted: (number | null)[], levels: (number | null)[];
    if (input.role === "secondary") {
      adjusted = bhAdjusted.slice(bhOffset, bhOffset + p.length);
      bhOffset += p.length;
      levels = p.map((x) => x === null ? null : bhAt);
    } else {
      adjusted = holmAdjust(p);
      levels = holmLevels(p, ctx.alpha);
    }
    const sign = head.direction === "lower_is_better" ? -1 : 1;
    const comparisons = p.map((_, i): MetricComparison => {
      const level = levels[i] ?? ctx.alpha;
      const core = a.run(i, level);
      const significant = adjusted[i] !== null && adjusted[i]! < ctx.alpha &&
        core.absoluteLift !== null;
      return {
        variant: ctx.variants[i + 1],
        absoluteLift: core.absoluteLift,
        relativeLift: core.relativeLift,
        ci: core.ci,
        relativeCi: core.relativeCi,
        ciLevel: 1 - level,
        pValue: core.pValue,
        adjustedPValue: adjusted[i],
        significant,
        better: significant && sign * core.absoluteLift! > 0,
        worse: significant && sign * core.absoluteLift! < 0,
        reasons: core.reasons,
      };
    });
    return {
      ...head,
      capValue: input.stats!.capValue,
      cuped: a.cuped,
      weightedByPeriod: a.weightedByPeriod,
      variants: a.variants,
      comparisons,
      ...(input.role === "guardrail" ? { breached: comparisons.some((c) => c.worse) } : {}),
      warnings: a.warnings,
      computedAt: input.stats!.computedAt,
    };
  });
}

/** The metrics of an experiment in result order: primary, secondary, guardrails (keys kept). */
export function metricRoles(
  metrics: ExperimentMetrics,
): { key: string; role: MetricRole }[] {
  return [
    { key: metrics.primary, role: "primary" as const },
    ...metrics.secondary.map((key) => ({ key, role: "secondary" as const })),
    ...metrics.guardrails.map((key) => ({ key, role: "guardrail" as const })),
  ];
}

/**
 * The primary metric's comparisons as the decision rule reads them: lift in the metric's good
 * direction (positive = better), Holm-adjusted p, and whether any guardrail is breached by that
 * challenger.
 */
export function decisionInputs(metrics: readonly MetricResult[]): {
  variant: string;
  lift: number | null;
  adjustedPValue: number | null;
  guardrailWorse: boolean;
}[] {
  const primary = metrics.find((m) => m.role === "primary");
  if (!primary) return [];
  const sign = primary.direction === "lower_is_better" ? -1 : 1;
  return primary.comparisons.map((c, i) => ({
    variant: c.variant,
    lift: c.adjustedPValue === null || c.absoluteLift === null ? null : sign * c.absoluteLift,
    adjustedPValue: c.absoluteLift === null ? null : c.adjustedPValue,
    guardrailWorse: metrics.some((m) => m.role === "guardrail" && m.comparisons[i]?.worse),
  }));
}
