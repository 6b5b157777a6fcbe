/** Banks: the tenants. Bank names and peer groups are public; figures are not (see peers). */
import type { Kysely } from "kysely";
import type { Scope } from "../lib/scope.ts";
import type { Database } from "./schema.ts";
import { inBankScope } from "./scope.ts";

export interface Bank {
  id: string;
  nameZh: string;
  nameEn: string;
  peerGroup: string;
  synthetic: boolean;
}

export async function insertBanks(db: Kysely<Database>, banks: Bank[]): Promise<void> {
  if (banks.length === 0) return;
  await db.insertInto("banks").values(banks.map((b) => ({
    id: b.id,
    name_zh: b.nameZh,
    name_en: b.nameEn,
    peer_group: b.peerGroup,
    synthetic: b.synthetic,
  }))).onConflict((oc) => oc.column("id").doNothing()).execute();
}

/** Every bank: names and peer groups only, which are public. */
export async function listBanks(db: Kysely<Database>): Promise<Bank[]> {
  const rows = await db.selectFrom("banks").selectAll().orderBy("id").execute();
  return rows.map(toBank);
}

export async function getBank(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
): Promise<Bank | null> {
  const row = await db.selectFrom("banks").selectAll().where("id", "=", id)
    .where((eb) => inBankScope(eb, "banks.id", scope)).executeTakeFirst();
  return row ? toBank(row) : null;
}

function toBank(
  row: { id: string; name_zh: string; name_en: string; peer_group: string; synthetic: boolean },
): Bank {
  return {
    id: row.id,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    peerGroup: row.peer_group,
    synthetic: row.synthetic,
  };
}
