/**
 * The outbox of notifications (migration 0014): deliveries are queued with their alert
 * (db/alerts.ts `raiseAlert`), claimed by whichever instance's worker gets there first, sent
 * outside any transaction, and recorded with the answer. Claiming is one statement:
 * `for update skip locked` keeps two workers off the same row, and the claim's lease
 * (`locked_until`) keeps it theirs while they send; a worker that dies mid-send leaves the row to
 * be claimed again when the lease runs out (at least once: receivers drop a repeated `id`).
 * Works the same on PGlite (one connection) and PostgreSQL.
 */
import { sql } from "kysely";
import { nextAttemptAt, SEND_LEASE_MS } from "../lib/notify/retry.ts";
import type { NotificationMessage } from "../lib/notify/types.ts";
import { withAlertTables } from "./alerts.ts";
import { jsonb } from "./json.ts";
import type { Db } from "./schema.ts";

export interface ClaimedDelivery {
  id: string;
  channelId: string;
  bankId: string;
  message: NotificationMessage;
  /** Including this one. */
  attempt: number;
}

/** Claims up to `limit` due deliveries for `SEND_LEASE_MS`. */
export async function claimDue(db: Db, now: Date, limit = 20): Promise<ClaimedDelivery[]> {
  const until = new Date(now.getTime() + SEND_LEASE_MS);
  const { rows } = await sql<{
    id: string;
    channel_id: string;
    bank_id: string;
    message: NotificationMessage;
    attempts: number;
  }>`with due as (
      select id from notification_deliveries
      where status = 'pending' and next_attempt_at <= ${now}
        and (locked_until is null or locked_until <= ${now})
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    )
    update notification_deliveries d
    set locked_until = ${until}, attempts = d.attempts + 1
    from due where d.id = due.id
    returning d.id, d.channel_id, d.bank_id, d.message, d.attempts`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    channelId: r.channel_id,
    bankId: r.bank_id,
    message: r.message,
    attempt: r.attempts,
  }));
}

export interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  answer: string;
  error: string | null;
}

/**
 * Records a try: `sent`, or pending again after the backoff (lib/notify/retry.ts), or `failed`
 * after the last try; `final` gives up at once (a test message, a channel gone).
 */
export async function recordAttempt(
  db: Db,
  delivery: { id: string; attempt: number },
  outcome: AttemptOutcome,
  now: Date,
  options: { final?: boolean; cancelled?: boolean } = {},
): Promise<"sent" | "pending" | "failed" | "cancelled"> {
  const adb = withAlertTables(db);
  await adb.insertInto("notification_attempts").values({
    delivery_id: delivery.id,
    attempt: delivery.attempt,
    at: now,
    status_code: outcome.status,
    answer: outcome.answer,
    error: outcome.error,
    ok: outcome.ok,
  }).execute();
  const retryAt = outcome.ok || options.final || options.cancelled
    ? null
    : nextAttemptAt(delivery.attempt, now);
  const status = outcome.ok
    ? "sent"
    : options.cancelled
    ? "cancelled"
    : retryAt
    ? "pending"
    : "failed";
  await adb.updateTable("notification_deliveries").set({
    status,
    locked_until: null,
    last_status: outcome.status,
    last_answer: outcome.error ? `${outcome.error}` : outcome.answer,
    ...(retryAt ? { next_attempt_at: retryAt } : {}),
    ...(outcome.ok ? { sent_at: now } : {}),
  }).where("id", "=", delivery.id).execute();
  return status;
}

/** A test message: a delivery of no alert, claimed at once by the caller (one try, no retry). */
export async function queueTest(
  db: Db,
  channel: { id: string; bankId: string },
  message: NotificationMessage,
  now: Date,
): Promise<{ id: string; attempt: number }> {
  const row = await withAlertTables(db).insertInto("notification_deliveries").values({
    bank_id: channel.bankId,
    channel_id: channel.id,
    alert_id: null,
    message: jsonb(message),
    next_attempt_at: now,
    locked_until: new Date(now.getTime() + SEND_LEASE_MS),
    attempts: 1,
    created_at: now,
  }).returning("id").executeTakeFirstOrThrow();
  return { id: row.id, attempt: 1 };
}

export interface DeliveryView {
  id: string;
  channelId: string;
  alertId: string | null;
  type: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastAnswer: string | null;
  nextAttemptAt: Date;
  createdAt: Date;
  sentAt: Date | null;
}

/** A bank's latest deliveries (optionally of one alert), newest first. */
export async function listDeliveries(
  db: Db,
  filter: { bankId: string; alertId?: string; limit?: number },
): Promise<DeliveryView[]> {
  let query = withAlertTables(db).selectFrom("notification_deliveries")
    .where("bank_id", "=", filter.bankId);
  if (filter.alertId) query = query.where("alert_id", "=", filter.alertId);
  const rows = await query.selectAll().orderBy("created_at", "desc").orderBy("id")
    .limit(filter.limit ?? 50).execute();
  return rows.map((r) => ({
    id: r.id,
    channelId: r.channel_id,
    alertId: r.alert_id,
    type: r.message.type,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastAnswer: r.last_answer,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}

/** Every try of a delivery, in order (the log). */
export async function attemptsOf(db: Db, deliveryId: string) {
  const rows = await withAlertTables(db).selectFrom("notification_attempts").selectAll()
    .where("delivery_id", "=", deliveryId).orderBy("attempt").orderBy("id").execute();
  return rows.map((r) => ({
    attempt: r.attempt,
    at: r.at,
    statusCode: r.status_code,
    answer: r.answer,
    error: r.error,
    ok: r.ok,
  }));
}
