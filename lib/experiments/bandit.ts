/**
 * The rules of a bandit iteration (PRODUCT.md, "Statistics" and "The loop"), pure so that a
 * stored reweighting can be replayed from its inputs:
 *
 * - **Reweighting**: Thompson sampling on Beta posteriors, probabilityBest by exact integration
 *   (lib/stats/bayes.ts) on the rates **weighted by allocation period** (lib/stats/stratified.ts,
 *   as GrowthBook's bandits do): when the weights move while the base rate drifts, pooled totals
 *   mislead (Simpson's paradox). Nothing moves until every arm has `burnIn` exposed customers.
 *   Weights = minShare + (1 − k·minShare)·probabilityBest, except that an arm whose probability
 *   of being best is under `cutBelow` (1 %) is **cut**: it keeps exactly the floor `minShare`
 *   and is flagged (the data-driven "offline" of a campaign activity). The probability mass of
 *   the cut arms goes to the others in proportion to theirs, so the weights still sum to 1.
 *   The rule is lib/stats/bandits.ts `allocationWeights`, which the public calculator uses too.
 * - **Decision**: an arm wins once its probability of being best reaches `decideAt` (95 %)
 *   after every arm's burn-in.
 * - **Sample-ratio check per allocation period**: customers first assigned under one set of
 *   weights should split by those weights; a chi-square goodness of fit per period, mismatch at
 *   p < 0.001 (the A/B rule, lib/stats/chi_square.ts).
 */
import { allocate, ALLOCATION_DEFAULTS } from "../stats/bandits.ts";
import { probabilityBest } from "../stats/bayes.ts";
import { sampleRatioMismatch, type SrmResult } from "../stats/chi_square.ts";
import { type PeriodCounts, stratifiedProbabilityBest, stratify } from "../stats/stratified.ts";
import { assignVariant } from "./assignment.ts";
import type { Recommendation } from "./decisions.ts";

export const BANDIT_DEFAULTS = {
  ...ALLOCATION_DEFAULTS,
  /** An arm with at least this probability of being best wins. */
  decideAt: 0.95,
} as const;

export interface BanditArm {
  name: string;
  users: number;
  conversions: number;
}

export interface ReweightOptions {
  minShare?: number;
  burnIn?: number;
  cutBelow?: number;
  /**
   * The arms' customers and conversions per allocation period, in period order: probabilityBest
   * is then computed on the period-weighted rates. Without them the arms' totals are used, as
   * reweightings stored before inputs version 2 were computed (so they still replay).
   */
  periods?: readonly PeriodCounts[];
}

/** P(best) per arm: weighted by period when the periods are given, else on the totals. */
function bestOf(arms: readonly BanditArm[], periods?: readonly PeriodCounts[]): number[] {
  return periods ? stratifiedProbabilityBest(periods, arms.length) : probabilityBest(arms);
}

export interface Reweighting {
  /** False while an arm is short of its burn-in: nothing may be stored then. */
  ready: boolean;
  probabilityBest: number[];
  weights: number[];
  /** Per arm: cut to the floor (probability of being best under `cutBelow`). */
  cut: boolean[];
}

/**
 * One reweighting from the arms' totals. Requires 0 ≤ minShare ≤ 1/k (RangeError otherwise).
 * Before burn-in `ready` is false and the weights are equal.
 */
export function reweight(arms: readonly BanditArm[], options: ReweightOptions = {}): Reweighting {
  const { burnIn = BANDIT_DEFAULTS.burnIn } = options;
  if (arms.length < 2) throw new RangeError("A bandit needs at least 2 arms");
  const pBest = bestOf(arms, options.periods);
  const { reweighted, ...allocation } = allocate(
    pBest,
    arms.every((a) => a.users >= burnIn),
    options,
  );
  return { ready: reweighted, ...allocation };
}

export interface BanditDecision {
  /** The arm that reached `decideAt`, or null. */
  winner: string | null;
  probabilityBest: number[];
  /** Whether every arm has its burn-in. */
  burnedIn: boolean;
}

/** The decision rule on the arms' current totals (burn-in) and periods (probability best). */
export function banditDecision(
  arms: readonly BanditArm[],
  options: { burnIn?: number; decideAt?: number; periods?: readonly PeriodCounts[] } = {},
): BanditDecision {
  const { burnIn = BANDIT_DEFAULTS.burnIn, decideAt = BANDIT_DEFAULTS.decideAt } = options;
  const pBest = bestOf(arms, options.periods);
  const burnedIn = arms.every((a) => a.users >= burnIn);
  const best = pBest.indexOf(Math.max(...pBest));
  return {
    winner: burnedIn && pBest[best] >= decideAt ? arms[best].name : null,
    probabilityBest: pBest,
    burnedIn,
  };
}

/** Exposed customers per arm who were first assigned under one set of weights. */
export interface AllocationPeriod {
  /** The allocation's id, or null for the period before the first reweighting. */
  allocationId: string | null;
  weights: readonly number[];
  users: readonly number[];
}

export interface PeriodSrm extends AllocationPeriod {
  srm: SrmResult;
}

/**
 * The sample-ratio check of each period. Arms with weight 0 cannot occur (the floor is
 * positive unless minShare is 0); such an arm is left out of its period's test.
 */
export function periodSrm(periods: readonly AllocationPeriod[]): PeriodSrm[] {
  return periods.map((period) => {
    const kept = period.weights.flatMap((w, i) => w > 0 ? [i] : []);
    const srm = kept.length < 2
      ? { chiSquare: null, pValue: null, mismatch: false, reasons: ["NOT_ENOUGH_DATA" as const] }
      : sampleRatioMismatch(kept.map((i) => period.users[i]), {
        weights: kept.map((i) => period.weights[i]),
      });
    return { ...period, srm };
  });
}

/** A stored reweighting as the read-out shows it. */
export interface AllocationView {
  id: string;
  computedAt: string;
  reason: "scheduled" | "on_demand";
  seed: string;
  weights: number[];
  probabilityBest: number[];
  cut: boolean[];
}

/** A period of the sample-ratio check: who was first assigned under one set of weights. */
export interface PeriodView extends PeriodSrm {
  /** ISO times; `from` null for the period before the first reweighting, `to` null if current. */
  from: string | null;
  to: string | null;
  /** Per arm: how many of the period's customers converted. */
  conversions: number[];
  /**
   * The period's share of all customers: its weight in the arms' rates (lib/stats/stratified.ts;
   * an arm with few customers in it is read there at the rate of its neighbouring periods).
   */
  share: number;
}

/** Customers (and conversions) per allocation period: allocation id or "" → arm → counts. */
export type PeriodTotals = ReadonlyMap<
  string,
  ReadonlyMap<string, { users: number; conversions: number }>
>;

export interface BanditReadout {
  burnIn: number;
  decideAt: number;
  burnedIn: boolean;
  /** On the arms' current period-weighted rates (may be newer than the last reweighting). */
  probabilityBest: number[];
  /** Each arm's conversion rate weighted by allocation period (lib/stats/stratified.ts). */
  weightedRates: number[];
  /** The weights in force: the last reweighting's, or the configured ones before it. */
  weights: number[];
  /** Arms cut to the floor by the last reweighting (taken offline by the data). */
  offline: string[];
  allocations: AllocationView[];
  periods: PeriodView[];
  recommendation: Recommendation;
}

/**
 * The arms' counts per allocation period, in period order (before the first reweighting, then
 * each stored allocation), from the per-period totals.
 */
export function periodCounts(
  arms: readonly { name: string }[],
  allocationIds: readonly string[],
  totals: PeriodTotals,
): (PeriodCounts & { allocationId: string | null })[] {
  const of = (key: string, field: "users" | "conversions") =>
    arms.map((a) => totals.get(key)?.get(a.name)?.[field] ?? 0);
  return ["", ...allocationIds].map((key) => ({
    allocationId: key === "" ? null : key,
    users: of(key, "users"),
    conversions: of(key, "conversions"),
  }));
}

/**
 * The bandit part of a read-out and its recommendation: ship the arm that reached `decideAt`
 * after burn-in, unless a period's split does not match its weights (then stop: the data are
 * not trustworthy); otherwise keep running. Probabilities of being best and the rates are
 * weighted by allocation period.
 */
export function banditReadout(
  arms: readonly BanditArm[],
  configured: readonly number[],
  allocations: readonly AllocationView[],
  totals: PeriodTotals,
  options: { burnIn?: number; decideAt?: number } = {},
): BanditReadout {
  const { burnIn = BANDIT_DEFAULTS.burnIn, decideAt = BANDIT_DEFAULTS.decideAt } = options;
  const counts = periodCounts(arms, allocations.map((a) => a.id), totals);
  const decision = banditDecision(arms, { burnIn, decideAt, periods: counts });
  const stratification = stratify(counts, arms.length);
  const bounds = [null, ...allocations.map((a) => a.computedAt), null];
  const weightsOf = [configured, ...allocations.map((a) => a.weights)];
  const sizes = counts.map((c) => c.users.reduce((a, b) => a + b, 0));
  const everyone = sizes.reduce((a, b) => a + b, 0);
  const periods = periodSrm(
    counts.map((c, i) => ({ allocationId: c.allocationId, weights: weightsOf[i], users: c.users })),
  ).map((p, i) => ({
    ...p,
    from: bounds[i],
    to: bounds[i + 1],
    conversions: [...counts[i].conversions],
    share: everyone > 0 ? sizes[i] / everyone : 0,
  }));
  const last = allocations.at(-1);
  const srm = periods.some((p) => p.srm.mismatch);
  const result = (action: Recommendation["action"], reasons: Recommendation["reasons"]) => ({
    action,
    winner: action === "ship" ? decision.winner : null,
    reasons,
    daysLeft: null,
    ended: false,
  });
  const recommendation = srm
    ? result("stop", ["SRM"])
    : !decision.burnedIn
    ? result("keep_running", ["BURN_IN"])
    : decision.winner
    ? result("ship", ["BANDIT_CONFIDENT"])
    : result("keep_running", ["BANDIT_NOT_CONFIDENT_YET"]);
  return {
    burnIn,
    decideAt,
    burnedIn: decision.burnedIn,
    probabilityBest: decision.probabilityBest,
    weightedRates: stratification.arms.map((a) => a.rate),
    weights: last ? last.weights : [...configured],
    offline: last ? arms.filter((_, i) => last.cut[i]).map((a) => a.name) : [],
    allocations: [...allocations],
    periods,
    recommendation,
  };
}

/**
 * The arm a customer first seen under an allocation gets: the A/B rule's version 2 with the
 * allocation's seed salted into the key, i.e. the bucket `fmix32(fnv1a32("<key>#<seed>:<unit>"))
 * / 2^32` against the allocation's weights, whatever the experiment's `hashVersion`. Bandits
 * have used this formula from the start, so stored allocations replay exactly. Bandit arms are
 * chosen and stored by the server (no SDK needs to reproduce them).
 */
export function banditArm(
  experimentKey: string,
  seed: string,
  unit: string,
  variants: readonly { name: string; weight: number }[],
): string | null {
  return assignVariant(`${experimentKey}#${seed}`, unit, variants, 2);
}
