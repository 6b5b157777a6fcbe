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
  LocalizedText,
  MetricKind,
  MetricRole,
  MetricSource,
} from "./definition.ts";
import type { Interval, ReasonCode } from "../stats/types.ts";

/**
 * Why a metric's figures deserve a note:
 * - `BANDIT_POOLED`: a bandit's mean or ratio metric pooled across allocation periods (only
 *   proportions are weighted by period), so a drift of the base level while the weights moved
 *   may pass for a difference (issue 13);
 * - `NOT_MEASURED`: the metric could not be read (unknown key, deleted definition): no figures;
 * - `STALE`: the figures come from a snapshot older than the freshness goal (a refresh failed);
 * - `NOT_ENOUGH_DATA`: an arm has fewer than 2 exposed customers (statistics null).
 */
export type MetricWarning = "BANDIT_POOLED" | "NOT_MEASURED" | "STALE" | "NOT_ENOUGH_DATA";

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
