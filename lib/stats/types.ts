/** Shared shapes of the statistics engine. */

/**
 * Why a statistic is null: `NOT_ENOUGH_DATA` (too few users or observations),
 * `ZERO_VARIANCE` (the standard error is 0, e.g. no conversions in either arm),
 * `BASELINE_ZERO` (a relative figure divides by a control rate or mean of 0).
 */
export type ReasonCode = "NOT_ENOUGH_DATA" | "ZERO_VARIANCE" | "BASELINE_ZERO";

/** Sufficient statistics of a conversion metric: integers, 0 ≤ conversions ≤ users. */
export interface ConversionStats {
  users: number;
  conversions: number;
}

/** Sufficient statistics of a value metric as summaries (sd with the n − 1 denominator). */
export interface MeanSummary {
  n: number;
  mean: number;
  sd: number;
}

/** Sufficient statistics of a value metric as sums: Σy and Σy². */
export interface MeanSums {
  n: number;
  sum: number;
  sumSquares: number;
}

/** A closed interval [lower, upper]. */
export type Interval = [number, number];
