/** Campaigns: a bank's marketing activity on one channel, with a chain of iterations. */
import type { Kysely, Transaction } from "kysely";
import type { Scope } from "../lib/scope.ts";
import type { Channel, Database } from "./schema.ts";
import { inBankScope } from "./scope.ts";

export interface Campaign {
  id: string;
  bankId: string;
  name: string;
  channel: Channel;
  segment: { stages?: string[]; tags?: string[] };
  description: string;
}

type Db = Kysely<Database> | Transaction<Database>;

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

function toCampaign(row: {
  id: string;
  bank_id: string;
  name: string;
  channel: Channel;
  segment: { stages?: string[]; tags?: string[] };
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
