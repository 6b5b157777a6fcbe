/**
 * Conversion rates of arms whose traffic shares changed over time (bandit allocation periods),
 * weighted by period so that a drift of the base rate cannot masquerade as a difference between
 * arms (Simpson's paradox).
 *
 * Pooled totals mislead when the weights move while the base rate drifts: two identical arms
 * moved from 50/50 to 10/90 while the rate fell from 10 % to 2 % (5,000 + 5,000 customers, then
 * 2,000 + 18,000) pool to 7.7 % against 3.7 %.
 * As GrowthBook's bandits do (packages/back-end/src/integrations/sql/ctes/bandit-statistics-cte.ts,
 * read by gbstats/bayesian/bandits.py; `weight_by_period`), every arm's rate is the mean of its
 * per-period rates weighted by each period's share of all customers, w_p = N_p / N:
 *
 *   r̂_a = Σ_p w_p·c_ap/n_ap,   Var(r̂_a) = Σ_p w_p²·r_ap(1 − r_ap)/n_ap
 *
 * (GrowthBook uses the sample variance with n − 1; here n, so that one period gives exactly the
 * unpooled Wald variance of ./proportions.ts.) This is direct standardisation: each arm's rate on
 * the same traffic mix.
 *
 * - An arm with few customers in a period (a cut arm at the 1 % floor, a period that just began)
 *   says little about its rate there. Per arm, consecutive periods are grouped into blocks of at
 *   least `minUsers` (100, the customers the bandit's burn-in asks of an arm before its rate
 *   counts) of its customers (a short last block joins the one before; with fewer
 *   customers in all, one block); within a block the arm's rate is taken as constant, so the block
 *   counts with the summed weight of its periods: r̂_a = Σ_b W_b·c_ab/n_ab, Var = Σ_b W_b²·r(1 − r)/n.
 *   The weights stay common to all arms, so every arm is read on the same traffic mix, and an arm
 *   with plenty of customers keeps the full correction. With one period it is the plain rate.
 * - Posterior of r_a for probabilities of being best: the uniform prior once, with the weighted
 *   estimate as effective counts (its design effect): n* = r̂(1 − r̂)/Var(r̂), at most the arm's
 *   customers, c* = r̂·n*, Beta(1 + c*, 1 + n* − c*), integrated exactly by ./bayes.ts. With one
 *   block it is exactly the Beta(1 + c, 1 + n − c) of the unweighted rule, so nothing changes
 *   until the weights move. (GrowthBook takes a normal posterior N(r̂, Var) and Monte Carlo;
 *   tools/gen_stratified_fixtures.py checks the two agree.)
 * - Comparisons with the control: Wald z on r̂₁ − r̂₀ with se √(Var₀ + Var₁), its interval
 *   r̂₁ − r̂₀ ± z·se, and Fieller's interval of r̂₁/r̂₀ (./intervals.ts) for the relative lift,
 *   which agrees with that z-test and never falls under −100 %; sequential mode swaps in the
 *   always-valid p-value and confidence sequence of ./sequential.ts.
 * - Omnibus: the homogeneity test of k independent estimates (Cochran 1954),
 *   X² = Σ u_a(r̂_a − r̄)², u_a = 1/Var_a, r̄ = Σ u_a·r̂_a / Σ u_a, df = k − 1, in place of the
 *   chi-square test on pooled counts.
 */
import { bayesianComparison, probabilityBest } from "./bayes.ts";
import type { ProportionsRow } from "./analysis.ts";
import type { ChiSquareResult } from "./chi_square.ts";
import { chiSquareSurvival, normalQuantile, normalTwoSidedP } from "./dist.ts";
import { holmAdjust, holmLevels } from "./holm.ts";
import { fiellerInterval } from "./intervals.ts";
import type { ProportionsComparison, ProportionsOptions } from "./proportions.ts";
import {
  alwaysValidPValue,
  confidenceSequenceHalfWidth,
  DEFAULT_SEQUENTIAL_TUNING,
  sequentialRho,
} from "./sequential.ts";
import type { ConversionStats, Interval, ReasonCode } from "./types.ts";

/** Customers first assigned in one period, and how many of them converted, per arm. */
export interface PeriodCounts {
  users: readonly number[];
  conversions: readonly number[];
}

/** One arm's period-weighted rate. */
export interface StratifiedArm {
  /** Σ w_p·c_p/n_p, a fraction. */
  rate: number;
  /** Its variance Σ w_p²·r_p(1 − r_p)/n_p. */
  variance: number;
  /** The posterior as effective counts: Beta(1 + conversions, 1 + users − conversions). */
  posterior: ConversionStats;
}

/** The period weights and every arm's weighted rate. */
export interface Stratification {
  /** Each period's share of all customers (summing to 1; equal shares when there are none). */
  weights: number[];
  /** Per arm, the periods (indices, in order) of each of its blocks. */
  blocks: number[][][];
  /** Per arm, its customers over all periods. */
  users: number[];
  arms: StratifiedArm[];
}

/** Customers an arm needs in a block of consecutive periods (module comment). */
export const STRATUM_MIN_USERS = 100;

/** One arm's blocks: consecutive periods with at least `minUsers` of its customers each. */
function blocksOf(users: readonly number[], minUsers: number): number[][] {
  const blocks: number[][] = [];
  let open: number[] = [], inOpen = 0;
  users.forEach((n, p) => {
    open.push(p);
    inOpen += n;
    if (inOpen >= minUsers) {
      blocks.push(open);
      open = [];
      inOpen = 0;
    }
  });
  if (open.length > 0) {
    if (blocks.length > 0) blocks[blocks.length - 1].push(...open);
    else blocks.push(open);
  }
  return blocks;
}

/**
 * Period-weighted rates of k arms. Counts must be integers with 0 ≤ conversions ≤ users
 * (RangeError otherwise). An arm without any customer has rate 0, variance 0 and the uniform
 * posterior. `minUsers` (default {@link STRATUM_MIN_USERS}, at least 1) is the customers an arm
 * needs in a block of periods.
 */
export function stratify(
  periods: readonly PeriodCounts[],
  k: number,
  options: { minUsers?: number } = {},
): Stratification {
  const minUsers = Math.max(1, options.minUsers ?? STRATUM_MIN_USERS);
  for (const p of periods) {
    if (p.users.length !== k || p.conversions.length !== k) {
      throw new RangeError("Every period needs counts for every arm");
    }
    p.users.forEach((n, i) => {
      const c = p.conversions[i];
      if (!(Number.isInteger(n) && Number.isInteger(c) && n >= 0 && c >= 0 && c <= n)) {
        throw new RangeError("Period counts must be integers with 0 ≤ conversions ≤ users");
      }
    });
  }
  const sizes = periods.map((p) => p.users.reduce((a, b) => a + b, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  const weights = sizes.map((n) => total > 0 ? n / total : 1 / periods.length);
  const blocks: number[][][] = [], users: number[] = [];
  const arms = Array.from({ length: k }, (_, i) => {
    const own = blocksOf(periods.map((p) => p.users[i]), minUsers);
    blocks.push(own);
    let rate = 0, variance = 0, n = 0, c = 0;
    for (const block of own) {
      const w = block.reduce((sum, p) => sum + weights[p], 0);
      const nb = block.reduce((sum, p) => sum + periods[p].users[i], 0);
      const cb = block.reduce((sum, p) => sum + periods[p].conversions[i], 0);
      n += nb;
      c += cb;
      if (nb > 0) {
        const r = cb / nb;
        rate += w * r;
        variance += w * w * r * (1 - r) / nb;
      }
    }
    users.push(n);
    if (n === 0) return { rate: 0, variance: 0, posterior: { users: 0, conversions: 0 } };
    if (own.length === 1) {
      const r = c / n;
      return { rate: r, variance: r * (1 - r) / n, posterior: { users: n, conversions: c } };
    }
    // The design effect: as many customers as a simple sample with this variance would need.
    const effective = variance > 0 ? Math.min(n, rate * (1 - rate) / variance) : n;
    return { rate, variance, posterior: { users: effective, conversions: rate * effective } };
  });
  return { weights, blocks, users, arms };
}

/** P(arm is best) on the period-weighted posteriors, exact integration (./bayes.ts). */
export function stratifiedProbabilityBest(periods: readonly PeriodCounts[], k: number): number[] {
  return probabilityBest(stratify(periods, k).arms.map((a) => a.posterior));
}

/** One challenger against the control on period-weighted rates: the shape of ./proportions.ts. */
export type StratifiedComparison = ProportionsComparison;

/**
 * Compares period-weighted arms. `users` (both arms' customers) is the n of the sequential
 * formulas. Zero variance → `ZERO_VARIANCE` (p and intervals null); control rate 0 →
 * `BASELINE_ZERO`; an arm without customers → `NOT_ENOUGH_DATA`.
 */
export function compareStratified(
  control: StratifiedArm,
  variant: StratifiedArm,
  users: number,
  options: ProportionsOptions = {},
): StratifiedComparison {
  const { alpha = 0.05, sequential = false, sequentialTuning = DEFAULT_SEQUENTIAL_TUNING } =
    options;
  const intervalAlpha = options.intervalAlpha ?? alpha;
  const lift = variant.rate - control.rate;
  const reasons: ReasonCode[] = [];
  const base = {
    controlRate: control.rate,
    rate: variant.rate,
    absoluteLift: lift,
    relativeLift: control.rate > 0 ? variant.rate / control.rate - 1 : null,
  };
  if (control.posterior.users <= 0 || variant.posterior.users <= 0) {
    return {
      ...base,
      relativeLift: null,
      zScore: null,
      pValue: null,
      ci: null,
      relativeCi: null,
      reasons: ["NOT_ENOUGH_DATA"],
    };
  }
  const se = Math.sqrt(control.variance + variant.variance);
  let zScore: number | null = null, pValue: number | null = null;
  let ci: Interval | null = null, ratio: Interval | null = null;
  if (se > 0) {
    zScore = lift / se;
    const half = sequential
      ? confidenceSequenceHalfWidth(se, users, {
        alpha: intervalAlpha,
        rho: sequentialRho(alpha, sequentialTuning),
      })
      : normalQuantile(1 - intervalAlpha / 2) * se;
    pValue = sequential
      ? alwaysValidPValue(lift, se, users, { alpha, tuning: sequentialTuning })
      : normalTwoSidedP(zScore);
    ci = [lift - half, lift + half];
    ratio = fiellerInterval(
      { estimate: control.rate, variance: control.variance },
      { estimate: variant.rate, variance: variant.variance },
      half / se,
      { atLeast: 0 },
    );
  } else reasons.push("ZERO_VARIANCE");
  if (base.relativeLift === null) reasons.push("BASELINE_ZERO");
  return {
    ...base,
    zScore,
    pValue,
    ci,
    relativeCi: base.relativeLift !== null && ratio ? [ratio[0] - 1, ratio[1] - 1] : null,
    reasons,
  };
}

/**
 * A challenger's row: the comparison, Holm, and the Bayesian figures on weighted posteriors —
 * the row shape of ./analysis.ts.
 */
export type StratifiedRow = ProportionsRow;

/**
 * Every challenger against the control (the first arm) on period-weighted rates, p-values
 * Holm-adjusted and intervals at the matching Holm level (./holm.ts `holmLevels`), so an
 * interval excludes 0 exactly when `significant`.
 */
export function analyzeStratified(
  names: readonly string[],
  periods: readonly PeriodCounts[],
  options: ProportionsOptions = {},
): { stratification: Stratification; omnibus: ChiSquareResult; comparisons: StratifiedRow[] } {
  const k = names.length;
  if (k < 2) throw new RangeError("At least two variants are needed");
  const { alpha = 0.05 } = options;
  const stratification = stratify(periods, k);
  const [control, ...challengers] = stratification.arms;
  const totals = stratification.users;
  const run = (i: number, intervalAlpha: number) =>
    compareStratified(control, challengers[i], totals[0] + totals[i + 1], {
      ...options,
      alpha,
      intervalAlpha,
    });
  const first = challengers.map((_, i) => run(i, alpha));
  const adjusted = holmAdjust(first.map((t) => t.pValue));
  const levels = holmLevels(first.map((t) => t.pValue), alpha);
  const comparisons = challengers.map((arm, i) => {
    const level = levels[i] ?? alpha;
    return {
      variant: names[i + 1],
      ...(level === alpha ? first[i] : run(i, level)),
      ciLevel: 1 - level,
      adjustedPValue: adjusted[i],
      significant: adjusted[i] !== null && adjusted[i]! < alpha,
      ...bayesianComparison(control.posterior, arm.posterior),
    };
  });
  return { stratification, omnibus: stratifiedOmnibus(stratification.arms), comparisons };
}

/**
 * Whether the period-weighted rates differ at all: Cochran's homogeneity statistic over the arms
 * (module comment). An arm without customers → `NOT_ENOUGH_DATA`; an arm with variance 0 →
 * `ZERO_VARIANCE` (its weight 1/Var is unbounded).
 */
export function stratifiedOmnibus(arms: readonly StratifiedArm[]): ChiSquareResult {
  const df = arms.length - 1;
  if (arms.some((a) => a.posterior.users <= 0)) {
    return { chiSquare: null, df, pValue: null, reasons: ["NOT_ENOUGH_DATA"] };
  }
  if (arms.some((a) => !(a.variance > 0))) {
    return { chiSquare: null, df, pValue: null, reasons: ["ZERO_VARIANCE"] };
  }
  const u = arms.map((a) => 1 / a.variance);
  const total = u.reduce((s, x) => s + x, 0);
  const mean = arms.reduce((s, a, i) => s + u[i] * a.rate, 0) / total;
  const chiSquare = arms.reduce((s, a, i) => s + u[i] * (a.rate - mean) ** 2, 0);
  return { chiSquare, df, pValue: chiSquareSurvival(chiSquare, df), reasons: [] };
}
