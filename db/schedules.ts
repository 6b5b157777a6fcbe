/**
 * Scheduled start and stop of experiments (migration 0016, issue 18 part 5) and the bank's time
 * zone (`bank_settings`) they and the digests are read in.
 *
 * Claiming: the per-minute scheduler of every instance looks for due actions; each claims one
 * with a single conditional `update … returning` that also requires the experiment to still be
 * `draft` (start) or `running` (stop) and nobody else's claim to be fresh
 * (`CLAIM_LEASE_MS`). PostgreSQL re-checks the `where` of a row another transaction has just
 * updated, so of two instances claiming at once one gets the row and the other nothing. The
 * claimed action then goes through the same start/stop path as a person's (the caller's), and
 * is recorded as done (`*_done_at`) or refused (`*_refused_at` with the reason, shown on the
 * experiment page). A claim whose instance died is taken again after the lease; the start/stop
 * itself only moves a draft/running experiment, so it still happens once.
 *
 * The tables are this feature's own: their types live here (`withScheduleTables`).
 */
import { type ColumnType, type Kysely, sql, type Transaction } from "kysely";
import { DEFAULT_TIME_ZONE } from "../lib/digests/period.ts";
import type { Schedule } from "../lib/experiments/schedule.ts";
import { jsonb } from "./json.ts";
import type { Database, Db } from "./schema.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

/** Why the start/stop path refused a scheduled action (its error code and message). */
export interface Refusal {
  action: "start" | "stop";
  code: string;
  message: { "zh-CN": string; en: string };
  at: string;
}

export type ScheduleTables = {
  bank_settings: {
    bank_id: string;
    time_zone: string;
    updated_at: Timestamp;
    updated_by: string | null;
  };
  experiment_schedules: {
    experiment_id: string;
    bank_id: string;
    start_at: NullableTimestamp;
    stop_at: NullableTimestamp;
    stop_when_sample_reached: boolean;
    start_claimed_at: NullableTimestamp;
    start_done_at: NullableTimestamp;
    start_refused_at: NullableTimestamp;
    stop_claimed_at: NullableTimestamp;
    stop_done_at: NullableTimestamp;
    stop_refused_at: NullableTimestamp;
    refusal: ColumnType<Refusal | null, Refusal | null | undefined, Refusal | null>;
    updated_at: Timestamp;
    updated_by: string | null;
  };
};

type ScheduleDb = Kysely<Database & ScheduleTables> | Transaction<Database & ScheduleTables>;

function withScheduleTables(db: Db): ScheduleDb {
  return db.withTables<ScheduleTables>() as ScheduleDb;
}

/** A claim older than this is taken to belong to an instance that died mid-action. */
export const CLAIM_LEASE_MS = 5 * 60_000;

// ---- the bank's time zone ----------------------------------------------------------------------

/** The bank's time zone (IANA name); `DEFAULT_TIME_ZONE` when it has none set. */
export async function bankTimeZone(db: Db, bankId: string): Promise<string> {
  const row = await withScheduleTables(db).selectFrom("bank_settings").select("time_zone")
    .where("bank_id", "=", bankId).executeTakeFirst();
  return row?.time_zone ?? DEFAULT_TIME_ZONE;
}

/** Sets the bank's time zone (the caller checked the name: lib/digests/period.ts `isTimeZone`). */
export async function setBankTimeZone(
  db: Db,
  bankId: string,
  timeZone: string,
  by: string | null,
  now: Date,
): Promise<void> {
  await withScheduleTables(db).insertInto("bank_settings").values({
    bank_id: bankId,
    time_zone: timeZone,
    updated_at: now,
    updated_by: by,
  }).onConflict((oc) =>
    oc.column("bank_id").doUpdateSet({ time_zone: timeZone, updated_at: now, updated_by: by })
  ).execute();
}

/**
 * The banks digests are made for, with their time zones: those with an active user or a
 * notification channel (the peer banks of the benchmark have neither).
 */
export async function banksWithTimeZones(
  db: Db,
): Promise<{ bankId: string; timeZone: string }[]> {
  const { rows } = await sql<{ id: string; time_zone: string | null }>`
    select b.id, s.time_zone from banks b left join bank_settings s on s.bank_id = b.id
    where exists (select 1 from users u where u.bank_id = b.id and u.disabled_at is null)
      or exists (select 1 from notification_channels c
        where c.bank_id = b.id and c.deleted_at is null)
    order by b.id`.execute(db);
  return rows.map((r) => ({ bankId: r.id, timeZone: r.time_zone ?? DEFAULT_TIME_ZONE }));
}

// ---- schedules ---------------------------------------------------------------------------------

/** A stored schedule with what the scheduler did with it. */
export interface StoredSchedule extends Schedule {
  startDoneAt: Date | null;
  stopDoneAt: Date | null;
  refusal: Refusal | null;
  updatedAt: Date;
}

export async function getSchedule(db: Db, experimentId: string): Promise<StoredSchedule | null> {
  const r = await withScheduleTables(db).selectFrom("experiment_schedules").selectAll()
    .where("experiment_id", "=", experimentId).executeTakeFirst();
  if (!r) return null;
  return {
    startAt: r.start_at,
    stopAt: r.stop_at,
    stopWhenSampleReached: r.stop_when_sample_reached,
    startDoneAt: r.start_done_at,
    stopDoneAt: r.stop_done_at,
    refusal: r.refusal,
    updatedAt: r.updated_at,
  };
}

/**
 * Stores the schedule (replacing the one before). A start or stop whose time changed is pending
 * again: its claim, outcome and refusal are cleared; one left as it was keeps them.
 */
export async function setSchedule(
  db: Db,
  experiment: { id: string; bankId: string },
  schedule: Schedule,
  by: string | null,
  now: Date,
): Promise<void> {
  const sdb = withScheduleTables(db);
  const before = await getSchedule(db, experiment.id);
  const same = (a: Date | null, b: Date | null | undefined) =>
    (a?.getTime() ?? null) === (b?.getTime() ?? null);
  const keepStart = before !== null && same(schedule.startAt, before.startAt);
  const keepStop = before !== null && same(schedule.stopAt, before.stopAt) &&
    schedule.stopWhenSampleReached === before.stopWhenSampleReached;
  const reset = {
    ...(keepStart ? {} : { start_claimed_at: null, start_done_at: null, start_refused_at: null }),
    ...(keepStop ? {} : { stop_claimed_at: null, stop_done_at: null, stop_refused_at: null }),
    ...(keepStart && keepStop ? {} : { refusal: null }),
  };
  const values = {
    start_at: schedule.startAt,
    stop_at: schedule.stopAt,
    stop_when_sample_reached: schedule.stopWhenSampleReached,
    updated_at: now,
    updated_by: by,
  };
  await sdb.insertInto("experiment_schedules")
    .values({ experiment_id: experiment.id, bank_id: experiment.bankId, ...values })
    .onConflict((oc) => oc.column("experiment_id").doUpdateSet({ ...values, ...reset }))
    .execute();
}

/** Removes the schedule; true when there was one. */
export async function deleteSchedule(db: Db, experimentId: string): Promise<boolean> {
  const gone = await withScheduleTables(db).deleteFrom("experiment_schedules")
    .where("experiment_id", "=", experimentId).returning("experiment_id").executeTakeFirst();
  return Boolean(gone);
}

/** A due action this instance now holds. */
export interface ClaimedAction {
  experimentId: string;
  bankId: string;
  key: string;
  action: "start" | "stop";
  /** Why it is due: the time reached, or the planned sample (stop only). */
  reason: "time" | "sample";
}

/**
 * Claims every due start (draft experiments whose `start_at` has come) and stop (running ones
 * whose `stop_at` has come, or whose exposed customers reached the planned sample when
 * `stop_when_sample_reached`). Each row is claimed by one caller only.
 */
export async function claimDueActions(db: Db, now: Date): Promise<ClaimedAction[]> {
  const stale = new Date(now.getTime() - CLAIM_LEASE_MS);
  const starts = await sql<{ experiment_id: string; bank_id: string; key: string }>`
    update experiment_schedules s set start_claimed_at = ${now}
    from experiments e
    where e.id = s.experiment_id and e.status = 'draft'
      and s.start_at is not null and s.start_at <= ${now}
      and s.start_done_at is null and s.start_refused_at is null
      and (s.start_claimed_at is null or s.start_claimed_at < ${stale})
    returning s.experiment_id, s.bank_id, e.key`.execute(db);
  const stops = await sql<
    { experiment_id: string; bank_id: string; key: string; by_time: boolean }
  >`
    update experiment_schedules s set stop_claimed_at = ${now}
    from experiments e
    where e.id = s.experiment_id and e.status = 'running'
      and s.stop_done_at is null and s.stop_refused_at is null
      and (s.stop_claimed_at is null or s.stop_claimed_at < ${stale})
      and (
        (s.stop_at is not null and s.stop_at <= ${now})
        or (s.stop_when_sample_reached and e.planned_sample_size is not null
          and (select coalesce(sum(d.users), 0) from daily_stats d
               where d.experiment_id = e.id) >= e.planned_sample_size)
      )
    returning s.experiment_id, s.bank_id, e.key,
      (s.stop_at is not null and s.stop_at <= ${now}) as by_time`.execute(db);
  return [
    ...starts.rows.map((r) => ({
      experimentId: r.experiment_id,
      bankId: r.bank_id,
      key: r.key,
      action: "start" as const,
      reason: "time" as const,
    })),
    ...stops.rows.map((r) => ({
      experimentId: r.experiment_id,
      bankId: r.bank_id,
      key: r.key,
      action: "stop" as const,
      reason: r.by_time ? "time" as const : "sample" as const,
    })),
  ];
}

/** Records the outcome of a claimed action: done, or refused with the reason. */
export async function recordOutcome(
  db: Db,
  claimed: Pick<ClaimedAction, "experimentId" | "action">,
  outcome: { done: true } | { done: false; refusal: Refusal },
  now: Date,
): Promise<void> {
  const sdb = withScheduleTables(db);
  const set = claimed.action === "start"
    ? outcome.done ? { start_done_at: now } : { start_refused_at: now }
    : outcome.done
    ? { stop_done_at: now }
    : { stop_refused_at: now };
  await sdb.updateTable("experiment_schedules").set({
    ...set,
    ...(outcome.done ? {} : { refusal: jsonb(outcome.refusal) }),
  }).where("experiment_id", "=", claimed.experimentId).execute();
}

/** Pending schedules of a bank's experiments (the experiments list and digests show them). */
export async function pendingSchedules(
  db: Db,
  bankId: string,
): Promise<Map<string, StoredSchedule>> {
  const rows = await withScheduleTables(db).selectFrom("experiment_schedules").selectAll()
    .where("bank_id", "=", bankId).execute();
  return new Map(rows.map((r) => [r.experiment_id, {
    startAt: r.start_at,
    stopAt: r.stop_at,
    stopWhenSampleReached: r.stop_when_sample_reached,
    startDoneAt: r.start_done_at,
    stopDoneAt: r.stop_done_at,
    refusal: r.refusal,
    updatedAt: r.updated_at,
  }]));
}
