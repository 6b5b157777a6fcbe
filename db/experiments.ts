/**
 * Experiments (one iteration of a campaign each) and their variants.
 *
 * Reads are scoped (`inBankScope`): another bank's experiment looks like it does not exist.
 * Only drafts are editable and status moves one way, draft → running → stopped → decided; both
 * rules are enforced in the `where` of the update itself, so two concurrent requests cannot
 * both win. Every change bumps `config_version` (SDKs cache the configuration by it).
 * Transactions are opened by the caller (a draft edit replaces the variants too).
 */
import type { Selectable } from "kysely";
import { CURRENT_HASH_VERSION, type HashVersion } from "../lib/experiments/assignment.ts";
import type { ExperimentMetrics } from "../lib/metrics/definition.ts";
import type { ForcedUnit } from "../lib/governance/policy.ts";
import type { Scope } from "../lib/scope.ts";
import type { Db, ExperimentsTable, ExperimentStatus } from "./schema.ts";
import { inBankScope } from "./scope.ts";
import { jsonb } from "./json.ts";

import type {
  Experiment,
  ExperimentLayer,
  ExperimentSettings,
  Guardrail,
  Transition,
  VariantInput,
} from "../lib/experiments/experiment.ts";
import { TRANSITIONS } from "../lib/experiments/experiment.ts";

export type {
  Experiment,
  ExperimentLayer,
  ExperimentSettings,
  ExperimentSummary,
  Guardrail,
  PrimaryMetric,
  StoredTargeting as Targeting,
  Transition,
  VariantInput,
} from "../lib/experiments/experiment.ts";
export { TRANSITIONS };

type Row = Selectable<ExperimentsTable>;

/** Creates an experiment with its variants (the first variant is the control). */
export async function createExperiment(
  db: Db,
  input: Partial<Omit<ExperimentSettings, "variants" | "campaignId" | "name">> & {
    bankId: string;
    campaignId: string | null;
    key: string;
    name: string;
    status?: ExperimentStatus;
    iteration?: number;
    parentExperimentId?: string | null;
    variants: VariantInput[];
    startedAt?: Date | null;
    createdBy: string | null;
    /** Default: the current version (2). Only tests of older experiments pass 1. */
    hashVersion?: HashVersion;
  },
): Promise<{ id: string }> {
  const row = await db.insertInto("experiments").values({
    bank_id: input.bankId,
    campaign_id: input.campaignId,
    key: input.key,
    name: input.name,
    mode: input.mode ?? "ab",
    status: input.status ?? "draft",
    iteration: input.iteration ?? 1,
    parent_experiment_id: input.parentExperimentId ?? null,
    primary_metric: input.primaryMetric ?? { type: "conversion" },
    guardrails: input.guardrails ?? [],
    // Without `metrics`: the column's default (the conversions of the experiment).
    metrics: input.metrics,
    targeting: input.targeting ?? {},
    alpha: input.alpha,
    sequential: input.sequential,
    sequential_tuning: input.sequentialTuning,
    planned_sample_size: input.plannedSampleSize ?? null,
    baseline_rate: input.baselineRate ?? null,
    min_share: input.minShare,
    reweight_minutes: input.reweightMinutes,
    winner_variant: null,
    hash_version: input.hashVersion ?? CURRENT_HASH_VERSION,
    started_at: input.startedAt ?? null,
    created_by: input.createdBy,
    ...layerColumns(input.layer ?? null),
    forced: jsonb(input.forced ?? []),
  }).returning("id").executeTakeFirstOrThrow();
  await insertVariants(db, row.id, input.bankId, input.variants);
  return row;
}

function layerColumns(layer: ExperimentLayer | null) {
  return {
    layer_key: layer?.key ?? null,
    layer_lo: layer?.range[0] ?? null,
    layer_hi: layer?.range[1] ?? null,
  };
}

async function insertVariants(db: Db, experimentId: string, bankId: string, list: VariantInput[]) {
  await db.insertInto("variants").values(list.map((v, position) => ({
    experiment_id: experimentId,
    bank_id: bankId,
    position,
    name: v.name,
    description: v.description ?? "",
    weight: v.weight,
  }))).execute();
}

/** The next iteration number of a campaign (1 for a campaign without experiments). */
export async function nextIteration(db: Db, campaignId: string): Promise<number> {
  const row = await db.selectFrom("experiments").select((eb) => eb.fn.max("iteration").as("max"))
    .where("campaign_id", "=", campaignId).executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

export async function listExperiments(
  db: Db,
  scope: Scope,
  filter: { status?: ExperimentStatus; campaignId?: string } = {},
): Promise<Experiment[]> {
  let query = db.selectFrom("experiments").selectAll()
    .where((eb) => inBankScope(eb, "experiments.bank_id", scope));
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.campaignId) query = query.where("campaign_id", "=", filter.campaignId);
  const rows = await query.orderBy("created_at", "desc").orderBy("key").execute();
  return withVariants(db, rows);
}

/**
 * The experiment with this key among the banks in scope (keys are unique per bank; pass
 * `bankId` to pick one when the scope spans banks). Several matches → the first by bank id.
 */
export async function getExperimentByKey(
  db: Db,
  scope: Scope,
  key: string,
  bankId?: string,
): Promise<Experiment | null> {
  let query = db.selectFrom("experiments").selectAll().where("key", "=", key)
    .where((eb) => inBankScope(eb, "experiments.bank_id", scope));
  if (bankId) query = query.where("bank_id", "=", bankId);
  const rows = await query.orderBy("bank_id").limit(1).execute();
  return (await withVariants(db, rows))[0] ?? null;
}

/** The banks in scope with an experiment of this key, by bank id (a key is unique per bank). */
export async function banksWithKey(db: Db, scope: Scope, key: string): Promise<string[]> {
  const rows = await db.selectFrom("experiments").select("bank_id").where("key", "=", key)
    .where((eb) => inBankScope(eb, "experiments.bank_id", scope)).orderBy("bank_id").execute();
  return rows.map((r) => r.bank_id);
}

async function withVariants(db: Db, rows: Row[]): Promise<Experiment[]> {
  if (rows.length === 0) return [];
  const variants = await db.selectFrom("variants").selectAll()
    .where("experiment_id", "in", rows.map((r) => r.id)).orderBy("position").execute();
  return rows.map((r) => ({
    id: r.id,
    bankId: r.bank_id,
    campaignId: r.campaign_id,
    key: r.key,
    name: r.name,
    mode: r.mode,
    status: r.status,
    iteration: r.iteration,
    parentExperimentId: r.parent_experiment_id,
    primaryMetric: r.primary_metric,
    guardrails: (r.guardrails ?? []) as Guardrail[],
    metrics: {
      primary: r.metrics?.primary ?? "conversion",
      secondary: r.metrics?.secondary ?? [],
      guardrails: r.metrics?.guardrails ?? [],
    },
    targeting: r.targeting ?? {},
    alpha: r.alpha,
    sequential: r.sequential,
    sequentialTuning: r.sequential_tuning,
    plannedSampleSize: r.planned_sample_size,
    baselineRate: r.baseline_rate,
    minShare: r.min_share,
    reweightMinutes: r.reweight_minutes,
    layer: r.layer_key === null
      ? null
      : { key: r.layer_key, range: [Number(r.layer_lo), Number(r.layer_hi)] },
    forced: r.forced ?? [],
    winnerVariant: r.winner_variant,
    configVersion: r.config_version,
    hashVersion: r.hash_version,
    startedAt: r.started_at,
    stoppedAt: r.stopped_at,
    decidedAt: r.decided_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    variants: variants.filter((v) => v.experiment_id === r.id).map((v) => ({
      name: v.name,
      description: v.description,
      weight: v.weight,
    })),
  }));
}

/**
 * Replaces a draft's settings and variants. Returns false when the experiment is no longer a
 * draft (nothing changed). Run inside a transaction.
 */
export async function updateDraft(
  db: Db,
  experiment: { id: string; bankId: string },
  settings: ExperimentSettings,
  now: Date,
): Promise<boolean> {
  const updated = await db.updateTable("experiments").set((eb) => ({
    name: settings.name,
    campaign_id: settings.campaignId,
    mode: settings.mode,
    primary_metric: settings.primaryMetric,
    guardrails: settings.guardrails,
    metrics: settings.metrics,
    targeting: settings.targeting,
    alpha: settings.alpha,
    sequential: settings.sequential,
    sequential_tuning: settings.sequentialTuning,
    planned_sample_size: settings.plannedSampleSize,
    baseline_rate: settings.baselineRate,
    min_share: settings.minShare,
    reweight_minutes: settings.reweightMinutes,
    ...layerColumns(settings.layer),
    forced: jsonb(settings.forced),
    config_version: eb("config_version", "+", 1),
    updated_at: now,
  })).where("id", "=", experiment.id).where("status", "=", "draft")
    .returning("id").executeTakeFirst();
  if (!updated) return false;
  await db.deleteFrom("variants").where("experiment_id", "=", experiment.id).execute();
  await insertVariants(db, experiment.id, experiment.bankId, settings.variants);
  return true;
}

/**
 * Replaces the metrics an experiment reads, whatever its status (the caller keeps the primary of
 * a started experiment). Assignment does not read them: no configuration version bump.
 */
export async function updateExperimentMetrics(
  db: Db,
  experimentId: string,
  metrics: ExperimentMetrics,
  now: Date,
): Promise<void> {
  await db.updateTable("experiments").set({ metrics, updated_at: now })
    .where("id", "=", experimentId).execute();
}

/**
 * Replaces the QA units of a draft or running experiment (testers join during a test). Bumps
 * the configuration version: SDKs and every instance must see the new units. Returns false when
 * the experiment is neither (nothing changed).
 */
export async function updateForced(
  db: Db,
  experimentId: string,
  forced: readonly ForcedUnit[],
  now: Date,
): Promise<boolean> {
  const updated = await db.updateTable("experiments").set((eb) => ({
    forced: jsonb(forced),
    config_version: eb("config_version", "+", 1),
    updated_at: now,
  })).where("id", "=", experimentId).where("status", "in", ["draft", "running"])
    .returning("id").executeTakeFirst();
  return Boolean(updated);
}

/**
 * Moves an experiment along draft → running → stopped → decided (stamping the time, and the
 * winner for `decide`). Returns false when it is not in the status the move starts from.
 */
export async function transitionExperiment(
  db: Db,
  experimentId: string,
  move: Transition,
  options: { now: Date; winner?: string },
): Promise<boolean> {
  const { from, to } = TRANSITIONS[move];
  const stamp = move === "start"
    ? { started_at: options.now }
    : move === "stop"
    ? { stopped_at: options.now }
    : { decided_at: options.now, winner_variant: options.winner ?? null };
  const updated = await db.updateTable("experiments").set((eb) => ({
    ...stamp,
    status: to,
    config_version: eb("config_version", "+", 1),
    updated_at: options.now,
  })).where("id", "=", experimentId).where("status", "=", from)
    .returning("id").executeTakeFirst();
  return Boolean(updated);
}

/** The key of the iteration an experiment was promoted to, or null. */
export async function promotedTo(db: Db, experimentId: string): Promise<string | null> {
  const row = await db.selectFrom("experiments").select("key")
    .where("parent_experiment_id", "=", experimentId).executeTakeFirst();
  return row?.key ?? null;
}
