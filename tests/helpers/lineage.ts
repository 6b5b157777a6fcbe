/** Helpers for the lineage and measured-indicator tests: campaigns and iterations made directly. */
import type { Kysely } from "kysely";
import { createCampaign } from "../../db/campaigns.ts";
import { createExperiment } from "../../db/experiments.ts";
import type { Database, ExperimentStatus } from "../../db/schema.ts";

/** The seeded campaign of CC2 with two decided iterations and a drafted third. */
export const SEEDED_LINEAGE_CAMPAIGN = "沉睡客户唤醒（App 推送）";

export async function seededLineageCampaignId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom("campaigns").select("id")
    .where("name", "=", SEEDED_LINEAGE_CAMPAIGN).executeTakeFirstOrThrow();
  return row.id;
}

export async function addCampaign(db: Kysely<Database>, bankId: string, name: string) {
  return (await createCampaign(db, {
    bankId,
    name,
    channel: "sms",
    segment: {},
    description: "",
    createdBy: null,
  })).id;
}

/**
 * An iteration with one day of totals per arm (`[name, users, converters]`, control first) in
 * the given status; `winner` is stored only for a decided one, `parent` links it by promotion.
 */
export async function addIteration(
  db: Kysely<Database>,
  input: {
    bankId: string;
    campaignId: string | null;
    key: string;
    iteration: number;
    status: ExperimentStatus;
    winner?: string;
    /** The key of the iteration it was promoted from (same bank). */
    parent?: string;
    arms: [string, number, number][];
  },
): Promise<string> {
  const parent = input.parent === undefined ? undefined : (await db.selectFrom("experiments")
    .select("id").where("bank_id", "=", input.bankId).where("key", "=", input.parent)
    .executeTakeFirstOrThrow()).id;
  const { id } = await createExperiment(db, {
    parentExperimentId: parent,
    bankId: input.bankId,
    campaignId: input.campaignId,
    key: input.key,
    name: input.key,
    status: input.status,
    iteration: input.iteration,
    variants: input.arms.map(([name]) => ({ name, weight: 1 })),
    createdBy: null,
  });
  if (input.status === "decided") {
    await db.updateTable("experiments").set({ winner_variant: input.winner ?? null })
      .where("id", "=", id).execute();
  }
  const rows = input.arms.filter(([, users]) => users > 0).map(([variant, users, converters]) => ({
    experiment_id: id,
    bank_id: input.bankId,
    variant,
    day: "2026-01-05",
    users,
    converters,
  }));
  if (rows.length > 0) await db.insertInto("daily_stats").values(rows).execute();
  return id;
}
