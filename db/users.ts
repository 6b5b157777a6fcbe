/** Users and their roles. Passwords are stored only as PBKDF2 hashes (lib/security/password.ts). */
import type { Kysely } from "kysely";
import { appendAudit } from "./audit.ts";
import { clearLoginFailures } from "./login_attempts.ts";
import type { Database, Db, Role } from "./schema.ts";
import { revokeUserSessions } from "./sessions.ts";

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  bankId: string | null;
  growthLead: boolean;
  disabled: boolean;
}

export async function createUser(
  db: Db,
  input: {
    email: string;
    passwordHash: string;
    role: Role;
    bankId: string | null;
    displayName?: string;
    growthLead?: boolean;
  },
): Promise<User> {
  const row = await db.insertInto("users").values({
    email: input.email.trim().toLowerCase(),
    password_hash: input.passwordHash,
    role: input.role,
    bank_id: input.bankId,
    display_name: input.displayName ?? "",
    growth_lead: input.growthLead ?? false,
  }).returningAll().executeTakeFirstOrThrow();
  return toUser(row);
}

export async function assignConsultant(db: Db, userId: string, bankIds: string[]): Promise<void> {
  if (bankIds.length === 0) return;
  await db.insertInto("consultant_banks").values(
    bankIds.map((bankId) => ({ user_id: userId, bank_id: bankId })),
  )
    .onConflict((oc) => oc.doNothing()).execute();
}

export function toUser(row: {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  bank_id: string | null;
  growth_lead: boolean;
  disabled_at: Date | null;
}): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    bankId: row.bank_id,
    growthLead: row.growth_lead,
    disabled: row.disabled_at !== null,
  };
}

/** A user with what the admin pages show: consultant banks. */
export interface UserListing extends User {
  consultantBankIds: string[];
  createdAt: Date;
}

/** The user with this email (case-insensitive) and the stored password hash, or null. */
export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<{ user: User; passwordHash: string } | null> {
  const row = await db.selectFrom("users").selectAll()
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.trim().toLowerCase()))
    .executeTakeFirst();
  return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
}

export async function getUser(db: Db, id: string): Promise<UserListing | null> {
  const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const banks = await db.selectFrom("consultant_banks").select("bank_id").where("user_id", "=", id)
    .orderBy("bank_id").execute();
  return {
    ...toUser(row),
    consultantBankIds: banks.map((b) => b.bank_id),
    createdAt: row.created_at,
  };
}

/** Every user, by email, with their consultant banks. */
export async function listUsers(db: Db): Promise<UserListing[]> {
  const [rows, banks] = await Promise.all([
    db.selectFrom("users").selectAll().orderBy("email").execute(),
    db.selectFrom("consultant_banks").selectAll().orderBy("bank_id").execute(),
  ]);
  return rows.map((row) => ({
    ...toUser(row),
    consultantBankIds: banks.filter((b) => b.user_id === row.id).map((b) => b.bank_id),
    createdAt: row.created_at,
  }));
}

/** Changes a user's role, bank, flags or disabled state; returns the user or null when unknown. */
export async function updateUser(
  db: Db,
  id: string,
  patch: {
    role?: Role;
    bankId?: string | null;
    displayName?: string;
    growthLead?: boolean;
    /** A time disables, null enables. */
    disabledAt?: Date | null;
    passwordHash?: string;
  },
  now: Date,
): Promise<User | null> {
  const row = await db.updateTable("users").set({
    updated_at: now,
    ...(patch.role !== undefined && { role: patch.role }),
    ...(patch.bankId !== undefined && { bank_id: patch.bankId }),
    ...(patch.displayName !== undefined && { display_name: patch.displayName }),
    ...(patch.growthLead !== undefined && { growth_lead: patch.growthLead }),
    ...(patch.disabledAt !== undefined && { disabled_at: patch.disabledAt }),
    ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
  }).where("id", "=", id).returningAll().executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Replaces the client banks a consultant is assigned to. */
export async function setConsultantBanks(db: Db, userId: string, bankIds: string[]): Promise<void> {
  await db.deleteFrom("consultant_banks").where("user_id", "=", userId).execute();
  await assignConsultant(db, userId, [...new Set(bankIds)]);
}

/**
 * Sets the password of the user with this email (case-insensitive), signs out their sessions and
 * audits it as `user.update` by `actor` (`cli:<name>` from the command line), in one transaction.
 * Returns null, and changes nothing, when no user has the email.
 */
export async function resetPassword(
  db: Kysely<Database>,
  actor: string,
  input: { email: string; passwordHash: string; now: Date },
): Promise<{ user: User; sessionsRevoked: number } | null> {
  return await db.transaction().execute(async (trx) => {
    const found = await findUserByEmail(trx, input.email);
    if (!found) return null;
    const user = await updateUser(
      trx,
      found.user.id,
      { passwordHash: input.passwordHash },
      input.now,
    );
    if (!user) return null;
    const sessionsRevoked = await revokeUserSessions(trx, user.id, input.now);
    await clearLoginFailures(trx, user.email);
    await appendAudit(trx, {
      actorUserId: null,
      actor,
      bankId: user.bankId,
      action: "user.update",
      target: user.email,
      details: { passwordChanged: true, sessionsRevoked, via: "command line" },
    });
    return { user, sessionsRevoked };
  });
}
