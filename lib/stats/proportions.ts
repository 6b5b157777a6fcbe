/**
 * Two-arm comparison of conversion rates (control vs one variant), frequentist part.
 *
 * - z-test with the pooled standard error √(p̄(1 − p̄)(1/n₀ + 1/n₁)), p̄ = (c₀ + c₁)/(n₀ + n₁);
 *   equals R's `prop.test(c(c1, c0), c(n1, n0), correct = FALSE)` (its X² is z²).
 * - Intervals invert that same test (./intervals.ts), so an interval excludes 0 exactly when
 *   p < its α: the absolute lift p₁ − p₀ by the score interval (Mee), the relative lift
 *   p₁/p₀ − 1 by the score interval of the ratio (Koopman), which never falls under −100 %.
 * - `sequential: true` replaces the p-value by the always-valid p-value of ./sequential.ts
 *   (n = n₀ + n₁, se = the unpooled (Wald) se √(p₀q₀/n₀ + p₁q₁/n₁)), the absolute interval by
 *   the confidence sequence around the lift, and the relative one by Fieller's interval with
 *   the sequence's critical value: again both exclude 0 exactly when p < α.
 * - `intervalAlpha` (default α) sets the intervals' level alone, e.g. a Holm step's α/(m − i)
 *   (../stats/holm.ts `holmLevels`); the p-value does not depend on it.
 *
 * Rates and lifts are fractions (0.02 = 2 %); α is two-sided.
 */
import { normalQuantile, normalTwoSidedP } from "./dist.ts";
import { fiellerInterval, scoreDifferenceInterval, scoreRatioInterval } from "./intervals.ts";
import {
  alwaysValidPValue,
  confidenceSequenceHalfWidth,
  DEFAULT_SEQUENTIAL_TUNING,
  sequentialRho,
} from "./sequential.ts";
import type { ConversionStats, Interval, ReasonCode } from "./types.ts";
import { checkAlpha, checkConversions } from "./guards.ts";

/** Options: two-sided α (default 0.05), sequential mode and its tuning N* in users. */
export interface ProportionsOptions {
  alpha?: number;
  /** Two-sided α of the intervals only (default `alpha`). */
  intervalAlpha?: number;
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

/**
 * Compares `variant` with `control`. Either arm without users → `NOT_ENOUGH_DATA` (rates 0, all
 * statistics null); pooled se 0 (no or all conversions in both) → `ZERO_VARIANCE` (z, p and the
 * intervals null); control rate 0 → `BASELINE_ZERO` (relative lift and its interval null).
 */
export function compareProportions(
  control: ConversionStats,
  variant: ConversionStats,
  options: ProportionsOptions = {},
): ProportionsComparison {
  checkConversions([control, variant]);
  checkAlpha(options.alpha ?? 0.05);
  const { alpha = 0.05, sequential = false, sequentialTuning = DEFAULT_SEQUENTIAL_TUNING } =
    options;
  const intervalAlpha = options.intervalAlpha ?? alpha;
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

  let zScore: number | null = null, pValue: number | null = null;
  let ci: Interval | null = null, ratio: Interval | null = null;
  if (pooledSe > 0) {
    zScore = lift / pooledSe;
    if (!sequential) {
      pValue = normalTwoSidedP(zScore);
      const z = normalQuantile(1 - intervalAlpha / 2);
      ci = scoreDifferenceInterval(control, variant, z);
      ratio = scoreRatioInterval(control, variant, z);
    } else if (se > 0) {
      pValue = alwaysValidPValue(lift, se, n, { alpha, tuning: sequentialTuning });
      const half = confidenceSequenceHalfWidth(se, n, {
        alpha: intervalAlpha,
        rho: sequentialRho(alpha, sequentialTuning),
      });
      ci = [lift - half, lift + half];
      ratio = fiellerInterval(
        { estimate: p0, variance: var0 },
        { estimate: p1, variance: var1 },
        half / se,
        { atLeast: 0 },
      );
    }
  }
  if (pValue === null) reasons.push("ZERO_VARIANCE");
  let relativeLift: number | null = null;
  if (p0 > 0) relativeLift = p1 / p0 - 1;
  else reasons.push("BASELINE_ZERO");
  return {
    controlRate: p0,
    rate: p1,
    absoluteLift: lift,
    relativeLift,
    zScore,
    pValue,
    ci,
    relativeCi: relativeLift !== null && ratio ? [ratio[0] - 1, ratio[1] - 1] : null,
    reasons,
  };
}
