/**
 * Sequential testing that is safe to peek at: the asymptotic confidence sequence of
 * Waudby-Smith, Arnold, Wu, Howard, Ramdas et al., "Time-uniform central limit theory and
 * asymptotic confidence sequences" (Annals of Statistics, 2024), with the normal-mixture
 * boundary of Howard et al. (2021) as used by mainstream experimentation platforms (GrowthBook).
 *
 * Formulas (PRODUCT.md, "Sequential testing"), n = total users of the two arms compared,
 * se = standard error of the lift, s² = se²·n:
 *   ρ = √((−2 ln α + ln(−2 ln α + 1)) / N*)
 *   half-width = √(s²) · √(2(nρ² + 1) · ln(√(nρ² + 1)/α) / (nρ)²)
 *   E = exp(ρ²t² / (2(nρ² + 1))) / √(nρ² + 1) with t² = lift²·n/se², always-valid p = min(1, 1/E)
 * The interval excludes 0 exactly when p < α. N* (`tuning`, in users) is where the boundary is
 * tightest; default 5000.
 */
import { checkAlpha, StatsInputError } from "./guards.ts";

/** The default tuning N* in users. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/** Options shared by the sequential functions: two-sided α in (0, 1), tuning N* > 0 users. */
export interface SequentialOptions {
  alpha?: number;
  tuning?: number;
}

/** The mixture parameter ρ for a two-sided α and tuning N*. */
export function sequentialRho(alpha: number, tuning: number = DEFAULT_SEQUENTIAL_TUNING): number {
  checkAlpha(alpha);
  if (!(tuning > 0 && Number.isFinite(tuning))) {
    throw new StatsInputError(`"tuning" must be positive, got ${tuning}`);
  }
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/**
 * Half-width of the confidence sequence around an estimate with standard error `se` (> 0) after
 * `n` (> 0) users in total. Same unit as the estimate. `rho` (default: tuned for `alpha`) fixes
 * the mixture: a sequence at level α′ with the ρ of α excludes 0 exactly when
 * {@link alwaysValidPValue} (computed with α) is below α′ — how Holm-adjusted levels stay in
 * agreement with always-valid p-values.
 */
export function confidenceSequenceHalfWidth(
  se: number,
  n: number,
  options: SequentialOptions & { rho?: number } = {},
): number {
  const { alpha = 0.05, tuning = DEFAULT_SEQUENTIAL_TUNING } = options;
  const rho = options.rho ?? sequentialRho(alpha, tuning);
  const s2 = se * se * n;
  const v = n * rho * rho + 1;
  return Math.sqrt(s2) * Math.sqrt((2 * v * Math.log(Math.sqrt(v) / alpha)) / (n * rho) ** 2);
}

/**
 * Always-valid p-value in [0, 1] for an estimate `lift` with standard error `se` (> 0) after `n`
 * users in total. Computed through ln E so huge evidence gives 0 rather than overflowing.
 */
export function alwaysValidPValue(
  lift: number,
  se: number,
  n: number,
  options: SequentialOptions = {},
): number {
  const { alpha = 0.05, tuning = DEFAULT_SEQUENTIAL_TUNING } = options;
  const rho = sequentialRho(alpha, tuning);
  const v = n * rho * rho + 1;
  const t2 = (lift * lift * n) / (se * se);
  const logE = (rho * rho * t2) / (2 * v) - 0.5 * Math.log(v);
  return Math.min(1, Math.exp(-logE));
}
