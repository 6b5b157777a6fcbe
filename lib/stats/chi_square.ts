/**
 * Chi-square tests over arms: the omnibus test of independence of arm × converted, and the
 * sample-ratio-mismatch goodness of fit. Both are Pearson statistics without continuity
 * correction, as R's `chisq.test(table, correct = FALSE)` and `chisq.test(users, p = weights)`.
 */
import { chiSquareSurvival } from "./dist.ts";
import type { ConversionStats, ReasonCode } from "./types.ts";
import { checkConversions, checkCount } from "./guards.ts";

/** Omnibus result: statistic ≥ 0, df = arms − 1, p in [0, 1]; nulls come with a reason. */
export interface ChiSquareResult {
  chiSquare: number | null;
  df: number;
  pValue: number | null;
  reasons: ReasonCode[];
}

/**
 * Pearson chi-square test of independence on the k × 2 table (converted, not converted) per
 * arm, df = k − 1. No users → `NOT_ENOUGH_DATA`; nobody or everybody converted →
 * `ZERO_VARIANCE` (an expected count of 0, where R returns NaN).
 */
export function chiSquareIndependence(arms: readonly ConversionStats[]): ChiSquareResult {
  checkConversions(arms);
  const df = arms.length - 1;
  const total = arms.reduce((s, a) => s + a.users, 0);
  const converted = arms.reduce((s, a) => s + a.conversions, 0);
  if (arms.length < 2 || arms.some((a) => a.users === 0)) {
    return { chiSquare: null, df, pValue: null, reasons: ["NOT_ENOUGH_DATA"] };
  }
  if (converted === 0 || converted === total) {
    return { chiSquare: null, df, pValue: null, reasons: ["ZERO_VARIANCE"] };
  }
  let chiSquare = 0;
  for (const arm of arms) {
    const expectedYes = (arm.users * converted) / total;
    const expectedNo = (arm.users * (total - converted)) / total;
    chiSquare += (arm.conversions - expectedYes) ** 2 / expectedYes;
    chiSquare += (arm.users - arm.conversions - expectedNo) ** 2 / expectedNo;
  }
  return { chiSquare, df, pValue: chiSquareSurvival(chiSquare, df), reasons: [] };
}

/** Sample-ratio-mismatch result; `mismatch` is true when p < threshold. */
export interface SrmResult {
  chiSquare: number | null;
  pValue: number | null;
  mismatch: boolean;
  reasons: ReasonCode[];
}

/**
 * Chi-square goodness of fit of users per arm against the configured traffic weights (any
 * positive scale, normalised here; equal when omitted), df = k − 1. `mismatch` when
 * p < `threshold` (default 0.001). No users at all → `NOT_ENOUGH_DATA`, no mismatch.
 * Throws RangeError when weights do not match the arms or are not positive.
 */
export function sampleRatioMismatch(
  users: readonly number[],
  options: { weights?: readonly number[]; threshold?: number } = {},
): SrmResult {
  users.forEach((u, i) => checkCount(`arm ${i + 1}: users`, u));
  const { weights = users.map(() => 1), threshold = 0.001 } = options;
  if (weights.length !== users.length || weights.some((w) => !(w > 0))) {
    throw new RangeError("Weights must be positive, one per arm");
  }
  const total = users.reduce((s, u) => s + u, 0);
  if (total === 0 || users.length < 2) {
    return { chiSquare: null, pValue: null, mismatch: false, reasons: ["NOT_ENOUGH_DATA"] };
  }
  const weightSum = weights.reduce((s, w) => s + w, 0);
  let chiSquare = 0;
  users.forEach((u, i) => {
    const expected = (total * weights[i]) / weightSum;
    chiSquare += (u - expected) ** 2 / expected;
  });
  const pValue = chiSquareSurvival(chiSquare, users.length - 1);
  return { chiSquare, pValue, mismatch: pValue < threshold, reasons: [] };
}
