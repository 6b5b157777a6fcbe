/** SDK keys: one bank each, stored only as a SHA-256 hash; the key itself is shown once. */
import type { Kysely, Transaction } from "kysely";
import { randomToken, sha256Hex } from "../lib/security/password.ts";
import type { Database } from "./schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Creates a key for a bank; returns the plain key (to show once) and its id. */
export async function createSdkKey(
  db: Db,
  input: { bankId: string; label?: string; createdBy: string | null; plainKey?: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const key = input.plainKey ?? `ll_${randomToken(32)}`;
  const prefix = key.slice(0, 8);
  const row = await db.insertInto("sdk_keys").values({
    bank_id: input.bankId,
    key_hash: await sha256Hex(key),
    prefix,
    label: input.label ?? "",
    created_by: input.createdBy,
  }).returning("id").executeTakeFirstOrThrow();
  return { id: row.id, key, prefix };
}
