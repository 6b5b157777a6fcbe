/**
 * Value metrics (e.g. deposit amount): Welch's two-sample t-test on sufficient statistics, and
 * CUPED variance reduction with a pre-period covariate.
 *
 * Welch (1947): se = √(s₀²/n₀ + s₁²/n₁); df by Welch–Satterthwaite
 * (s₀²/n₀ + s₁²/n₁)² / ((s₀²/n₀)²/(n₀ − 1) + (s₁²/n₁)²/(n₁ − 1)); CI = lift ± t_{1−α/2, df}·se.
 * Identical to R's `t.test(variant, control)` (var.equal = FALSE) on the raw data.
 *
 * CUPED (Deng, Xu, Kohavi & Walker 2013): θ = cov(y, x)/var(x) over all arms pooled into one
 * sample; each arm's metric becomes y − θ(x − x̄), x̄ the pooled covariate mean, which keeps
 * the arm means unbiased and removes the share of variance the covariate explains.
 */
import { tQuantile, tTwoSidedP } from "./dist.ts";
import type { Interval, MeanSummary, MeanSums, ReasonCode } from "./types.ts";
import { checkAlpha, checkCount, checkFinite, checkMeanSummaries } from "./guards.ts";

/** Mean and sd (n − 1 denominator) from n, Σy, Σy²; variance clamped at 0 against rounding. */
export function summaryFromSums({ n, sum, sumSquares }: MeanSums): MeanSummary {
  checkCount("n", n);
  checkFinite("sum", sum);
  checkFinite("sumSquares", sumSquares);
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 1 ? Math.max(0, (sumSquares - sum * mean) / (n - 1)) : 0;
  return { n, mean, sd: Math.sqrt(variance) };
}

/** Welch comparison of a variant with the control; nulls come with reason codes. */
export interface WelchResult {
  absoluteLift: number;
  relativeLift: number | null;
  tStatistic: number | null;
  df: number | null;
  pValue: number | null;
  ci: Interval | null;
  reasons: ReasonCode[];
}

/**
 * Welch's t-test of variant − control at two-sided `alpha` (default 0.05). Either n < 2 →
 * `NOT_ENOUGH_DATA`; both sd 0 → `ZERO_VARIANCE`; control mean 0 → `BASELINE_ZERO` (relative
 * lift null). Lifts are in the metric's unit; relative lift is (variant − control)/|control|, a
 * fraction whose sign follows the change even for negative means (net outflow).
 */
export function welchTest(
  control: MeanSummary,
  variant: MeanSummary,
  options: { alpha?: number } = {},
): WelchResult {
  checkMeanSummaries([control, variant]);
  checkAlpha(options.alpha ?? 0.05);
  const { alpha = 0.05 } = options;
  const absoluteLift = variant.mean - control.mean;
  const reasons: ReasonCode[] = [];
  // Divided by |control| (as gbstats does): from −10 to −5 is +50 %, the direction of change.
  const relativeLift = control.mean !== 0 ? absoluteLift / Math.abs(control.mean) : null;
  if (relativeLift === null) reasons.push("BASELINE_ZERO");
  const empty = { absoluteLift, relativeLift, tStatistic: null, df: null, pValue: null, ci: null };
  if (control.n < 2 || variant.n < 2) return { ...empty, reasons: ["NOT_ENOUGH_DATA", ...reasons] };
  const v0 = control.sd ** 2 / control.n, v1 = variant.sd ** 2 / variant.n;
  const se = Math.sqrt(v0 + v1);
  if (!(se > 0)) return { ...empty, reasons: ["ZERO_VARIANCE", ...reasons] };
  const df = (v0 + v1) ** 2 / (v0 ** 2 / (control.n - 1) + v1 ** 2 / (variant.n - 1));
  const tStatistic = absoluteLift / se;
  const halfWidth = tQuantile(1 - alpha / 2, df) * se;
  return {
    absoluteLift,
    relativeLift,
    tStatistic,
    df,
    pValue: tTwoSidedP(tStatistic, df),
    ci: [absoluteLift - halfWidth, absoluteLift + halfWidth],
    reasons,
  };
}

/** One arm's sums for CUPED: metric y and pre-period covariate x over the same n units. */
export interface CupedSums {
  n: number;
  sum: number;
  sumSquares: number;
  covariateSum: number;
  covariateSumSquares: number;
  crossSum: number;
}

/** CUPED-adjusted summaries per arm (feed them to {@link welchTest}) and the θ used. */
export interface CupedResult {
  theta: number;
  arms: MeanSummary[];
  reasons: ReasonCode[];
}

/**
 * CUPED adjustment: pooled θ = cov(y, x)/var(x); per arm mean ȳ − θ(x̄ᵢ − x̄) and variance
 * s_y² + θ²s_x² − 2θ·s_xy (n − 1 denominators). A constant covariate (or fewer than 2 units in
 * all) → θ = 0, unadjusted, `ZERO_VARIANCE` / `NOT_ENOUGH_DATA`.
 */
export function cupedAdjust(arms: readonly CupedSums[]): CupedResult {
  for (const [i, a] of arms.entries()) {
    checkCount(`arm ${i + 1}: n`, a.n);
    for (
      const k of ["sum", "sumSquares", "covariateSum", "covariateSumSquares", "crossSum"] as const
    ) {
      checkFinite(`arm ${i + 1}: ${k}`, a[k]);
    }
  }
  const total = arms.reduce(
    (t, a) => ({
      n: t.n + a.n,
      y: t.y + a.sum,
      x: t.x + a.covariateSum,
      xx: t.xx + a.covariateSumSquares,
      xy: t.xy + a.crossSum,
    }),
    { n: 0, y: 0, x: 0, xx: 0, xy: 0 },
  );
  const reasons: ReasonCode[] = [];
  let theta = 0;
  if (total.n < 2) reasons.push("NOT_ENOUGH_DATA");
  else {
    const varX = total.xx - (total.x * total.x) / total.n;
    const covXY = total.xy - (total.x * total.y) / total.n;
    if (varX > 0) theta = covXY / varX;
    else reasons.push("ZERO_VARIANCE");
  }
  const pooledX = total.n > 0 ? total.x / total.n : 0;
  const adjusted = arms.map((a) => {
    const y = summaryFromSums({ n: a.n, sum: a.sum, sumSquares: a.sumSquares });
    if (a.n < 1) return y;
    const meanX = a.covariateSum / a.n;
    const denominator = Math.max(1, a.n - 1);
    const varX = (a.covariateSumSquares - a.covariateSum * meanX) / denominator;
    const covXY = (a.crossSum - a.covariateSum * y.mean) / denominator;
    const variance = Math.max(0, y.sd ** 2 + theta * theta * varX - 2 * theta * covXY);
    return { n: a.n, mean: y.mean - theta * (meanX - pooledX), sd: Math.sqrt(variance) };
  });
  return { theta, arms: adjusted, reasons };
}
