/** Campaigns: a bank's marketing activity on one channel, with a chain of iterations. */
import type { Channel, Targeting } from "../lib/experiments/settings.ts";
import type { Scope } from "../lib/scope.ts";
import type { Db } from "./schema.ts";
import { inBankScope } from "./scope.ts";

export interface Campaign {
  id: string;
  bankId: string;
  name: string;
  channel: Channel;
  segment: Targeting;
  description: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createCampaign(
  db: Db,
  input: Omit<Campaign, "id"> & { createdBy: string | null },
): Promise<Campaign> {
  const row = await db.insertInto("campaigns").values({
    bank_id: input.bankId,
    name: input.name,
    channel: input.channel,
    segment: input.segment,
    description: input.description,
    created_by: input.createdBy,
  }).returningAll().executeTakeFirstOrThrow();
  return toCampaign(row);
}

export async function listCampaigns(db: Db, scope: Scope): Promise<Campaign[]> {
  const rows = await db.selectFrom("campaigns").selectAll()
    .where((eb) => inBankScope(eb, "campaigns.bank_id", scope)).orderBy("created_at", "desc")
    .execute();
  return rows.map(toCampaign);
}

/** One campaign in scope, or null (also for a malformed id). */
export async function getCampaign(db: Db, scope: Scope, id: string): Promise<Campaign | null> {
  if (!UUID.test(id)) return null;
  const row = await db.selectFrom("campaigns").selectAll().where("id", "=", id)
    .where((eb) => inBankScope(eb, "campaigns.bank_id", scope)).executeTakeFirst();
  return row ? toCampaign(row) : null;
}

/** Changes a campaign's name, channel, segment and description; false when not in scope. */
export async function updateCampaign(
  db: Db,
  scope: Scope,
  id: string,
  patch: Pick<Campaign, "name" | "channel" | "segment" | "description">,
  now: Date,
): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const updated = await db.updateTable("campaigns").set({ ...patch, updated_at: now })
    .where("id", "=", id).where((eb) => inBankScope(eb, "campaigns.bank_id", scope))
    .returning("id").executeTakeFirst();
  return Boolean(updated);
}

function toCampaign(row: {
  id: string;
  bank_id: string;
  name: string;
  channel: Channel;
  segment: Targeting;
  description: string;
}): Campaign {
  return {
    id: row.id,
    bankId: row.bank_id,
    name: row.name,
    channel: row.channel,
    segment: row.segment,
    description: row.description,
  };
}
