/**
 * Closing the loop: promoting an iteration's winner (the iteration ends and the next one is
 * drafted with the winner as its control, its observed rate as the baseline and a recommended
 * sample size), and reweighting a bandit on demand. The request schema is
 * lib/experiments/schemas.ts `promoteSchema`, the winner lib/experiments/rules.ts `chooseWinner`,
 * the plan lib/experiments/planning.ts `planNext`, the writes db/promotions.ts and db/bandits.ts.
 */
import type { Context } from "hono";
import { randomSeed, reweightOnDemand, type StoredAllocation } from "../../db/bandits.ts";
import { type Experiment, getExperimentByKey, type VariantInput } from "../../db/experiments.ts";
import { promoteExperiment } from "../../db/promotions.ts";
import { badRequest, conflict, notFound } from "../../lib/errors.ts";
import { type NextPlan, planNext } from "../../lib/experiments/planning.ts";
import { chooseWinner } from "../../lib/experiments/rules.ts";
import type { PromoteRequest } from "../../lib/experiments/schemas.ts";
import { actorOf } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { resultsOf } from "./_results.ts";
import { requireManager } from "./_service.ts";

type Ctx = Context<AppEnv>;

export interface Promotion {
  decided: Experiment;
  next: Experiment;
  winner: string;
  plan: NextPlan;
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
