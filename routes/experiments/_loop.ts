/**
 * Closing the loop: promoting an iteration's winner (the iteration ends and the next one is
 * drafted with the winner as its control, its observed rate as the baseline and a recommended
 * sample size), and reweighting a bandit on demand.
 */
import type { Context } from "hono";
import { z } from "zod";
import { randomSeed, reweightOnDemand, type StoredAllocation } from "../../db/bandits.ts";
import { type Experiment, getExperimentByKey, type VariantInput } from "../../db/experiments.ts";
import { promoteExperiment } from "../../db/promotions.ts";
import { badRequest, conflict, notFound } from "../../lib/errors.ts";
import { feasibleRelativeEffect, planProportions } from "../../lib/stats/power.ts";
import { storableText } from "../../lib/text_schema.ts";
import type { Readout } from "../../lib/experiments/readout.ts";
import { actorOf } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { resultsOf } from "./_results.ts";
import { planSampleSize } from "../../lib/experiments/planning.ts";
import { requireManager } from "./_service.ts";
import { EXPERIMENT_KEY_PATTERN } from "../../lib/patterns.ts";

type Ctx = Context<AppEnv>;

/** The effect the next iteration is planned to detect, unless the request says otherwise. */
export const DEFAULT_NEXT_PLAN = {
  minimumDetectableEffect: 0.1,
  effectType: "relative",
  power: 0.8,
} as const;

export const promoteSchema = z.strictObject({
  /** Defaults to the winner the statistics name (or the recorded one, once decided). */
  winner: storableText().min(1).max(64).optional(),
  /** The next iteration's key; defaults to the next free version (`x-v1` → `x-v2`, `x` → `x-v2`). */
  key: z.string().regex(EXPERIMENT_KEY_PATTERN, "Use 1–64 lowercase letters, digits or -")
    .optional(),
  /** After a bandit: draft a confirming A/B of the winner against the former control. */
  confirm: z.boolean().optional(),
  plan: z.strictObject({
    minimumDetectableEffect: z.number().positive().max(100),
    effectType: z.enum(["absolute", "relative"]).optional(),
    power: z.number().gt(0).lt(1).optional(),
  }).optional(),
});
export type PromoteRequest = z.output<typeof promoteSchema>;

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

export interface Promotion {
  decided: Experiment;
  next: Experiment;
  winner: string;
  plan: NextPlan;
}

/** The winner the read-out supports: its recommendation's, or the control (keep what works). */
function chooseWinner(e: Experiment, readout: Readout, asked: string | undefined): string {
  const control = e.variants[0].name;
  if (e.status === "decided") {
    if (asked && asked !== e.winnerVariant) {
      throw conflict("ALREADY_DECIDED", `"${e.key}" was decided for "${e.winnerVariant}"`);
    }
    return e.winnerVariant ?? control;
  }
  const recommended = readout.recommendation.action === "ship"
    ? readout.recommendation.winner
    : null;
  const winner = asked ?? recommended;
  if (!winner) {
    throw conflict(
      "NOT_DECIDED",
      `The results of "${e.key}" do not name a winner yet: keep it running, or promote the control "${control}" to keep it`,
    );
  }
  if (!e.variants.some((v) => v.name === winner)) {
    throw badRequest("UNKNOWN_VARIANT", `No variant "${winner}" in "${e.key}"`);
  }
  if (winner !== control && winner !== recommended) {
    throw conflict(
      "WINNER_NOT_SUPPORTED",
      `The results do not support "${winner}": only ${
        recommended ? `"${recommended}" or ` : ""
      }the control "${control}" can be promoted`,
    );
  }
  return winner;
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

/**
 * Ends the iteration (stop, then decide for the winner) and drafts the next one, in one
 * transaction with its audit entry. 409 when it was promoted before, is a draft, or the
 * results name no winner.
 */
export async function promote(c: Ctx, e: Experiment, body: PromoteRequest): Promise<Promotion> {
  requireManager(c);
  if (e.status === "draft") {
    throw conflict("INVALID_TRANSITION", `"${e.key}" has not started: there is nothing to promote`);
  }
  const { readout } = await resultsOf(c, e);
  const winner = chooseWinner(e, readout, body.winner);
  const control = e.variants[0];
  const winnerArm = readout.variants.find((v) => v.name === winner)!;
  if (body.confirm && winner === control.name) {
    throw badRequest("NOTHING_TO_CONFIRM", "The control won: there is nothing to confirm");
  }
  const plan = planNext(winnerArm.users > 0 ? winnerArm.rate : null, e.alpha, body.plan);
  const winnerDescription = e.variants.find((v) => v.name === winner)!.description;
  const variants: VariantInput[] = body.confirm
    ? [
      { name: winner, description: winnerDescription, weight: 0.5 },
      { name: control.name, description: control.description, weight: 0.5 },
    ]
    : [
      { name: winner, description: winnerDescription, weight: 0.5 },
      { name: winner === "challenger" ? "challenger-2" : "challenger", weight: 0.5 },
    ];
  const nextExperiment = await promoteExperiment(c.var.db, actorOf(c), {
    experiment: e,
    winner,
    key: body.key,
    confirm: body.confirm ?? false,
    variants,
    plan,
    now: c.var.now(),
  });
  const [decided, next] = await Promise.all([
    getExperimentByKey(c.var.db, c.var.scope, e.key, e.bankId),
    getExperimentByKey(c.var.db, c.var.scope, nextExperiment, e.bankId),
  ]);
  if (!decided || !next) throw notFound(`No experiment "${e.key}"`);
  return { decided, next, winner, plan };
}

/**
 * Reweights a running bandit now (audited). 409 `NOT_BANDIT` / `NOT_RUNNING`, and
 * `BURN_IN_NOT_REACHED` (with the arms' counts) while an arm is short of its burn-in.
 */
export async function reweightNow(c: Ctx, e: Experiment): Promise<StoredAllocation> {
  requireManager(c);
  if (e.mode !== "bandit") throw conflict("NOT_BANDIT", `"${e.key}" is an A/B test`);
  if (e.status !== "running") throw conflict("NOT_RUNNING", `"${e.key}" is ${e.status}`);
  const outcome = await reweightOnDemand(c.var.db, actorOf(c), {
    experiment: e,
    now: c.var.now(),
    seed: randomSeed(),
  });
  if (outcome.status === "burn_in") {
    const short = outcome.arms.filter((a) => a.users < outcome.burnIn)
      .map((a) => `${a.name} ${a.users}`).join(", ");
    const error = conflict(
      "BURN_IN_NOT_REACHED",
      `Every arm needs ${outcome.burnIn} exposed customers before reweighting (${short})`,
    );
    error.translation = {
      key: "bandit.burnInShort",
      params: { burnIn: outcome.burnIn, short },
    };
    throw error;
  }
  if (outcome.status !== "stored") throw conflict("NOT_RUNNING", `"${e.key}" is not running`);
  return outcome.allocation;
}
