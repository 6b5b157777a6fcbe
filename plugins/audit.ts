import type { Context } from "hono";
import { type Actor, appendAudit, type AuditEntry } from "../db/audit.ts";
import type { AppEnv } from "./context.ts";

/**
 * Appends to the audit log on behalf of the caller: the signed-in user (or the SDK key's bank)
 * is filled in. Use for every state change worth answering "who did this?":
 * `await audit(c, { action: "experiment.start", bankId, target: key, details })`.
 * Pass a transaction as `db` to record it atomically with the change.
 */
export async function audit(
  c: Context<AppEnv>,
  entry: Omit<AuditEntry, "actor" | "actorUserId"> & { actor?: string },
  db = c.var.db,
): Promise<void> {
  const actor = actorOf(c);
  await appendAudit(db, { ...entry, ...actor, actor: entry.actor ?? actor.actor });
}

/** The caller as the audit log names it, for db/ commands that write their own entry. */
export function actorOf(c: Context<AppEnv>): Actor {
  const user = c.var.user;
  return {
    actorUserId: user?.id ?? null,
    actor: user?.email ?? (c.var.sdkBankId ? `sdk:${c.var.sdkBankId}` : "anonymous"),
  };
}
