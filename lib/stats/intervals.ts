/**
 * Intervals that agree with the test beside them and stay in the possible range.
 *
 * An interval for a lift "agrees" with a p-value when it excludes the null value (0 for a
 * difference, 1 for a ratio) exactly when p < the interval's α. That holds when the interval is
 * the set of null values the same test would not reject (test inversion):
 *
 * - {@link scoreDifferenceInterval}: p₁ − p₀ by inverting the score test (Mee 1984; Farrington &
 *   Manning 1990; Miettinen & Nurminen 1985 without their n/(n − 1) factor). At δ = 0 the score
 *   statistic is the pooled z-test of ./proportions.ts (R's `prop.test(correct = FALSE)`).
 * - {@link scoreRatioInterval}: p₁/p₀ by inverting the score test of p₁ = ρ·p₀ (Koopman 1984;
 *   Miettinen & Nurminen 1985 without the factor). At ρ = 1 it is the same pooled z-test, and a
 *   ratio of rates never falls under 0, so the relative lift ρ − 1 never falls under −100 %.
 * - {@link fiellerInterval}: μ₁/μ₀ from two independent estimates with variances (Fieller
 *   1954): {ρ : |μ̂₁ − ρμ̂₀| ≤ c·√(v₁ + ρ²v₀)}. At ρ = 1 it is the Wald test of μ₁ − μ₀ with the
 *   same critical value c, so it agrees with a Wald (or always-valid) p-value on the difference.
 *
 * The score statistic of a null value θ is Z(θ) = (θ̂ − θ)/√V(θ), V from the rates that
 * maximise the likelihood under θ (restricted MLE); the interval is {θ : |Z(θ)| ≤ z}. The
 * restricted MLE of the ratio is the root of a quadratic; that of the difference is found by
 * bisection on the derivative of the (concave) log-likelihood; the ends by bisection on Z, to
 * a few units in the last place of a double.
 */
import type { ConversionStats, Interval } from "./types.ts";

const BISECTIONS = 200;

/** x/d with 0/0 = 0: a zero count contributes nothing to a log-likelihood derivative. */
function term(x: number, d: number): number {
  return x === 0 ? 0 : x / d;
}

/**
 * The root of a decreasing function on [lo, hi] by bisection; lo when f(lo) ≤ 0, hi when
 * f(hi) ≥ 0.
 */
function decreasingRoot(f: (x: number) => number, lo: number, hi: number): number {
  if (!(f(lo) > 0)) return lo;
  if (!(f(hi) < 0)) return hi;
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi || hi - lo <= 4e-16 * Math.max(Math.abs(lo), Math.abs(hi))) break;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

/** The restricted MLE of (p₀, p₁) under p₁ − p₀ = δ, δ in [−1, 1]. */
function restrictedForDifference(c: ConversionStats, v: ConversionStats, delta: number) {
  const x0 = c.conversions, f0 = c.users - x0, x1 = v.conversions, f1 = v.users - x1;
  // Clamped: at the ends of the domain rounding may leave a tiny negative rate.
  const derivative = (t: number) =>
    term(x0, t) - term(f0, 1 - t) + term(x1, Math.max(0, t + delta)) -
    term(f1, Math.max(0, 1 - t - delta));
  const p0 = decreasingRoot(derivative, Math.max(0, -delta), Math.min(1, 1 - delta));
  return { p0, p1: Math.min(1, Math.max(0, p0 + delta)) };
}

/**
 * The restricted MLE of (p₀, p₁) under p₁ = ρ·p₀, ρ ≥ 0: the smaller root of
 * ρN·t² − B·t + X = 0 with N = n₀ + n₁, X = x₀ + x₁, B = n₀ + x₁ + ρ(n₁ + x₀) (Miettinen &
 * Nurminen 1985), written as 2X/(B + √(B² − 4ρNX)) against cancellation.
 */
function restrictedForRatio(c: ConversionStats, v: ConversionStats, rho: number) {
  const x = c.conversions + v.conversions, total = c.users + v.users;
  const b = c.users + v.conversions + rho * (v.users + c.conversions);
  const p0 = Math.min(1, 2 * x / (b + Math.sqrt(Math.max(0, b * b - 4 * rho * total * x))));
  return { p0, p1: Math.min(1, rho * p0) };
}

/** Z from a numerator and a variance: ±∞ when the variance is 0 and the numerator is not. */
function zOf(numerator: number, variance: number): number {
  if (variance > 0) return numerator / Math.sqrt(variance);
  return numerator === 0 ? 0 : numerator * Infinity;
}

/**
 * Score interval of p₁ − p₀ (variant − control) with two-sided critical value `z` (> 0), e.g.
 * `normalQuantile(1 − α/2)`. Needs users in both arms (null otherwise). Within [−1, 1].
 */
export function scoreDifferenceInterval(
  control: ConversionStats,
  variant: ConversionStats,
  z: number,
): Interval | null {
  if (control.users <= 0 || variant.users <= 0) return null;
  const estimate = variant.conversions / variant.users - control.conversions / control.users;
  const score = (delta: number) => {
    const { p0, p1 } = restrictedForDifference(control, variant, delta);
    const variance = p1 * (1 - p1) / variant.users + p0 * (1 - p0) / control.users;
    return zOf(estimate - delta, variance);
  };
  return [
    decreasingRoot((d) => score(d) - z, -1, estimate),
    decreasingRoot((d) => score(d) + z, estimate, 1),
  ];
}

/**
 * Score interval of the ratio p₁/p₀ (variant over control) with two-sided critical value `z`.
 * Null when either arm has no users or the control has no conversions (no ratio). The lower end
 * is ≥ 0; the upper end is finite whenever the control has conversions (searched up to 10¹⁵,
 * null beyond).
 */
export function scoreRatioInterval(
  control: ConversionStats,
  variant: ConversionStats,
  z: number,
): Interval | null {
  if (control.users <= 0 || variant.users <= 0 || control.conversions <= 0) return null;
  const p0 = control.conversions / control.users, p1 = variant.conversions / variant.users;
  const estimate = p1 / p0;
  const score = (rho: number) => {
    const r = restrictedForRatio(control, variant, rho);
    const variance = r.p1 * (1 - r.p1) / variant.users + rho * rho * r.p0 * (1 - r.p0) /
        control.users;
    return zOf(p1 - rho * p0, variance);
  };
  let top = Math.max(2 * estimate, 1);
  while (score(top) + z >= 0) {
    top *= 2;
    if (top > 1e15) return null;
  }
  return [
    decreasingRoot((r) => score(r) - z, 0, estimate),
    decreasingRoot((r) => score(r) + z, estimate, top),
  ];
}

/** An estimate with its variance (squared standard error). */
export interface Estimate {
  estimate: number;
  variance: number;
}

/**
 * Fieller's interval of μ₁/μ₀ (variant over control) from independent estimates, critical value
 * `c` (> 0): the roots of (μ̂₀² − c²v₀)ρ² − 2μ̂₀μ̂₁ρ + (μ̂₁² − c²v₁) ≤ 0. Null when μ̂₀² ≤ c²v₀
 * (the control cannot be told from 0 at this level, so the set is unbounded) and when both
 * variances are 0 in effect (a zero-width interval would mislead). `atLeast` clips
 * the lower end (0 for ratios of rates, which cannot be negative).
 */
export function fiellerInterval(
  control: Estimate,
  variant: Estimate,
  c: number,
  options: { atLeast?: number } = {},
): Interval | null {
  const m0 = control.estimate, m1 = variant.estimate;
  const a = m0 * m0 - c * c * control.variance;
  if (!(a > 0)) return null;
  const half = c * Math.sqrt(
    Math.max(
      0,
      m0 * m0 * variant.variance + m1 * m1 * control.variance -
        c * c * control.variance * variant.variance,
    ),
  );
  if (!(half > 0)) return null;
  const lower = (m0 * m1 - half) / a, upper = (m0 * m1 + half) / a;
  const floor = options.atLeast ?? -Infinity;
  return [Math.max(floor, lower), Math.max(floor, upper)];
}
