/**
 * Two-arm comparison of conversion rates (control vs one variant), frequentist part.
 *
 * - z-test with the pooled standard error √(p̄(1 − p̄)(1/n₀ + 1/n₁)), p̄ = (c₀ + c₁)/(n₀ + n₁);
 *   equals R's `prop.test(c(c1, c0), c(n1, n0), correct = FALSE)` (its X² is z²).
 * - CI of the absolute lift p₁ − p₀ with the unpooled (Wald) standard error
 *   √(p₀q₀/n₀ + p₁q₁/n₁).
 * - Relative lift p₁/p₀ − 1 with a delta-method CI: var ≈ var(p₁)/p₀² + p₁²·var(p₀)/p₀⁴.
 * - `sequential: true` replaces p-value and both intervals by the always-valid p-value and
 *   confidence sequences of ./sequential.ts (n = n₀ + n₁, se = the Wald or delta-method se).
 *
 * Rates and lifts are fractions (0.02 = 2 %); α is two-sided.
 */
import { normalQuantile, normalTwoSidedP } from "./dist.ts";
import { alwaysValidPValue, confidenceSequenceHalfWidth } from "./sequential.ts";
import type { ConversionStats, Interval, ReasonCode } from "./types.ts";

/** Options: two-sided α (default 0.05), sequential mode and its tuning N* in users. */
export interface ProportionsOptions {
  alpha?: number;
  sequential?: boolean;
  sequentialTuning?: number;
}

/** One variant against the control. Null fields come with reason codes in `reasons`. */
export interface ProportionsComparison {
  controlRate: number;
  rate: number;
  absoluteLift: number;
  relativeLift: number | null;
  zScore: number | null;
  pValue: number | null;
  ci: Interval | null;
  relativeCi: Interval | null;
  reasons: ReasonCode[];
}

function interval(estimate: number, halfWidth: number): Interval {
  return [estimate - halfWidth, estimate + halfWidth];
}

/**
 * Compares `variant` with `control`. Either arm without users → `NOT_ENOUGH_DATA` (rates 0, all
 * statistics null); pooled se 0 (no or all conversions in both) → `ZERO_VARIANCE` (z, p null);
 * control rate 0 → `BASELINE_ZERO` (relative lift and its CI null). An interval whose standard
 * error is 0 (both rates 0 or 1) is null rather than a misleading zero-width [lift, lift].
 */
export function compareProportions(
  control: ConversionStats,
  variant: ConversionStats,
  options: ProportionsOptions = {},
): ProportionsComparison {
  const { alpha = 0.05, sequential = false, sequentialTuning } = options;
  const reasons: ReasonCode[] = [];
  if (control.users <= 0 || variant.users <= 0) {
    return {
      controlRate: control.users > 0 ? control.conversions / control.users : 0,
      rate: variant.users > 0 ? variant.conversions / variant.users : 0,
      absoluteLift: 0,
      relativeLift: null,
      zScore: null,
      pValue: null,
      ci: null,
      relativeCi: null,
      reasons: ["NOT_ENOUGH_DATA"],
    };
  }
  const n0 = control.users, n1 = variant.users;
  const p0 = control.conversions / n0, p1 = variant.conversions / n1;
  const lift = p1 - p0;
  const pooled = (control.conversions + variant.conversions) / (n0 + n1);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1));
  const var0 = (p0 * (1 - p0)) / n0, var1 = (p1 * (1 - p1)) / n1;
  const se = Math.sqrt(var0 + var1);
  const n = n0 + n1;
  const seqOptions = { alpha, tuning: sequentialTuning };
  const z = normalQuantile(1 - alpha / 2);
  const halfWidth = (s: number) =>
    sequential ? confidenceSequenceHalfWidth(s, n, seqOptions) : z * s;

  let zScore: number | null = null, pValue: number | null = null;
  if (pooledSe > 0) {
    zScore = lift / pooledSe;
    if (!sequential) pValue = normalTwoSidedP(zScore);
    else if (se > 0) pValue = alwaysValidPValue(lift, se, n, seqOptions);
  }
  if (pValue === null) reasons.push("ZERO_VARIANCE");
  const ci = se > 0 ? interval(lift, halfWidth(se)) : null;

  let relativeLift: number | null = null, relativeCi: Interval | null = null;
  if (p0 > 0) {
    relativeLift = p1 / p0 - 1;
    const relativeSe = Math.sqrt(var1 / (p0 * p0) + (p1 * p1 * var0) / p0 ** 4);
    if (relativeSe > 0) relativeCi = interval(relativeLift, halfWidth(relativeSe));
  } else {
    reasons.push("BASELINE_ZERO");
  }
  return {
    controlRate: p0,
    rate: p1,
    absoluteLift: lift,
    relativeLift,
    zScore,
    pValue,
    ci,
    relativeCi,
    reasons,
  };
}
