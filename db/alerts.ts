/**
 * Alerts (migration 0014): one row per (experiment, type, cause), so a cause seen again every
 * minute is stored once; each new alert queues one delivery per channel of its own bank that
 * takes its type, in the same transaction (the outbox: db/deliveries.ts sends them). Also the
 * per-experiment settings the checks read: the circuit breaker (`experiment_auto_stop`) and the
 * hours without exposures before an alert (`experiment_alert_settings`), and when each
 * experiment was last checked (`alert_checks`).
 *
 * The tables are this feature's own: their types live here and are added to a connection with
 * `withAlertTables(db)` (Kysely's `withTables`), leaving db/schema.ts to the experiments.
 */
import { type ColumnType, type Generated, type Kysely, sql, type Transaction } from "kysely";
import type { MessageType, NotificationMessage, NotifyLocale } from "../lib/notify/types.ts";
import { appendAudit } from "./audit.ts";
import { transitionExperiment } from "./experiments.ts";
import type { Database, Db } from "./schema.ts";
import { jsonb } from "./json.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
// deno-lint-ignore no-explicit-any
type Json<T = any> = ColumnType<T, T | undefined, T>;

export type AlertTables = {
  notification_channels: {
    id: string;
    bank_id: string;
    kind: string;
    name: Generated<string>;
    url_encrypted: string;
    url_hint: string;
    secret_encrypted: string | null;
    events: Json<MessageType[] | null>;
    locale: Generated<string>;
    created_by: string | null;
    created_at: Timestamp;
    deleted_at: NullableTimestamp;
  };
  alerts: {
    id: Generated<string>;
    bank_id: string;
    experiment_id: string;
    type: string;
    cause: string;
    summary: Json<Record<NotifyLocale, string>>;
    details: Json<Record<string, unknown>>;
    created_at: Timestamp;
    acked_at: NullableTimestamp;
    acked_by: string | null;
  };
  notification_deliveries: {
    id: Generated<string>;
    bank_id: string;
    channel_id: string;
    alert_id: string | null;
    message: Json<NotificationMessage>;
    status: Generated<"pending" | "sent" | "failed" | "cancelled">;
    attempts: Generated<number>;
    next_attempt_at: Timestamp;
    locked_until: NullableTimestamp;
    last_status: number | null;
    last_answer: string | null;
    created_at: Timestamp;
    sent_at: NullableTimestamp;
  };
  notification_attempts: {
    id: Generated<string>;
    delivery_id: string;
    attempt: number;
    at: Timestamp;
    status_code: number | null;
    answer: Generated<string>;
    error: string | null;
    ok: boolean;
  };
  experiment_auto_stop: {
    experiment_id: string;
    bank_id: string;
    on_guardrail: boolean;
    on_srm: boolean;
    updated_at: Timestamp;
    updated_by: string | null;
  };
  experiment_alert_settings: {
    experiment_id: string;
    bank_id: string;
    no_exposure_hours: number;
    updated_at: Timestamp;
  };
  alert_checks: { experiment_id: string; totals: string; checked_at: Timestamp };
  app_secrets: { name: string; value: string; created_at: Generated<Date> };
};

export type AlertsDb = Kysely<Database & AlertTables> | Transaction<Database & AlertTables>;

/** The connection (or transaction) with this feature's tables in its type. */
export function withAlertTables(db: Db): AlertsDb {
  return db.withTables<AlertTables>() as AlertsDb;
}

export interface NewAlert {
  bankId: string;
  experimentId: string;
  experiment: { key: string; name: string };
  type: MessageType;
  cause: string;
  summary: Record<NotifyLocale, string>;
  details: Record<string, unknown>;
}

export interface AlertView {
  id: string;
  bankId: string;
  experimentId: string;
  experimentKey: string;
  experimentName: string;
  type: MessageType;
  cause: string;
  summary: Record<NotifyLocale, string>;
  details: Record<string, unknown>;
  createdAt: Date;
  ackedAt: Date | null;
}

/**
 * Stores the alert unless its cause is already stored; a new one queues its deliveries (one per
 * channel of the alert's bank that takes the type) in the same transaction. Returns the new
 * alert's id, or null when the cause was known.
 */
export async function raiseAlert(
  trx: Transaction<Database>,
  alert: NewAlert,
  now: Date,
): Promise<string | null> {
  const db = withAlertTables(trx);
  const row = await db.insertInto("alerts").values({
    bank_id: alert.bankId,
    experiment_id: alert.experimentId,
    type: alert.type,
    cause: alert.cause,
    summary: jsonb(alert.summary),
    details: jsonb(alert.details),
    created_at: now,
  }).onConflict((oc) => oc.columns(["experiment_id", "type", "cause"]).doNothing())
    .returning("id").executeTakeFirst();
  if (!row) return null;
  const message: NotificationMessage = {
    id: row.id,
    type: alert.type,
    bankId: alert.bankId,
    experiment: alert.experiment,
    at: now.toISOString(),
    summary: alert.summary,
    details: alert.details,
  };
  await sql`insert into notification_deliveries
      (bank_id, channel_id, alert_id, message, next_attempt_at, created_at)
    select c.bank_id, c.id, ${row.id}, ${jsonb(message)}, ${now}, ${now}
    from notification_channels c
    where c.bank_id = ${alert.bankId} and c.deleted_at is null
      and (c.events is null or c.events @> jsonb_build_array(cast(${alert.type} as text)))`
    .execute(trx);
  return row.id;
}

/** Alerts of a bank (or of one experiment), newest first. */
export async function listAlerts(
  db: Db,
  filter: { bankId: string; experimentId?: string; open?: boolean; limit?: number },
): Promise<AlertView[]> {
  let query = withAlertTables(db).selectFrom("alerts as a")
    .innerJoin("experiments as e", "e.id", "a.experiment_id")
    .where("a.bank_id", "=", filter.bankId);
  if (filter.experimentId) query = query.where("a.experiment_id", "=", filter.experimentId);
  if (filter.open) query = query.where("a.acked_at", "is", null);
  const rows = await query.select([
    "a.id",
    "a.bank_id",
    "a.experiment_id",
    "e.key",
    "e.name",
    "a.type",
    "a.cause",
    "a.summary",
    "a.details",
    "a.created_at",
    "a.acked_at",
  ]).orderBy("a.created_at", "desc").orderBy("a.id").limit(filter.limit ?? 200).execute();
  return rows.map((r) => ({
    id: r.id,
    bankId: r.bank_id,
    experimentId: r.experiment_id,
    experimentKey: r.key,
    experimentName: r.name,
    type: r.type as MessageType,
    cause: r.cause,
    summary: r.summary,
    details: r.details,
    createdAt: r.created_at,
    ackedAt: r.acked_at,
  }));
}

/** The bank of an alert, or null (for authorising an acknowledgement). */
export async function alertBank(db: Db, id: string): Promise<string | null> {
  const row = await withAlertTables(db).selectFrom("alerts").select("bank_id")
    .where("id", "=", id).executeTakeFirst();
  return row?.bank_id ?? null;
}

/** Acknowledges an alert (the first acknowledgement stays). */
export async function ackAlert(
  db: Db,
  id: string,
  userId: string,
  now: Date,
): Promise<{ ackedAt: Date }> {
  const adb = withAlertTables(db);
  await adb.updateTable("alerts").set({ acked_at: now, acked_by: userId })
    .where("id", "=", id).where("acked_at", "is", null).execute();
  const row = await adb.selectFrom("alerts").select("acked_at").where("id", "=", id)
    .executeTakeFirstOrThrow();
  return { ackedAt: row.acked_at ?? now };
}

// ---- per-experiment settings ------------------------------------------------------------------

export interface AutoStop {
  onGuardrail: boolean;
  onSrm: boolean;
}

export async function getAutoStop(db: Db, experimentId: string): Promise<AutoStop> {
  const row = await withAlertTables(db).selectFrom("experiment_auto_stop")
    .select(["on_guardrail", "on_srm"]).where("experiment_id", "=", experimentId)
    .executeTakeFirst();
  return { onGuardrail: row?.on_guardrail ?? false, onSrm: row?.on_srm ?? false };
}

export async function setAutoStop(
  db: Db,
  experiment: { id: string; bankId: string },
  value: AutoStop,
  by: string | null,
  now: Date,
): Promise<void> {
  await withAlertTables(db).insertInto("experiment_auto_stop").values({
    experiment_id: experiment.id,
    bank_id: experiment.bankId,
    on_guardrail: value.onGuardrail,
    on_srm: value.onSrm,
    updated_at: now,
    updated_by: by,
  }).onConflict((oc) =>
    oc.column("experiment_id").doUpdateSet({
      on_guardrail: value.onGuardrail,
      on_srm: value.onSrm,
      updated_at: now,
      updated_by: by,
    })
  ).execute();
}

/** Hours without exposures before a `no_exposures` alert, when no setting is stored. */
export const DEFAULT_NO_EXPOSURE_HOURS = 24;

export async function getNoExposureHours(db: Db, experimentId: string): Promise<number> {
  const row = await withAlertTables(db).selectFrom("experiment_alert_settings")
    .select("no_exposure_hours").where("experiment_id", "=", experimentId).executeTakeFirst();
  return row?.no_exposure_hours ?? DEFAULT_NO_EXPOSURE_HOURS;
}

export async function setNoExposureHours(
  db: Db,
  experiment: { id: string; bankId: string },
  hours: number,
  now: Date,
): Promise<void> {
  await withAlertTables(db).insertInto("experiment_alert_settings").values({
    experiment_id: experiment.id,
    bank_id: experiment.bankId,
    no_exposure_hours: hours,
    updated_at: now,
  }).onConflict((oc) =>
    oc.column("experiment_id").doUpdateSet({ no_exposure_hours: hours, updated_at: now })
  ).execute();
}

// ---- what the checks read ---------------------------------------------------------------------

/** Running experiments of every bank: the candidates of a scheduled check. */
export async function runningExperiments(
  db: Db,
): Promise<{ id: string; bankId: string; key: string }[]> {
  const rows = await db.selectFrom("experiments").select(["id", "bank_id", "key"])
    .where("status", "=", "running").orderBy("id").execute();
  return rows.map((r) => ({ id: r.id, bankId: r.bank_id, key: r.key }));
}

/** When the experiment's last exposure event arrived (server time), or null. */
export async function lastExposureAt(db: Db, experimentId: string): Promise<Date | null> {
  const row = await db.selectFrom("events").where("experiment_id", "=", experimentId)
    .where("type", "=", "exposure")
    .select((eb) => eb.fn.max("received_at").as("last")).executeTakeFirst();
  return row?.last ? new Date(row.last) : null;
}

/**
 * Cheap totals that change when the experiment's numbers do: exposed customers and
 * conversions per day (daily_stats), the bank's opt-outs and the experiment's reweightings.
 */
export async function experimentTotals(
  db: Db,
  experiment: { id: string; bankId: string },
): Promise<string> {
  const { rows } = await sql<
    { users: string | null; conversions: string | null; opt: string; alloc: string }
  >`
    select (select sum(users) from daily_stats where experiment_id = ${experiment.id}) as users,
      (select sum(converters) from daily_stats where experiment_id = ${experiment.id}) as conversions,
      (select count(*) from opt_outs where bank_id = ${experiment.bankId}) as opt,
      (select count(*) from allocations where experiment_id = ${experiment.id}) as alloc`
    .execute(db);
  const r = rows[0];
  return `${r.users ?? 0}/${r.conversions ?? 0}/${r.opt}/${r.alloc}`;
}

/** When the experiment was last checked and on which totals. */
export async function lastCheck(
  db: Db,
  experimentId: string,
): Promise<{ totals: string; checkedAt: Date } | null> {
  const row = await withAlertTables(db).selectFrom("alert_checks").select(["totals", "checked_at"])
    .where("experiment_id", "=", experimentId).executeTakeFirst();
  return row ? { totals: row.totals, checkedAt: row.checked_at } : null;
}

export async function recordCheck(
  db: Db,
  experimentId: string,
  totals: string,
  now: Date,
): Promise<void> {
  await withAlertTables(db).insertInto("alert_checks")
    .values({ experiment_id: experimentId, totals, checked_at: now })
    .onConflict((oc) => oc.column("experiment_id").doUpdateSet({ totals, checked_at: now }))
    .execute();
}

/** Namespace of the advisory lock per experiment held while its alerts are stored ("AL"). */
const LOCK_NAMESPACE = 0x414c;

export interface AlertCandidateRow {
  type: MessageType;
  cause: string;
  summary: Record<NotifyLocale, string>;
  details: Record<string, unknown>;
}

/**
 * Stores a check's alerts in one transaction under the experiment's advisory lock (instances
 * checking at once take turns; causes are unique anyway). With `trip`, stops a running
 * experiment (db/experiments.ts `transitionExperiment`: the control for everyone), audits it as
 * `system` with the numbers that tripped it, and raises `trip.stopped`. `totals` records the
 * check (db `alert_checks`). Returns the new alerts' ids and whether it stopped.
 */
export async function applyAlerts(
  db: Kysely<Database>,
  experiment: { id: string; bankId: string; key: string; name: string },
  candidates: readonly AlertCandidateRow[],
  trip: { cause: AlertCandidateRow; stopped: AlertCandidateRow } | null,
  options: { now: Date; totals: string | null },
): Promise<{ raised: string[]; stopped: boolean }> {
  const { now } = options;
  return await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${experiment.id}))`
      .execute(trx);
    const raised: string[] = [];
    const where = { key: experiment.key, name: experiment.name };
    const raise = async (c: AlertCandidateRow) => {
      const id = await raiseAlert(trx, {
        bankId: experiment.bankId,
        experimentId: experiment.id,
        experiment: where,
        ...c,
      }, now);
      if (id) raised.push(id);
    };
    for (const c of candidates) await raise(c);
    let stopped = false;
    if (trip && await transitionExperiment(trx, experiment.id, "stop", { now })) {
      stopped = true;
      await appendAudit(trx, {
        actorUserId: null,
        actor: "system",
        bankId: experiment.bankId,
        action: "experiment.stop",
        target: experiment.key,
        details: {
          automatic: true,
          trigger: trip.cause.type,
          cause: trip.cause.cause,
          numbers: trip.cause.details,
        },
      });
      await raise(trip.stopped);
    }
    if (options.totals !== null) await recordCheck(trx, experiment.id, options.totals, now);
    return { raised, stopped };
  });
}
