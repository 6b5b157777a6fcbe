/**
 * The decision rule of an A/B iteration (PRODUCT.md, "The loop"): a challenger wins when its
 * primary metric is significantly better at the configured α after Holm correction over the
 * challengers, none of its guardrails is significantly worse, and no sample-ratio mismatch is
 * flagged. Around the rule, a recommendation in three words — ship, keep running, stop — with
 * reason codes and, while running, an estimate of the days left.
 *
 * Peeking: without sequential testing a fixed-horizon p-value is only valid at the planned
 * sample size, so an early significant result says "keep running" (`EARLY_SIGNIFICANCE`) until
 * the plan is reached. With sequential testing (always-valid p-values) it may ship at once.
 *
 * An experiment that has ended (stopped or decided) gets no more data, so "keep running" is no
 * longer an answer (`ended`): without enough data, or without a significant difference, it is
 * "keep the control" (`stop`, `ENDED_EARLY`); a difference that became significant before the plan
 * is shipped with `EARLY_WIN_UNCONFIRMED` — an early look at a fixed-horizon test has a higher
 * false-positive rate than α, so the next iteration should confirm it.
 */

/** Below this many users in an arm the read-out says "not enough data yet". */
export const MIN_USERS_PER_ARM = 100;

/** One challenger's primary-metric result against the control. */
export interface ChallengerResult {
  variant: string;
  /** Lift of the primary metric in its "better" direction (positive = better); null if unknown. */
  lift: number | null;
  /** Holm-adjusted p-value (always-valid when sequential); null when it could not be computed. */
  adjustedPValue: number | null;
  /** Whether any guardrail of this challenger is significantly worse than the control. */
  guardrailWorse: boolean;
}

export interface DecisionInput {
  alpha: number;
  sequential: boolean;
  srmMismatch: boolean;
  challengers: readonly ChallengerResult[];
  /** Users so far in all arms, and in the smallest arm. */
  users: number;
  minArmUsers: number;
  /** Users in total the test was planned for; null when not planned. */
  plannedSampleSize: number | null;
  /** New users per day recently; null or 0 when unknown. */
  recentDailyUsers: number | null;
  /** The experiment takes no more customers (stopped or decided); default false. */
  ended?: boolean;
  /**
   * The primary metric or a guardrail is still being computed (its first snapshot): nothing
   * is recommended until it is, so a guardrail not yet read can never let "ship" through.
   */
  metricsComputing?: boolean;
}

export type DecisionReason =
  | "SRM"
  | "NOT_ENOUGH_DATA"
  | "SIGNIFICANT_WIN"
  | "EARLY_SIGNIFICANCE"
  | "GUARDRAIL_WORSE"
  | "METRICS_COMPUTING"
  | "ALL_WORSE"
  | "NO_DIFFERENCE"
  | "NOT_SIGNIFICANT_YET"
  | "BURN_IN"
  | "BANDIT_CONFIDENT"
  | "BANDIT_NOT_CONFIDENT_YET"
  | "ENDED_EARLY"
  | "EARLY_WIN_UNCONFIRMED";

export interface Recommendation {
  action: "ship" | "keep_running" | "stop";
  /** The variant to ship (`ship` only). */
  winner: string | null;
  reasons: DecisionReason[];
  /** Whole days until the planned sample size at the recent traffic; null when unknown. */
  daysLeft: number | null;
  /** The experiment had ended (stopped or decided) when this was computed. */
  ended: boolean;
}

function significant(c: ChallengerResult, alpha: number): boolean {
  return c.adjustedPValue !== null && c.adjustedPValue < alpha && c.lift !== null;
}

/**
 * The winner under the decision rule, or null: the significantly better challenger (largest
 * lift when several) whose guardrails hold, provided there is no SRM.
 */
export function decisionWinner(input: DecisionInput): string | null {
  if (input.srmMismatch) return null;
  const winners = input.challengers
    .filter((c) => significant(c, input.alpha) && c.lift! > 0 && !c.guardrailWorse)
    .sort((a, b) => b.lift! - a.lift!);
  return winners[0]?.variant ?? null;
}

/** Days until the plan at the recent traffic (at least 1), or null when either is unknown. */
export function daysLeft(input: DecisionInput): number | null {
  const { plannedSampleSize: planned, recentDailyUsers: perDay, users } = input;
  if (planned === null || !perDay || perDay <= 0) return null;
  return Math.max(1, Math.ceil(Math.max(0, planned - users) / perDay));
}

/** Ship, keep running or stop, with the reasons (see the module comment). */
export function recommend(input: DecisionInput): Recommendation {
  const result = (
    action: Recommendation["action"],
    reasons: DecisionReason[],
    winner: string | null = null,
  ): Recommendation => ({
    action,
    winner,
    reasons,
    daysLeft: action === "keep_running" ? daysLeft(input) : null,
    ended: input.ended ?? false,
  });
  const ended = input.ended ?? false;
  if (input.srmMismatch) return result("stop", ["SRM"]);
  if (input.metricsComputing) return result(ended ? "stop" : "keep_running", ["METRICS_COMPUTING"]);
  const { alpha, challengers } = input;
  if (
    input.minArmUsers < MIN_USERS_PER_ARM || challengers.every((c) => c.adjustedPValue === null)
  ) {
    return ended
      ? result("stop", ["ENDED_EARLY", "NOT_ENOUGH_DATA"])
      : result("keep_running", ["NOT_ENOUGH_DATA"]);
  }
  const reachedPlan = input.plannedSampleSize !== null && input.users >= input.plannedSampleSize;
  const winner = decisionWinner(input);
  if (winner) {
    if (!input.sequential && input.plannedSampleSize !== null && !reachedPlan) {
      return ended
        ? result("ship", ["SIGNIFICANT_WIN", "EARLY_WIN_UNCONFIRMED"], winner)
        : result("keep_running", ["EARLY_SIGNIFICANCE"]);
    }
    return result("ship", ["SIGNIFICANT_WIN"], winner);
  }
  const worse = (c: ChallengerResult) => c.guardrailWorse || (significant(c, alpha) && c.lift! < 0);
  if (challengers.every(worse)) {
    return result("stop", [
      challengers.some((c) => c.guardrailWorse) ? "GUARDRAIL_WORSE" : "ALL_WORSE",
    ]);
  }
  const held: DecisionReason[] = challengers.some((c) => c.guardrailWorse)
    ? ["GUARDRAIL_WORSE"]
    : [];
  if (reachedPlan) return result("stop", ["NO_DIFFERENCE", ...held]);
  return ended
    ? result("stop", ["ENDED_EARLY", "NOT_SIGNIFICANT_YET", ...held])
    : result("keep_running", ["NOT_SIGNIFICANT_YET", ...held]);
}

/**
 * The arm a decision defaults to: the winner the recommendation ships, otherwise the control
 * (keep what works). The decide form preselects it, so the default is never against the data.
 */
export function defaultWinner(
  recommendation: Pick<Recommendation, "action" | "winner">,
  control: string,
): string {
  return recommendation.action === "ship" && recommendation.winner
    ? recommendation.winner
    : control;
}
