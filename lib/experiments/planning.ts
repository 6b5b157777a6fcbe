/**
 * Sample-size planning of a conversion test, the one function every caller uses: the planner
 * page (components/tools/planner.ts), `/api/stats/sample-size`, an experiment's `plan` and the
 * next iteration's plan. lib/stats/power.ts `planProportions` does the arithmetic and gives a
 * reason code (`PlanReason`) when there is no sample size; here that reason becomes a message.
 */
import { badRequest } from "../errors.ts";
import { type MessageKey, translator } from "../i18n/mod.ts";
import {
  MAX_PLANNED_USERS,
  planProportions,
  type PlanReason,
  type ProportionsPlan,
} from "../stats/power.ts";

/** The message of a plan without a sample size (`planProportions`' reason), for every caller. */
export function planError(
  plan: { reason: PlanReason; variantRate: number | null },
): { error: MessageKey; params?: Record<string, string | number> } {
  switch (plan.reason) {
    case "BASELINE_OUT_OF_RANGE":
      return { error: "tools.err.baseline" };
    case "EFFECT_INVALID":
      return { error: "tools.err.mde" };
    case "TOO_MANY_USERS":
      return {
        error: "tools.err.tooSmall",
        params: { max: MAX_PLANNED_USERS.toLocaleString("en") },
      };
    default: {
      const v = plan.variantRate;
      const rate = v !== null && Number.isFinite(v) ? `${+(v * 100).toPrecision(6)}%` : "—";
      return { error: "tools.err.target", params: { rate } };
    }
  }
}

/**
 * The calculator's sample size for a baseline and a minimum detectable effect (`planProportions`,
 * the same validation as `/api/stats/sample-size`); 400 `BAD_PLAN` with the reason (in English,
 * translated where it is shown) when there is none.
 */
export function planSampleSize(
  plan: {
    baselineRate: number;
    minimumDetectableEffect: number;
    effectType?: "absolute" | "relative";
    power?: number;
  },
  options: { alpha: number; variants?: number; smallestShare?: number },
): Extract<ProportionsPlan, { ok: true }> {
  const size = planProportions(plan, { ...options, power: plan.power });
  if (!size.ok) {
    const { error: key, params } = planError(size);
    const error = badRequest("BAD_PLAN", translator("en")(key, params));
    error.translation = { key, params };
    throw error;
  }
  return size;
}
