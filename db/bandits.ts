/**
 * Bandit reweightings: computing and storing them (scheduled and on demand), reading them back,
 * and the exposed customers of each allocation period for the sample-ratio check.
 *
 * A reweighting runs in one transaction under an advisory lock per experiment, so two app
 * instances (or a scheduled and an on-demand run) never store two for the same moment: the
 * second one waits, then finds the first one's row and, when scheduled, that it is no longer
 * due. Storing one bumps the experiment's `config_version`, which is how assignment caches learn
 * that the weights changed. The stored row holds everything needed to replay it: the arms'
 * totals, the options and the seed (which salts the hash of new assignments in that period).
 */
import { type Kysely, sql, type Transaction } from "kysely";
import {
  BANDIT_DEFAULTS,
  type BanditArm,
  periodCounts,
  type PeriodTotals,
  reweight,
  type ReweightOptions,
} from "../lib/experiments/bandit.ts";
import { type Actor, appendAudit } from "./audit.ts";
import type { Database, Db } from "./schema.ts";
import { jsonb } from "./json.ts";
import { variantStats } from "./results.ts";

/**
 * What a reweighting was computed from: enough to replay it with `reweight(inputs.arms, inputs)`.
 * Version 2 (from issue 13 on) adds the arms' counts per allocation period, on which
 * probabilityBest is weighted by period; rows without `version` (version 1) were computed on the
 * arms' totals and replay that way, because `reweight` uses the totals when `periods` is absent.
 */
export interface AllocationInputs extends Required<Omit<ReweightOptions, "periods">> {
  version?: 2;
  arms: BanditArm[];
  periods?: { allocationId: string | null; users: number[]; conversions: number[] }[];
}

export interface StoredAllocation {
  id: string;
  computedAt: Date;
  seed: string;
  inputs: AllocationInputs;
  probabilityBest: number[];
  weights: number[];
  cut: boolean[];
  reason: "scheduled" | "on_demand";
}

export type ReweightOutcome =
  | { status: "stored"; allocation: StoredAllocation }
  | { status: "burn_in"; arms: BanditArm[]; burnIn: number }
  | { status: "not_due" }
  | { status: "not_running" };

/** Namespace of the advisory locks taken here (first key of `pg_advisory_xact_lock(int, int)`). */
const LOCK_NAMESPACE = 0x4241;

/** A fresh 32-bit seed from the platform's cryptographic generator. */
export function randomSeed(): string {
  return String(crypto.getRandomValues(new Uint32Array(1))[0]);
}

/**
 * Computes and stores one reweighting of a running bandit experiment. `scheduled` runs store
 * nothing when the last allocation is younger than the experiment's interval; every run stores
 * nothing before the burn-in (the configured weights stay in force).
 */
export async function reweightExperiment(
  db: Kysely<Database>,
  experimentId: string,
  options: { now: Date; seed: string; reason: "scheduled" | "on_demand" },
): Promise<ReweightOutcome> {
  return await db.transaction().execute((trx) => reweightIn(trx, experimentId, options));
}

/**
 * A reweighting someone asked for, audited (`experiment.reweight`) in the same transaction when
 * it stored an allocation.
 */
export async function reweightOnDemand(
  db: Kysely<Database>,
  actor: Actor,
  input: { experiment: { id: string; key: string; bankId: string }; now: Date; seed: string },
): Promise<ReweightOutcome> {
  const { experiment: e, now, seed } = input;
  return await db.transaction().execute(async (trx) => {
    const outcome = await reweightIn(trx, e.id, { now, seed, reason: "on_demand" });
    if (outcome.status === "stored") {
      await appendAudit(trx, {
        ...actor,
        action: "experiment.reweight",
        bankId: e.bankId,
        target: e.key,
        details: { allocation: outcome.allocation.id, weights: outcome.allocation.weights },
      });
    }
    return outcome;
  });
}

/** `reweightExperiment` inside the caller's transaction (the demo seed builds a history). */
export async function reweightIn(
  trx: Transaction<Database>,
  experimentId: string,
  options: { now: Date; seed: string; reason: "scheduled" | "on_demand" },
): Promise<ReweightOutcome> {
  await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${experimentId}))`
    .execute(trx);
  const experiment = await trx.selectFrom("experiments")
    .select(["bank_id", "mode", "status", "min_share", "reweight_minutes"])
    .where("id", "=", experimentId).executeTakeFirst();
  if (!experiment || experiment.mode !== "bandit" || experiment.status !== "running") {
    return { status: "not_running" } as const;
  }
  if (options.reason === "scheduled") {
    const last = await trx.selectFrom("allocations").select("computed_at")
      .where("experiment_id", "=", experimentId)
      .orderBy("computed_at", "desc").limit(1).executeTakeFirst();
    const dueAt = last && last.computed_at.getTime() + experiment.reweight_minutes * 60_000;
    if (dueAt && dueAt > options.now.getTime()) return { status: "not_due" } as const;
  }
  const arms = (await variantStats(trx, experimentId)).map((v) => ({
    name: v.variant,
    users: v.users,
    conversions: v.conversions,
  }));
  const earlier = await listAllocations(trx, experimentId);
  const periods = periodCounts(
    arms,
    earlier.map((a) => a.id),
    await exposedByPeriod(trx, experimentId),
  )
    .map((p) => ({
      allocationId: p.allocationId,
      users: [...p.users],
      conversions: [...p.conversions],
    }));
  const inputs: AllocationInputs = {
    version: 2,
    arms,
    periods,
    minShare: experiment.min_share,
    burnIn: BANDIT_DEFAULTS.burnIn,
    cutBelow: BANDIT_DEFAULTS.cutBelow,
  };
  const result = reweight(arms, inputs);
  if (!result.ready) return { status: "burn_in", arms, burnIn: inputs.burnIn } as const;
  const row = await trx.insertInto("allocations").values({
    experiment_id: experimentId,
    bank_id: experiment.bank_id,
    computed_at: options.now,
    seed: options.seed,
    inputs: jsonb(inputs),
    probability_best: jsonb(result.probabilityBest),
    weights: jsonb(result.weights),
    cut: jsonb(result.cut),
    reason: options.reason,
  }).returningAll().executeTakeFirstOrThrow();
  await trx.updateTable("experiments")
    .set((eb) => ({ config_version: eb("config_version", "+", 1) }))
    .where("id", "=", experimentId).execute();
  return { status: "stored", allocation: toAllocation(row) } as const;
}

/** Every stored reweighting of an experiment, oldest first. */
export async function listAllocations(db: Db, experimentId: string): Promise<StoredAllocation[]> {
  const rows = await db.selectFrom("allocations").selectAll()
    .where("experiment_id", "=", experimentId)
    .orderBy("computed_at").orderBy("id").execute();
  return rows.map(toAllocation);
}

function toAllocation(row: {
  id: string;
  computed_at: Date;
  seed: string;
  inputs: AllocationInputs;
  probability_best: number[];
  weights: number[];
  cut: boolean[];
  reason: string;
}): StoredAllocation {
  return {
    id: String(row.id),
    computedAt: row.computed_at,
    seed: row.seed,
    inputs: row.inputs,
    probabilityBest: row.probability_best,
    weights: row.weights,
    cut: row.cut,
    reason: row.reason === "on_demand" ? "on_demand" : "scheduled",
  };
}

/**
 * Exposed customers per allocation period and arm, and how many of them converted (a conversion
 * at or after their first exposure, as `daily_stats` counts them): customers count in the period
 * whose weights gave them their arm (`assignments.allocation_id`; null = before the first
 * reweighting). Keys: allocation id or "" → arm name → counts. Feeds the sample-ratio check per
 * period and the period-weighted rates (lib/stats/stratified.ts).
 */
export async function exposedByPeriod(
  db: Db,
  experimentId: string,
): Promise<PeriodTotals> {
  const rows = await db.selectFrom("unit_outcomes as u")
    .innerJoin(
      "assignments as a",
      (join) =>
        join.onRef("a.experiment_id", "=", "u.experiment_id").onRef("a.unit", "=", "u.unit"),
    )
    .where("u.experiment_id", "=", experimentId)
    .groupBy(["a.allocation_id", "a.variant"])
    .select([
      "a.allocation_id",
      "a.variant",
      sql<string>`count(*)`.as("users"),
      sql<string>`count(u.converted_at)`.as("conversions"),
    ])
    .execute();
  const periods = new Map<string, Map<string, { users: number; conversions: number }>>();
  for (const r of rows) {
    const key = r.allocation_id === null ? "" : String(r.allocation_id);
    if (!periods.has(key)) periods.set(key, new Map());
    periods.get(key)!.set(r.variant, {
      users: Number(r.users),
      conversions: Number(r.conversions),
    });
  }
  return periods;
}

/** Running bandit experiments (ids), the candidates of a scheduled round. */
export async function runningBandits(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("experiments").select("id")
    .where("mode", "=", "bandit").where("status", "=", "running").execute();
  return rows.map((r) => r.id);
}

/**
 * Starts the reweighting schedule: every `everyMs` each running bandit is reweighted when its
 * interval has passed. Errors are logged and the schedule goes on. Returns a stop function that
 * waits for a round in progress.
 */
export function startBanditScheduler(
  db: Kysely<Database>,
  options: { everyMs?: number; now?: () => Date; seed?: () => string } = {},
): () => Promise<void> {
  const { everyMs = 60_000, now = () => new Date(), seed = randomSeed } = options;
  let round: Promise<void> = Promise.resolve();
  const tick = () => {
    round = round.then(async () => {
      try {
        for (const id of await runningBandits(db)) {
          await reweightExperiment(db, id, { now: now(), seed: seed(), reason: "scheduled" });
        }
      } catch (error) {
        console.error("bandit reweighting failed:", error);
      }
    });
  };
  const timer = setInterval(tick, everyMs);
  return async () => {
    clearInterval(timer);
    await round;
  };
}
