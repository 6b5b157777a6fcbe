/**
 * Sample size per arm, two-sided, before a test starts.
 *
 * Proportions: n = ((z_{1−α/2}·√(2p̄q̄) + z_{power}·√(p₁q₁ + p₂q₂)) / (p₂ − p₁))², p̄ = (p₁ + p₂)/2,
 * rounded up: the same as R's `power.prop.test(p1, p2, sig.level, power)` (whose
 * √((p₁ + p₂)(q₁ + q₂)/2) equals √(2p̄q̄)). Means: n = 2(z_{1−α/2} + z_{power})²σ²/δ².
 * With k > 2 arms (control + k − 1 challengers) α is divided by k − 1 (Bonferroni, matching the
 * Holm correction used at analysis time); `total` = k·perVariant.
 */
import { normalCdf, normalQuantile } from "./dist.ts";

/** Common options: α in (0, 1) (default 0.05), power in (0, 1) (default 0.8), arms ≥ 2. */
export interface PowerOptions {
  alpha?: number;
  power?: number;
  variants?: number;
}

/** Users per arm and in total; `alpha` is the per-comparison level actually used. */
export interface SampleSize {
  perVariant: number;
  total: number;
  alpha: number;
}

/**
 * The variant rate implied by a baseline and an effect: baseline·(1 + mde) for `relative`,
 * baseline + mde for `absolute`. The caller checks that it lies in (0, 1) and differs from the
 * baseline.
 */
export function targetRate(
  baselineRate: number,
  minimumDetectableEffect: number,
  effectType: "absolute" | "relative" = "relative",
): number {
  return effectType === "relative"
    ? baselineRate * (1 + minimumDetectableEffect)
    : baselineRate + minimumDetectableEffect;
}

function critical({ alpha = 0.05, power = 0.8, variants = 2 }: PowerOptions) {
  const perComparisonAlpha = alpha / Math.max(1, variants - 1);
  return {
    alpha: perComparisonAlpha,
    zAlpha: normalQuantile(1 - perComparisonAlpha / 2),
    zPower: normalQuantile(power),
    variants,
  };
}

/**
 * Users per arm to detect a change from `baselineRate` p₁ to `variantRate` p₂ (both in (0, 1),
 * p₁ ≠ p₂; throws RangeError otherwise).
 */
export function sampleSizeProportions(
  rates: { baselineRate: number; variantRate: number },
  options: PowerOptions = {},
): SampleSize {
  const { baselineRate: p1, variantRate: p2 } = rates;
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1 && p1 !== p2)) {
    throw new RangeError("Rates must lie strictly between 0 and 1 and differ");
  }
  const { alpha, zAlpha, zPower, variants } = critical(options);
  const pBar = (p1 + p2) / 2;
  const root = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) +
    zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const perVariant = Math.ceil((root / (p2 - p1)) ** 2);
  return { perVariant, total: perVariant * variants, alpha };
}

/** Users per arm to detect a difference δ ≠ 0 in means with standard deviation σ > 0. */
export function sampleSizeMeans(
  effect: { sd: number; minimumDetectableEffect: number },
  options: PowerOptions = {},
): SampleSize {
  const { sd, minimumDetectableEffect: delta } = effect;
  if (!(sd > 0 && delta !== 0 && Number.isFinite(delta))) {
    throw new RangeError("The sd must be positive and the effect non-zero");
  }
  const { alpha, zAlpha, zPower, variants } = critical(options);
  const perVariant = Math.ceil((2 * (zAlpha + zPower) ** 2 * sd * sd) / (delta * delta));
  return { perVariant, total: perVariant * variants, alpha };
}

/**
 * Power of the two-sided test for proportions with `perVariant` users in each arm (> 0): the
 * normal approximation Φ((√n·|p₂ − p₁| − z_{1−α/2}·√(2p̄q̄)) / √(p₁q₁ + p₂q₂)), as R's
 * `power.prop.test(n, p1, p2, sig.level)` with its default `strict = FALSE` (the far tail is
 * ignored). α is divided by k − 1 for k arms, as in {@link sampleSizeProportions}. Returns a
 * probability in [0, 1]; throws RangeError for rates outside (0, 1), equal rates or n ≤ 0.
 */
export function powerForSampleSize(
  rates: { baselineRate: number; variantRate: number },
  perVariant: number,
  options: Omit<PowerOptions, "power"> = {},
): number {
  const { baselineRate: p1, variantRate: p2 } = rates;
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1 && p1 !== p2 && perVariant > 0)) {
    throw new RangeError("Rates must lie strictly between 0 and 1 and differ; n must be positive");
  }
  const { zAlpha } = critical(options);
  const pBar = (p1 + p2) / 2;
  const z =
    (Math.sqrt(perVariant) * Math.abs(p2 - p1) - zAlpha * Math.sqrt(2 * pBar * (1 - pBar))) /
    Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return normalCdf(z);
}
