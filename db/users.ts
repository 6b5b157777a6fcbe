/** Users and their roles. Passwords are stored only as PBKDF2 hashes (lib/security/password.ts). */
import type { Kysely, Transaction } from "kysely";
import type { Database, Role } from "./schema.ts";

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  bankId: string | null;
  growthLead: boolean;
  disabled: boolean;
}

type Db = Kysely<Database> | Transaction<Database>;

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

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function assignConsultant(db: Db, userId: string, bankIds: string[]): Promise<void> {
  if (bankIds.length === 0) return;
  await db.insertInto("consultant_banks").values(bankIds.map((bankId) => ({ user_id: userId, bank_id: bankId })))
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
