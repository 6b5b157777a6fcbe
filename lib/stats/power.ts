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
import { checkAlpha, checkFinite, checkOpenUnit, StatsInputError } from "./guards.ts";

/**
 * The most users a plan may ask for, all arms together: more than any bank has, and within the
 * 32-bit integer the experiment's planned sample size is stored in.
 */
export const MAX_PLANNED_USERS = 2_000_000_000;

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

/**
 * The relative effect a default plan can always aim for from `baselineRate` in (0, 1): the
 * smaller of `preferred` (e.g. a 10 % relative lift) and half the distance to 100 %, i.e.
 * (1 − p)/(2p), so the variant rate p·(1 + effect) stays below 1 (at p = 0.95: 2.63 %, a
 * variant rate of 97.5 %). `capped` says the distance to 100 % decided it.
 */
export function feasibleRelativeEffect(
  baselineRate: number,
  preferred: number,
): { effect: number; capped: boolean } {
  const halfWay = (1 - baselineRate) / (2 * baselineRate);
  return halfWay < preferred
    ? { effect: halfWay, capped: true }
    : { effect: preferred, capped: false };
}

function critical({ alpha = 0.05, power = 0.8, variants = 2 }: PowerOptions) {
  checkAlpha(alpha);
  checkOpenUnit("power", power);
  if (!(Number.isInteger(variants) && variants >= 2)) {
    throw new StatsInputError(`"variants" must be a whole number of at least 2, got ${variants}`);
  }
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
  checkFinite("sd", sd);
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

/**
 * Why a plan has no sample size: the baseline is not in (0, 1) (`BASELINE_OUT_OF_RANGE`), the
 * effect is not a finite number ≠ 0 (`EFFECT_INVALID`), the variant rate it implies leaves (0, 1)
 * (`TARGET_OUT_OF_RANGE`) or equals the baseline in floating point (`NO_EFFECT`, e.g. a relative
 * effect of 1e-17), or the plan needs more than `MAX_PLANNED_USERS` (`TOO_MANY_USERS`, e.g. 1e-9).
 */
export type PlanReason =
  | "BASELINE_OUT_OF_RANGE"
  | "EFFECT_INVALID"
  | "TARGET_OUT_OF_RANGE"
  | "NO_EFFECT"
  | "TOO_MANY_USERS";

export type ProportionsPlan =
  | ({ ok: true; variantRate: number } & SampleSize)
  | { ok: false; reason: PlanReason; variantRate: number | null };

/**
 * The one validation of a conversion test's plan, shared by the calculator, `/api/stats/sample-size`
 * and the experiments' `plan`: the variant rate from the baseline and effect (`targetRate`), then
 * `sampleSizeProportions`, or the reason there is none. `smallestShare` (the smallest arm's
 * traffic share, default equal arms) turns users per arm into the total:
 * ⌈perVariant / smallestShare⌉. α, power and `variants` must be valid (they throw otherwise).
 */
export function planProportions(
  plan: {
    baselineRate: number;
    minimumDetectableEffect: number;
    effectType?: "absolute" | "relative";
  },
  options: PowerOptions & { smallestShare?: number } = {},
): ProportionsPlan {
  const { baselineRate, minimumDetectableEffect: effect, effectType = "relative" } = plan;
  const share = options.smallestShare;
  if (share !== undefined && !(share > 0 && share <= 1)) {
    throw new StatsInputError(`"smallestShare" must lie in (0, 1], got ${share}`);
  }
  if (!(baselineRate > 0 && baselineRate < 1)) {
    return { ok: false, reason: "BASELINE_OUT_OF_RANGE", variantRate: null };
  }
  if (!(Number.isFinite(effect) && effect !== 0)) {
    return { ok: false, reason: "EFFECT_INVALID", variantRate: null };
  }
  const variantRate = targetRate(baselineRate, effect, effectType);
  if (!(variantRate > 0 && variantRate < 1)) {
    return { ok: false, reason: "TARGET_OUT_OF_RANGE", variantRate };
  }
  if (variantRate === baselineRate) return { ok: false, reason: "NO_EFFECT", variantRate };
  const size = sampleSizeProportions({ baselineRate, variantRate }, options);
  const total = options.smallestShare === undefined
    ? size.total
    : Math.ceil(size.perVariant / options.smallestShare);
  if (!(Number.isSafeInteger(size.perVariant) && total <= MAX_PLANNED_USERS)) {
    return { ok: false, reason: "TOO_MANY_USERS", variantRate };
  }
  return { ok: true, variantRate, ...size, total };
}
