/**
 * Ratio metrics (e.g. deposit amount per deposit, Σ amount / Σ deposits over an arm's customers):
 * the delta method with the per-customer covariance (Deng, Knoblich & Lu 2018, "Applying the
 * Delta Method in Metric Analytics").
 *
 * Customers are the independent units; x is a customer's numerator, y their denominator. The arm's
 * ratio R = Σx/Σy = x̄/ȳ and, to first order,
 *
 *   Var(R) = (s_x² − 2R·s_xy + R²·s_y²) / (n·ȳ²)
 *
 * with the sample variances and covariance (n − 1 denominators). Two arms are independent, so the
 * lift R₁ − R₀ has se √(Var₀ + Var₁): a Wald z-test (normal two-sided p), its interval
 * lift ± z·se, and Fieller's interval of R₁/R₀ (./intervals.ts) for the relative lift, which
 * agrees with the same z-test (at ratio 1 it is that test). Sequential mode swaps in the
 * always-valid p-value and confidence sequence of ./sequential.ts (n = both arms' customers).
 */
import { normalQuantile, normalTwoSidedP } from "./dist.ts";
import { fiellerInterval } from "./intervals.ts";
import {
  alwaysValidPValue,
  confidenceSequenceHalfWidth,
  DEFAULT_SEQUENTIAL_TUNING,
  sequentialRho,
} from "./sequential.ts";
import type { Interval, ReasonCode } from "./types.ts";
import { checkAlpha, checkCount, checkFinite } from "./guards.ts";

/** One arm's sums over its n customers: x the numerator, y the denominator. */
export interface RatioSums {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumYY: number;
  sumXY: number;
}

/** An arm's ratio and its delta-method variance; null when Σy = 0 (no ratio). */
export interface RatioEstimate {
  ratio: number;
  variance: number;
}

/** R = Σx/Σy and Var(R) by the delta method; variance 0 when n < 2. */
export function ratioEstimate(s: RatioSums): RatioEstimate | null {
  checkCount("n", s.n);
  for (const k of ["sumX", "sumY", "sumXX", "sumYY", "sumXY"] as const) checkFinite(k, s[k]);
  if (s.n < 1 || s.sumY === 0) return null;
  const ratio = s.sumX / s.sumY;
  if (s.n < 2) return { ratio, variance: 0 };
  const mx = s.sumX / s.n, my = s.sumY / s.n;
  const d = s.n - 1;
  const vx = (s.sumXX - s.sumX * mx) / d;
  const vy = (s.sumYY - s.sumY * my) / d;
  const cxy = (s.sumXY - s.sumX * my) / d;
  const variance = Math.max(0, (vx - 2 * ratio * cxy + ratio * ratio * vy) / (s.n * my * my));
  return { ratio, variance };
}

/** Options: two-sided α (default 0.05), the intervals' α, sequential mode and its tuning. */
export interface RatioOptions {
  alpha?: number;
  intervalAlpha?: number;
  sequential?: boolean;
  sequentialTuning?: number;
}

/** A challenger's ratio against the control's. Nulls come with reason codes. */
export interface RatioComparison {
  controlRatio: number | null;
  ratio: number | null;
  absoluteLift: number | null;
  /** (R₁ − R₀)/|R₀|. */
  relativeLift: number | null;
  zScore: number | null;
  pValue: number | null;
  ci: Interval | null;
  relativeCi: Interval | null;
  reasons: ReasonCode[];
}

/**
 * Compares the variant's ratio with the control's. Fewer than 2 customers in an arm, or an arm
 * with Σ denominator 0 → `NOT_ENOUGH_DATA`; se 0 → `ZERO_VARIANCE`; control ratio 0 →
 * `BASELINE_ZERO` (relative figures null).
 */
export function compareRatios(
  control: RatioSums,
  variant: RatioSums,
  options: RatioOptions = {},
): RatioComparison {
  checkAlpha(options.alpha ?? 0.05);
  const { alpha = 0.05, sequential = false, sequentialTuning = DEFAULT_SEQUENTIAL_TUNING } =
    options;
  const intervalAlpha = options.intervalAlpha ?? alpha;
  const e0 = ratioEstimate(control), e1 = ratioEstimate(variant);
  const empty = {
    controlRatio: e0?.ratio ?? null,
    ratio: e1?.ratio ?? null,
    absoluteLift: e0 && e1 ? e1.ratio - e0.ratio : null,
    relativeLift: null,
    zScore: null,
    pValue: null,
    ci: null,
    relativeCi: null,
  };
  if (!e0 || !e1 || control.n < 2 || variant.n < 2) {
    return { ...empty, reasons: ["NOT_ENOUGH_DATA"] };
  }
  const lift = e1.ratio - e0.ratio;
  const reasons: ReasonCode[] = [];
  const relativeLift = e0.ratio !== 0 ? lift / Math.abs(e0.ratio) : null;
  const se = Math.sqrt(e0.variance + e1.variance);
  let zScore: number | null = null, pValue: number | null = null;
  let ci: Interval | null = null, relativeCi: Interval | null = null;
  if (se > 0) {
    const n = control.n + variant.n;
    zScore = lift / se;
    const half = sequential
      ? confidenceSequenceHalfWidth(se, n, {
        alpha: intervalAlpha,
        rho: sequentialRho(alpha, sequentialTuning),
      })
      : normalQuantile(1 - intervalAlpha / 2) * se;
    pValue = sequential
      ? alwaysValidPValue(lift, se, n, { alpha, tuning: sequentialTuning })
      : normalTwoSidedP(zScore);
    ci = [lift - half, lift + half];
    if (relativeLift !== null) {
      relativeCi = relativeInterval(
        { estimate: e0.ratio, variance: e0.variance },
        { estimate: e1.ratio, variance: e1.variance },
        half / se,
      );
    }
  } else reasons.push("ZERO_VARIANCE");
  if (relativeLift === null) reasons.push("BASELINE_ZERO");
  return {
    controlRatio: e0.ratio,
    ratio: e1.ratio,
    absoluteLift: lift,
    relativeLift,
    zScore,
    pValue,
    ci,
    relativeCi,
    reasons,
  };
}

/**
 * The interval of (μ₁ − μ₀)/|μ₀| from Fieller's interval of μ₁/μ₀ at critical value `c`: ρ − 1
 * when the control is positive, 1 − ρ (ends swapped) when it is negative. Null when Fieller's set
 * is unbounded (the control cannot be told from 0).
 */
export function relativeInterval(
  control: { estimate: number; variance: number },
  variant: { estimate: number; variance: number },
  c: number,
): Interval | null {
  const r = fiellerInterval(control, variant, c);
  if (!r) return null;
  return control.estimate > 0 ? [r[0] - 1, r[1] - 1] : [1 - r[1], 1 - r[0]];
}
