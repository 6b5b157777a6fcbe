/** SDK keys: one bank each, stored only as a SHA-256 hash; the key itself is shown once. */
import type { Selectable } from "kysely";
import type { Scope } from "../lib/scope.ts";
import { randomToken } from "../lib/security/password.ts";
import { sha256Hex } from "../lib/security/hash.ts";
import type { Db, SdkKeysTable } from "./schema.ts";
import { inBankScope } from "./scope.ts";

/** Creates a key for a bank; returns the plain key (to show once) and its id. */
export async function createSdkKey(
  db: Db,
  input: { bankId: string; label?: string; createdBy: string | null; plainKey?: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const key = input.plainKey ?? `ll_${randomToken(32)}`;
  const prefix = key.slice(0, 8);
  const row = await db.insertInto("sdk_keys").values({
    bank_id: input.bankId,
    key_hash: sha256Hex(key),
    prefix,
    label: input.label ?? "",
    created_by: input.createdBy,
  }).returning("id").executeTakeFirstOrThrow();
  return { id: row.id, key, prefix };
}

export interface SdkKey {
  id: string;
  bankId: string;
  prefix: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

function toSdkKey(row: Selectable<SdkKeysTable>): SdkKey {
  return {
    id: row.id,
    bankId: row.bank_id,
    prefix: row.prefix,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The key with this SHA-256 hash when it is not revoked, or null. */
export async function findActiveSdkKey(db: Db, keyHash: string): Promise<SdkKey | null> {
  const row = await db.selectFrom("sdk_keys").selectAll().where("key_hash", "=", keyHash)
    .where("revoked_at", "is", null).executeTakeFirst();
  return row ? toSdkKey(row) : null;
}

export async function touchSdkKey(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable("sdk_keys").set({ last_used_at: now }).where("id", "=", id).execute();
}

/** The keys of the banks in scope, newest first (never the key itself: it is not stored). */
export async function listSdkKeys(db: Db, scope: Scope): Promise<SdkKey[]> {
  const rows = await db.selectFrom("sdk_keys").selectAll()
    .where((eb) => inBankScope(eb, "sdk_keys.bank_id", scope)).orderBy("created_at", "desc")
    .execute();
  return rows.map(toSdkKey);
}

/**
 * Revokes a key of a bank in scope; null when there is no such key in scope (another bank's
 * key looks like no key). Revoking a revoked key keeps its first revocation time.
 */
export async function revokeSdkKey(
  db: Db,
  scope: Scope,
  id: string,
  now: Date,
): Promise<SdkKey | null> {
  const row = await db.selectFrom("sdk_keys").selectAll().where("id", "=", id)
    .where((eb) => inBankScope(eb, "sdk_keys.bank_id", scope)).executeTakeFirst();
  if (!row) return null;
  if (row.revoked_at) return toSdkKey(row);
  const updated = await db.updateTable("sdk_keys").set({ revoked_at: now }).where("id", "=", id)
    .returningAll().executeTakeFirstOrThrow();
  return toSdkKey(updated);
}
