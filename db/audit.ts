/** The append-only audit log (a database trigger refuses updates and deletes). */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.ts";

export interface AuditEntry {
  actorUserId: string | null;
  /** Who, readable: an email, `sdk:<prefix>`, or `system`. */
  actor: string;
  bankId: string | null;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** Who acts: what a command takes to write its audit entry. */
export type Actor = Pick<AuditEntry, "actor" | "actorUserId">;

export async function appendAudit(
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
): Promise<void> {
  await db.insertInto("audit_log").values({
    actor_user_id: entry.actorUserId,
    actor: entry.actor,
    bank_id: entry.bankId,
    action: entry.action,
    target: entry.target ?? "",
    details: entry.details ?? {},
  }).execute();
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
  target: string;
  details: Record<string, unknown>;
}

/** A page of the audit log, newest first, optionally for one bank and/or one action. */
export async function listAudit(
  db: Kysely<Database> | Transaction<Database>,
  filter: { bankId?: string; action?: string; limit: number; offset: number },
): Promise<{ entries: AuditRecord[]; total: number }> {
  let query = db.selectFrom("audit_log");
  if (filter.bankId) query = query.where("bank_id", "=", filter.bankId);
  if (filter.action) query = query.where("action", "=", filter.action);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy("id", "desc").limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorUserId: r.actor_user_id,
      actor: r.actor,
      bankId: r.bank_id,
      action: r.action,
      target: r.target,
      details: r.details,
    })),
  };
}

/** The distinct actions recorded so far, for the filter. */
export async function listAuditActions(
  db: Kysely<Database> | Transaction<Database>,
): Promise<string[]> {
  const rows = await db.selectFrom("audit_log").select("action").distinct().orderBy("action")
    .execute();
  return rows.map((r) => r.action);
}
