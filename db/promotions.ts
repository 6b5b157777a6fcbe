/**
 * Promotion, the command behind "promote the winner": the iteration ends (stopped, then decided
 * for the winner) and the next one is drafted from it, with the audit entry, in one transaction.
 * The next key's uniqueness is left to the `(bank_id, key)` constraint: a key taken meanwhile
 * (or asked for and already used) is a 409 `KEY_TAKEN`.
 */
import { conflict } from "../lib/errors.ts";
import { promotionKeys } from "../lib/experiments/lineage.ts";
import { type Actor, appendAudit } from "./audit.ts";
import { violatedUnique } from "./errors.ts";
import {
  createExperiment,
  type Experiment,
  nextIteration,
  transitionExperiment,
  type VariantInput,
} from "./experiments.ts";
import { chainDepth, takenKeys } from "./lineage.ts";
import type { Db } from "./schema.ts";

/** The constraint that keeps an experiment's key unique in its bank (migration 0001). */
const KEY_CONSTRAINT = "experiments_bank_id_key_key";

export interface PromotionInput {
  experiment: Experiment;
  winner: string;
  /** The next iteration's key; absent: the first free one of `promotionKeys`. */
  key?: string;
  /** A confirming A/B of a bandit's winner. */
  confirm: boolean;
  variants: VariantInput[];
  /** The next iteration's plan (stored as its planned size and baseline; audited whole). */
  plan: { total: number | null; baselineRate: number | null };
  now: Date;
}

/**
 * Promotes `input.experiment` and returns the next iteration's key. 409 `ALREADY_PROMOTED`,
 * `INVALID_TRANSITION` (changed meanwhile), `KEY_TAKEN`.
 */
export async function promoteExperiment(
  db: Db,
  actor: Actor,
  input: PromotionInput,
): Promise<string> {
  const e = input.experiment;
  let key = input.key;
  try {
    return await inTransaction(db, async (trx) => {
      const promoted = await trx.selectFrom("experiments").select("key")
        .where("parent_experiment_id", "=", e.id).executeTakeFirst();
      if (promoted) {
        throw conflict(
          "ALREADY_PROMOTED",
          `"${e.key}" was promoted to "${promoted.key}" already`,
          { key: "error.api.promoted", params: { key: e.key, promoted: promoted.key } },
        );
      }
      const now = input.now;
      if (e.status === "running") await transitionExperiment(trx, e.id, "stop", { now });
      if (e.status !== "decided") {
        if (!await transitionExperiment(trx, e.id, "decide", { now, winner: input.winner })) {
          throw conflict(
            "INVALID_TRANSITION",
            `"${e.key}" changed meanwhile: reload and retry`,
            { key: "error.api.changedMeanwhile", params: { key: e.key } },
          );
        }
      }
      const iteration = e.campaignId ? await nextIteration(trx, e.campaignId) : e.iteration + 1;
      const candidates = promotionKeys(e.key, await chainDepth(trx, e.id));
      key ??= await firstFreeKey(trx, e.bankId, candidates.map((k) => k.key));
      const version = candidates.find((k) => !input.key && k.key === key)?.version ??
        candidates[0].version;
      await createExperiment(trx, {
        bankId: e.bankId,
        campaignId: e.campaignId,
        key,
        name: `${e.name.replace(/ · v\d+$/, "")} · v${version}`.slice(0, 200),
        iteration,
        parentExperimentId: e.id,
        mode: input.confirm ? "ab" : e.mode,
        primaryMetric: e.primaryMetric,
        guardrails: e.guardrails,
        // The next iteration measures what this one did (the metric library's keys).
        metrics: e.metrics,
        targeting: e.targeting,
        alpha: e.alpha,
        sequential: e.sequential,
        sequentialTuning: e.sequentialTuning,
        minShare: e.minShare,
        reweightMinutes: e.reweightMinutes,
        plannedSampleSize: input.plan.total,
        baselineRate: input.plan.baselineRate,
        variants: input.variants,
        createdBy: actor.actorUserId,
      });
      await appendAudit(trx, {
        ...actor,
        action: "experiment.promote",
        bankId: e.bankId,
        target: e.key,
        details: { winner: input.winner, next: key, confirm: input.confirm, plan: input.plan },
      });
      return key;
    });
  } catch (error) {
    if (violatedUnique(error) === KEY_CONSTRAINT) {
      throw conflict("KEY_TAKEN", `The key "${key}" is taken: give another "key"`, {
        key: "error.api.keyTaken",
        params: { key: key ?? "" },
      });
    }
    throw error;
  }
}

/** The first of `candidates` the bank does not use yet (409 `KEY_TAKEN` when none is free). */
async function firstFreeKey(db: Db, bankId: string, candidates: string[]): Promise<string> {
  const taken = await takenKeys(db, bankId, candidates);
  const free = candidates.find((k) => !taken.has(k));
  if (!free) {
    throw conflict("KEY_TAKEN", `The keys "${candidates[0]}" and after are taken: give a "key"`, {
      key: "error.api.keysTaken",
      params: { key: candidates[0] },
    });
  }
  return free;
}

async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return await work(db);
  return await db.transaction().execute(work);
}
