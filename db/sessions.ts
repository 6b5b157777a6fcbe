/**
 * Web sessions. The cookie holds a random 256-bit token; only its SHA-256 is stored. Expiry is
 * decided by the caller's clock (idle and absolute), so tests can move time without sleeping.
 */
import type { Db } from "./schema.ts";
import { toUser, type User } from "./users.ts";

export interface Session {
  tokenHash: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute expiry, fixed at creation. */
  expiresAt: Date;
  revokedAt: Date | null;
}

export async function insertSession(
  db: Db,
  input: { tokenHash: string; userId: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db.insertInto("sessions").values({
    token_hash: input.tokenHash,
    user_id: input.userId,
    created_at: input.now,
    last_seen_at: input.now,
    expires_at: input.expiresAt,
  }).execute();
}

/** The session with this token hash and its user (with consultant banks), or null. */
export async function findSession(
  db: Db,
  tokenHash: string,
): Promise<{ session: Session; user: User & { consultantBankIds: string[] } } | null> {
  const row = await db.selectFrom("sessions").innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.token_hash",
      "sessions.user_id",
      "sessions.created_at",
      "sessions.last_seen_at",
      "sessions.expires_at",
      "sessions.revoked_at",
      "users.id",
      "users.email",
      "users.display_name",
      "users.role",
      "users.bank_id",
      "users.growth_lead",
      "users.disabled_at",
    ])
    .where("sessions.token_hash", "=", tokenHash).executeTakeFirst();
  if (!row) return null;
  const banks = row.role === "consultant"
    ? await db.selectFrom("consultant_banks").select("bank_id").where("user_id", "=", row.id)
      .orderBy("bank_id").execute()
    : [];
  return {
    session: {
      tokenHash: row.token_hash,
      userId: row.user_id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    },
    user: { ...toUser(row), consultantBankIds: banks.map((b) => b.bank_id) },
  };
}

export async function touchSession(db: Db, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: now }).where("token_hash", "=", tokenHash)
    .execute();
}

export async function revokeSession(db: Db, tokenHash: string, now: Date): Promise<void> {
  await db.updateTable("sessions").set({ revoked_at: now }).where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null).execute();
}

/** Revokes every open session of a user (on disable); returns how many were open. */
export async function revokeUserSessions(db: Db, userId: string, now: Date): Promise<number> {
  const result = await db.updateTable("sessions").set({ revoked_at: now })
    .where("user_id", "=", userId).where("revoked_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
