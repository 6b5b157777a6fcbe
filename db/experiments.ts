/** Experiments (one iteration of a campaign each) and their variants. */
import type { Kysely, Transaction } from "kysely";
import type { Scope } from "../lib/scope.ts";
import type { Database, ExperimentStatus } from "./schema.ts";
import { inBankScope } from "./scope.ts";

export interface VariantInput {
  name: string;
  description?: string;
  weight: number;
}

export interface ExperimentSummary {
  id: string;
  bankId: string;
  campaignId: string | null;
  key: string;
  name: string;
  mode: "ab" | "bandit";
  status: ExperimentStatus;
  iteration: number;
  startedAt: Date | null;
  variants: Array<{ name: string; description: string; weight: number }>;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Creates an experiment with its variants (the first variant is the control). */
export async function createExperiment(
  db: Db,
  input: {
    bankId: string;
    campaignId: string | null;
    key: string;
    name: string;
    mode?: "ab" | "bandit";
    status?: ExperimentStatus;
    iteration?: number;
    parentExperimentId?: string | null;
    variants: VariantInput[];
    startedAt?: Date | null;
    createdBy: string | null;
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
    primary_metric: { type: "conversion" },
    guardrails: [],
    targeting: {},
    planned_sample_size: null,
    baseline_rate: null,
    winner_variant: null,
    started_at: input.startedAt ?? null,
    created_by: input.createdBy,
  }).returning("id").executeTakeFirstOrThrow();
  await db.insertInto("variants").values(input.variants.map((v, position) => ({
    experiment_id: row.id,
    bank_id: input.bankId,
    position,
    name: v.name,
    description: v.description ?? "",
    weight: v.weight,
  }))).execute();
  return row;
}

export async function listExperiments(
  db: Db,
  scope: Scope,
  filter: { status?: ExperimentStatus } = {},
): Promise<ExperimentSummary[]> {
  let query = db.selectFrom("experiments").selectAll()
    .where((eb) => inBankScope(eb, "experiments.bank_id", scope));
  if (filter.status) query = query.where("status", "=", filter.status);
  const rows = await query.orderBy("created_at", "desc").execute();
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
    startedAt: r.started_at,
    variants: variants.filter((v) => v.experiment_id === r.id).map((v) => ({
      name: v.name,
      description: v.description,
      weight: v.weight,
    })),
  }));
}
