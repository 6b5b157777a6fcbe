/**
 * A campaign's lineage: its chain of iterations, each decided winner's lift over that
 * iteration's control, the lift compounded along the chain, and the bank's experimentation
 * program figures that feed the lens. Pure; rates and lifts are fractions (0.3 = +30 %).
 *
 * - Step lift: the relative lift of the winner's conversion rate over the control's (the first
 *   variant), r = p_w/p_0 − 1, with the log-ratio interval exp(ln(p_w/p_0) ± z·√v) − 1,
 *   v = (1 − p_w)/(n_w·p_w) + (1 − p_0)/(n_0·p_0) (the delta method on ln(p_w/p_0)): never below
 *   −100 %, and on the same log scale as the compounding below. A winner without conversions has
 *   no log-ratio (ZERO_VARIANCE). One fixed-horizon confidence level serves
 *   the whole chain (95 % by default), whatever each iteration's own α or sequential setting, so
 *   that steps and their product are comparable. Bandit iterations are read the same way.
 * - A decided iteration whose winner is the control kept the control: its lift is exactly 0,
 *   without uncertainty. Draft, running and stopped iterations have no lift and do not compound.
 * - Compounded lift after k decided steps: C = ∏(1 + r_i) − 1. Interval by the delta method on
 *   the log scale: ln(1 + C) = Σ ln(1 + r_i), the steps are independent samples, so
 *   var = Σ var(ln(1 + r_i)), and the interval is exp(ln(1 + C) ± z·√var) − 1: asymmetric, never
 *   below −100 %, and for a single step that step's own interval. Compounding assumes each
 *   iteration's control is the previous winner, as "promote winner" drafts it.
 * - The chain is the iterations linked by promotion (`parentKey`), never every experiment that
 *   shares the campaign: from each root (no parent in the campaign) follow the promoted child;
 *   the longest such chain is the campaign's chain (ties: the earliest root). Every other
 *   iteration stands alone: its own lift is read, but it is not compounded.
 * - Winners are picked for looking best, so their measured lifts tend to overstate the true
 *   effects (the winner's curse): read the intervals, not the points.
 *
 * Checked against an independent scipy implementation (tools/gen_lineage_fixtures.py).
 */
import { quantile7 } from "../lens/peers.ts";
import { normalQuantile } from "../stats/dist.ts";
import { compareProportions } from "../stats/proportions.ts";
import type { Interval, ReasonCode } from "../stats/types.ts";

/**
 * Why a lineage figure is null: the proportions codes, `UNKNOWN_WINNER` (a decided iteration
 * without a winner among its arms), `NO_DECIDED_STEP` (nothing to compound yet),
 * `STEP_WITHOUT_LIFT` (a decided step's lift is null, so the product is unknown).
 */
export type LineageReason = ReasonCode | "UNKNOWN_WINNER" | "NO_DECIDED_STEP" | "STEP_WITHOUT_LIFT";

/** One arm's totals (exposed users, converters), in variant order: the control first. */
export interface LineageArm {
  variant: string;
  users: number;
  conversions: number;
}

/** One iteration as stored: its arms' totals and, once decided, its winner. */
export interface LineageIterationInput {
  key: string;
  name: string;
  iteration: number;
  mode: "ab" | "bandit";
  status: "draft" | "running" | "stopped" | "decided";
  winnerVariant: string | null;
  /** The key of the iteration it was promoted from (null when made by hand). */
  parentKey: string | null;
  arms: readonly LineageArm[];
}

/** The lift compounded over the decided steps so far. */
export interface CompoundedLift {
  decidedSteps: number;
  lift: number | null;
  ci: Interval | null;
  reasons: LineageReason[];
}

/** A decided step's winner against its control: the lift, 0 for a kept control. */
export interface StepLift {
  outcome: "promoted" | "kept_control";
  controlRate: number | null;
  winnerRate: number | null;
  lift: number | null;
  ci: Interval | null;
  /** Standard error of the lift (null when unknown); 0 for a kept control. */
  se: number | null;
  reasons: LineageReason[];
}

export interface LineageStep {
  key: string;
  name: string;
  iteration: number;
  mode: "ab" | "bandit";
  status: LineageIterationInput["status"];
  parentKey: string | null;
  control: string | null;
  winner: string | null;
  /** Users exposed over all arms. */
  users: number;
  /** Null unless decided. */
  result: Omit<StepLift, "se"> | null;
  /** The compounded lift after this step; null unless decided. */
  compounded: CompoundedLift | null;
}

/** One point of the compounded-lift chart: iteration 0 is the start (lift 0). */
export interface LineagePoint {
  iteration: number;
  lift: number | null;
  lower: number | null;
  upper: number | null;
}

export interface Lineage {
  /** Confidence level of every interval, e.g. 0.95. */
  confidence: number;
  /** The chain linked by promotion, in chain order. */
  steps: LineageStep[];
  /** Iterations outside the chain, in iteration order: own lift, never compounded. */
  standalone: LineageStep[];
  compounded: CompoundedLift;
  /** The start and every decided step, in chain order; empty without a decided step. */
  series: LineagePoint[];
}

/**
 * The winner's lift of one decided iteration at two-sided level `alpha`. A winner equal to the
 * control → kept control (lift 0, se 0, no interval); a winner not among the arms →
 * `UNKNOWN_WINNER`.
 */
export function stepLift(
  arms: readonly LineageArm[],
  winner: string | null,
  alpha = 0.05,
): StepLift {
  const control = arms[0];
  const rate = (a: LineageArm | undefined) => a && a.users > 0 ? a.conversions / a.users : null;
  const won = arms.find((a) => a.variant === winner);
  const base = { controlRate: rate(control), winnerRate: rate(won) };
  if (!control || !won) {
    return {
      outcome: "promoted",
      ...base,
      lift: null,
      ci: null,
      se: null,
      reasons: ["UNKNOWN_WINNER"],
    };
  }
  if (won === control) {
    return { outcome: "kept_control", ...base, lift: 0, ci: null, se: 0, reasons: [] };
  }
  const c = compareProportions(control, won, { alpha });
  // Log-ratio interval: var ln(p_w/p_0) ≈ (1 − p_w)/(n_w·p_w) + (1 − p_0)/(n_0·p_0); `se` is that
  // se times (1 + r), so compound()'s se/(1 + r) is exactly the log-scale se.
  const logSe = c.relativeLift !== null && c.rate > 0
    ? Math.sqrt(
      (1 - c.rate) / (won.users * c.rate) +
        (1 - c.controlRate) / (control.users * c.controlRate),
    )
    : 0;
  const half = normalQuantile(1 - alpha / 2) * logSe;
  const log = c.relativeLift !== null && c.rate > 0 ? Math.log(c.rate / c.controlRate) : 0;
  const ci: Interval | null = logSe > 0
    ? [Math.exp(log - half) - 1, Math.exp(log + half) - 1]
    : null;
  const reasons: LineageReason[] = c.relativeLift === null
    ? c.reasons.filter((r) => r !== "ZERO_VARIANCE")
    : ci === null
    ? ["ZERO_VARIANCE"]
    : [];
  return {
    outcome: "promoted",
    ...base,
    lift: c.relativeLift,
    ci,
    se: ci ? (1 + c.relativeLift!) * logSe : null,
    reasons,
  };
}

function withoutSe({ se: _se, ...rest }: StepLift): Omit<StepLift, "se"> {
  return rest;
}

/** Folds decided steps into the compounded lift (see the module comment for the method). */
export function compound(steps: readonly StepLift[], alpha = 0.05): CompoundedLift {
  const decidedSteps = steps.length;
  if (decidedSteps === 0) {
    return { decidedSteps, lift: null, ci: null, reasons: ["NO_DECIDED_STEP"] };
  }
  if (steps.some((s) => s.lift === null)) {
    return { decidedSteps, lift: null, ci: null, reasons: ["STEP_WITHOUT_LIFT"] };
  }
  const factor = steps.reduce((product, s) => product * (1 + s.lift!), 1);
  const lift = factor - 1;
  if (steps.some((s) => s.se === null || 1 + s.lift! <= 0)) {
    return { decidedSteps, lift, ci: null, reasons: ["ZERO_VARIANCE"] };
  }
  const logVariance = steps.reduce((sum, s) => sum + (s.se! / (1 + s.lift!)) ** 2, 0);
  const half = normalQuantile(1 - alpha / 2) * Math.sqrt(logVariance);
  const log = Math.log(factor);
  return {
    decidedSteps,
    lift,
    ci: [Math.exp(log - half) - 1, Math.exp(log + half) - 1],
    reasons: [],
  };
}

/**
 * The chain linked by promotion: from each root (an iteration whose parent is not among
 * `iterations`) follow the promoted child (the first by iteration number when several claim
 * the same parent); the longest chain wins, ties to the earliest root. `iterations` sorted.
 */
export function promotionChain<T extends { key: string; parentKey: string | null }>(
  iterations: readonly T[],
): T[] {
  const byKey = new Map(iterations.map((it) => [it.key, it]));
  const child = new Map<string, T>();
  for (const it of iterations) {
    if (it.parentKey !== null && byKey.has(it.parentKey) && !child.has(it.parentKey)) {
      child.set(it.parentKey, it);
    }
  }
  let best: T[] = [];
  for (const root of iterations) {
    if (root.parentKey !== null && byKey.has(root.parentKey)) continue;
    const chain = [root];
    const seen = new Set([root.key]);
    for (let next = child.get(root.key); next && !seen.has(next.key); next = child.get(next.key)) {
      chain.push(next);
      seen.add(next.key);
    }
    if (chain.length > best.length) best = chain;
  }
  return best;
}

function stepOf(
  it: LineageIterationInput,
  lift: StepLift | null,
  compounded: CompoundedLift | null,
): LineageStep {
  return {
    key: it.key,
    name: it.name,
    iteration: it.iteration,
    mode: it.mode,
    status: it.status,
    parentKey: it.parentKey,
    control: it.arms[0]?.variant ?? null,
    winner: it.status === "decided" ? it.winnerVariant : null,
    users: it.arms.reduce((sum, a) => sum + a.users, 0),
    result: lift ? withoutSe(lift) : null,
    compounded,
  };
}

/**
 * The lineage of a campaign from its iterations (any order) at the two-sided `alpha` of every
 * interval (default 0.05: 95 % intervals): the promotion chain with its compounded lift, and
 * the iterations that stand alone.
 */
export function lineage(
  iterations: readonly LineageIterationInput[],
  options: { alpha?: number } = {},
): Lineage {
  const { alpha = 0.05 } = options;
  const sorted = [...iterations].sort((a, b) => a.iteration - b.iteration);
  const chain = promotionChain(sorted);
  const inChain = new Set(chain.map((it) => it.key));
  const liftOf = (it: LineageIterationInput) =>
    it.status === "decided" ? stepLift(it.arms, it.winnerVariant, alpha) : null;
  const decided: StepLift[] = [];
  const steps = chain.map((it) => {
    const lift = liftOf(it);
    if (lift) decided.push(lift);
    return stepOf(it, lift, lift ? compound(decided, alpha) : null);
  });
  const standalone = sorted.filter((it) => !inChain.has(it.key))
    .map((it) => stepOf(it, liftOf(it), null));
  const points = steps.flatMap((s) =>
    s.compounded
      ? [{
        iteration: s.iteration,
        lift: s.compounded.lift,
        lower: s.compounded.ci?.[0] ?? null,
        upper: s.compounded.ci?.[1] ?? null,
      }]
      : []
  );
  return {
    confidence: 1 - alpha,
    steps,
    standalone,
    compounded: compound(decided, alpha),
    series: points.length > 0 ? [{ iteration: 0, lift: 0, lower: 0, upper: 0 }, ...points] : [],
  };
}

/**
 * Candidate keys of the iteration promoted from `key`, best first. A key ending in `-v<n>` is
 * version n and goes on to `-v<n+1>`, `-v<n+2>`, …; a key ending in `-<n>` where n is its
 * position in the chain (`depth`, 1 for a root) goes on the same way (`wake-push-2` →
 * `wake-push-3`); any other key is version `depth` and gains `-v<depth+1>`, … . Keys keep
 * within 64 characters. The caller takes the first one that is free.
 */
export function promotionKeys(
  key: string,
  depth: number,
  count = 20,
): { key: string; version: number }[] {
  const v = key.match(/^(.*)-v(\d+)$/);
  const plain = key.match(/^(.*)-(\d+)$/);
  const [base, separator, version] = v
    ? [v[1], "-v", Number(v[2])]
    : plain && Number(plain[2]) === depth
    ? [plain[1], "-", depth]
    : [key, "-v", depth];
  return Array.from({ length: count }, (_, i) => {
    const suffix = `${separator}${version + 1 + i}`;
    return { key: `${base.slice(0, 64 - suffix.length)}${suffix}`, version: version + 1 + i };
  });
}

/** The experimentation program of a bank as the lens indicators measure it. */
export interface ProgramInput {
  /** All campaigns of the bank. */
  campaigns: number;
  /** Campaigns with at least one decided iteration. */
  testedCampaigns: number;
  /** The winner's lift (fraction) of every decided iteration; null where unknown. */
  decidedLifts: readonly (number | null)[];
}

export interface ProgramFigures {
  /** `ab_test_share` in % (0–100); null without campaigns. */
  abTestShare: number | null;
  /** `campaign_conversion_uplift` in % relative (median lift × 100); null without a lift. */
  medianUplift: number | null;
  /** How many decided iterations the median rests on (those with a known lift). */
  liftsCounted: number;
}

/**
 * `ab_test_share` = 100 × tested campaigns / campaigns; `campaign_conversion_uplift` = 100 ×
 * the median (R `quantile(type = 7)` at 0.5, the usual median) of the decided lifts, a kept
 * control counting as 0. Lifts that are null (e.g. a zero control rate) are left out.
 */
export function programFigures(input: ProgramInput): ProgramFigures {
  const lifts = input.decidedLifts.filter((l): l is number => l !== null);
  return {
    abTestShare: input.campaigns > 0 ? (100 * input.testedCampaigns) / input.campaigns : null,
    medianUplift: lifts.length > 0 ? 100 * quantile7(lifts, 0.5) : null,
    liftsCounted: lifts.length,
  };
}
