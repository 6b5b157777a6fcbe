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
