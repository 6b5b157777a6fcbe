/**
 * Sample-size planning of a conversion test, the one function every caller uses: the planner
 * page (components/tools/planner.ts), `/api/stats/sample-size`, an experiment's `plan` and the
 * next iteration's plan. lib/stats/power.ts `planProportions` does the arithmetic and gives a
 * reason code (`PlanReason`) when there is no sample size; here that reason becomes a message.
 */
import { badRequest } from "../errors.ts";
import { type MessageKey, translator } from "../i18n/mod.ts";
import type { PromoteRequest } from "./schemas.ts";
import {
  feasibleRelativeEffect,
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

/** The effect the next iteration is planned to detect, unless the request says otherwise. */
export const DEFAULT_NEXT_PLAN = {
  minimumDetectableEffect: 0.1,
  effectType: "relative",
  power: 0.8,
} as const;

/** The plan of the next iteration: the calculator's inputs and what it recommends. */
export interface NextPlan {
  baselineRate: number | null;
  minimumDetectableEffect: number;
  effectType: "absolute" | "relative";
  /**
   * Where the effect came from: the request's `plan` ("request"), the default 10 % relative lift
   * ("default"), or half the distance from the winner's rate to 100 % ("capped": the default
   * would have planned a rate above 100 %).
   */
  effectSource: "request" | "default" | "capped";
  power: number;
  alpha: number;
  perVariant: number | null;
  total: number | null;
}

/**
 * Next-iteration plan from the winner's observed rate (lib/stats/power.ts, two arms). A plan in
 * the request is validated as the calculator does (400 `BAD_PLAN`). The default plan is always
 * feasible: a 10 % relative lift, capped at half the distance to 100 % for a winner whose rate
 * is that high (`feasibleRelativeEffect`); should even that have no sample size (a rate so
 * close to 0 or 1 that it needs more users than any bank has), the draft has no planned size.
 */
export function planNext(
  baselineRate: number | null,
  alpha: number,
  plan: PromoteRequest["plan"],
): NextPlan {
  const power = plan?.power ?? DEFAULT_NEXT_PLAN.power;
  const usable = baselineRate !== null && baselineRate > 0 && baselineRate < 1;
  if (plan) {
    const effectType = plan.effectType ?? DEFAULT_NEXT_PLAN.effectType;
    const { minimumDetectableEffect } = plan;
    const base = {
      baselineRate,
      minimumDetectableEffect,
      effectType,
      effectSource: "request" as const,
      power,
      alpha,
    };
    if (!usable) return { ...base, perVariant: null, total: null };
    const size = planSampleSize(
      { baselineRate, minimumDetectableEffect, effectType, power },
      { alpha },
    );
    return { ...base, perVariant: size.perVariant, total: size.total };
  }
  const effectType = DEFAULT_NEXT_PLAN.effectType;
  if (!usable) {
    const minimumDetectableEffect = DEFAULT_NEXT_PLAN.minimumDetectableEffect;
    const base = { baselineRate, minimumDetectableEffect, effectType, power, alpha };
    return { ...base, effectSource: "default", perVariant: null, total: null };
  }
  const { effect, capped } = feasibleRelativeEffect(
    baselineRate,
    DEFAULT_NEXT_PLAN.minimumDetectableEffect,
  );
  const size = planProportions(
    { baselineRate, minimumDetectableEffect: effect, effectType },
    { alpha, power },
  );
  return {
    baselineRate,
    minimumDetectableEffect: effect,
    effectType,
    effectSource: capped ? "capped" : "default",
    power,
    alpha,
    perVariant: size.ok ? size.perVariant : null,
    total: size.ok ? size.total : null,
  };
}
