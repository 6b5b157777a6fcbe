/**
 * Digests (migration 0016, issue 18 part 4): one row per bank, kind and period —
 * `unique (bank_id, kind, period_start)` — inserted with `on conflict do nothing`, so when two
 * instances produce the same period at once one row is stored and only its producer queues the
 * deliveries, one per channel of the bank that takes `digest` messages, in the same
 * transaction (the outbox of db/deliveries.ts sends, retries and logs them).
 *
 * Also the reads a digest is composed from: the experiments started and decided in a period,
 * the period's alerts, the scheduled actions coming up. Everything is filtered by the bank.
 */
import { type ColumnType, type Generated, type Kysely, sql, type Transaction } from "kysely";
import type { DigestContent } from "../lib/digests/content.ts";
import type { DigestKind } from "../lib/digests/period.ts";
import type { NotificationMessage } from "../lib/notify/types.ts";
import { withAlertTables } from "./alerts.ts";
import { jsonb } from "./json.ts";
import type { Database, Db } from "./schema.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type DigestTables = {
  digests: {
    id: Generated<string>;
    bank_id: string;
    kind: DigestKind;
    period_start: Timestamp;
    period_end: Timestamp;
    label: string;
    time_zone: string;
    content: ColumnType<DigestContent, DigestContent, DigestContent>;
    created_at: Timestamp;
  };
};

type DigestDb = Kysely<Database & DigestTables> | Transaction<Database & DigestTables>;

function withDigestTables(db: Db): DigestDb {
  return db.withTables<DigestTables>() as DigestDb;
}

export interface Digest {
  id: string;
  bankId: string;
  kind: DigestKind;
  periodStart: Date;
  periodEnd: Date;
  label: string;
  timeZone: string;
  content: DigestContent;
  createdAt: Date;
}

type Row = {
  id: string;
  bank_id: string;
  kind: DigestKind;
  period_start: Date;
  period_end: Date;
  label: string;
  time_zone: string;
  content: DigestContent;
  created_at: Date;
};

function toDigest(r: Row): Digest {
  return {
    id: r.id,
    bankId: r.bank_id,
    kind: r.kind,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    label: r.label,
    timeZone: r.time_zone,
    content: r.content,
    createdAt: r.created_at,
  };
}

/** Whether the bank already has the digest of this kind and period (saves composing it). */
export async function digestExists(
  db: Db,
  bankId: string,
  kind: DigestKind,
  periodStart: Date,
): Promise<boolean> {
  const row = await withDigestTables(db).selectFrom("digests").select("id")
    .where("bank_id", "=", bankId).where("kind", "=", kind)
    .where("period_start", "=", periodStart).executeTakeFirst();
  return Boolean(row);
}

/**
 * Stores a digest unless its (bank, kind, period) is already stored, and queues its deliveries
 * in the same transaction; `message` is given the digest's id. Returns the new id, or null
 * when another producer stored the period first.
 */
export async function storeDigest(
  db: Kysely<Database>,
  digest: Omit<Digest, "id" | "createdAt">,
  message: (id: string) => NotificationMessage,
  now: Date,
): Promise<string | null> {
  return await db.transaction().execute(async (trx) => {
    const row = await withDigestTables(trx).insertInto("digests").values({
      bank_id: digest.bankId,
      kind: digest.kind,
      period_start: digest.periodStart,
      period_end: digest.periodEnd,
      label: digest.label,
      time_zone: digest.timeZone,
      content: jsonb(digest.content),
      created_at: now,
    }).onConflict((oc) => oc.columns(["bank_id", "kind", "period_start"]).doNothing())
      .returning("id").executeTakeFirst();
    if (!row) return null;
    await sql`insert into notification_deliveries
        (bank_id, channel_id, alert_id, digest_id, message, next_attempt_at, created_at)
      select c.bank_id, c.id, null, ${row.id}, ${jsonb(message(row.id))}, ${now}, ${now}
      from notification_channels c
      where c.bank_id = ${digest.bankId} and c.deleted_at is null
        and (c.events is null or c.events @> jsonb_build_array(cast('digest' as text)))`
      .execute(trx);
    return row.id;
  });
}

/** The bank's digests, newest period first (optionally of one kind). */
export async function listDigests(
  db: Db,
  filter: { bankId: string; kind?: DigestKind; limit?: number },
): Promise<Digest[]> {
  let query = withDigestTables(db).selectFrom("digests").selectAll()
    .where("bank_id", "=", filter.bankId);
  if (filter.kind) query = query.where("kind", "=", filter.kind);
  const rows = await query.orderBy("period_start", "desc").orderBy("kind", "desc")
    .limit(filter.limit ?? 60).execute();
  return rows.map(toDigest);
}

/** A digest by id, or null (the caller checks the bank is in scope). */
export async function getDigest(db: Db, id: string): Promise<Digest | null> {
  const row = await withDigestTables(db).selectFrom("digests").selectAll().where("id", "=", id)
    .executeTakeFirst();
  return row ? toDigest(row) : null;
}

/** The bank's latest digest of a kind, or null. */
export async function latestDigest(db: Db, bankId: string, kind: DigestKind) {
  return (await listDigests(db, { bankId, kind, limit: 1 }))[0] ?? null;
}

/** How many deliveries a digest has and how many were sent. */
export async function digestDeliveries(
  db: Db,
  digestId: string,
): Promise<{ total: number; sent: number }> {
  const { rows } = await sql<{ total: string; sent: string }>`
    select count(*) as total, count(*) filter (where status = 'sent') as sent
    from notification_deliveries where digest_id = ${digestId}`.execute(db);
  return { total: Number(rows[0]?.total ?? 0), sent: Number(rows[0]?.sent ?? 0) };
}

// ---- what a digest is composed from ------------------------------------------------------------

export interface PeriodExperiment {
  id: string;
  key: string;
  name: string;
  at: Date;
  winner: string | null;
}

/** The bank's experiments started (or decided) within [start, end), in time order. */
export async function experimentsBetween(
  db: Db,
  bankId: string,
  what: "started" | "decided",
  start: Date,
  end: Date,
): Promise<PeriodExperiment[]> {
  const column = what === "started" ? "started_at" : "decided_at";
  const rows = await db.selectFrom("experiments")
    .select(["id", "key", "name", "winner_variant", column])
    .where("bank_id", "=", bankId).where(column, ">=", start).where(column, "<", end)
    .orderBy(column).orderBy("key").execute();
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    at: (r as Record<string, unknown>)[column] as Date,
    winner: r.winner_variant,
  }));
}

/** The bank's alerts raised within [start, end), newest first. */
export async function alertsBetween(db: Db, bankId: string, start: Date, end: Date) {
  const rows = await withAlertTables(db).selectFrom("alerts as a")
    .innerJoin("experiments as e", "e.id", "a.experiment_id")
    .where("a.bank_id", "=", bankId).where("a.created_at", ">=", start)
    .where("a.created_at", "<", end)
    .select(["a.type", "e.key", "e.name", "a.created_at", "a.summary", "a.acked_at"])
    .orderBy("a.created_at", "desc").execute();
  return rows.map((r) => ({
    type: r.type,
    key: r.key,
    name: r.name,
    at: r.created_at,
    summary: r.summary,
    acked: r.acked_at !== null,
  }));
}

/** Open (unacknowledged) alerts per experiment of the bank. */
export async function openAlertCounts(db: Db, bankId: string): Promise<Map<string, number>> {
  const rows = await withAlertTables(db).selectFrom("alerts").select([
    "experiment_id",
    (eb) => eb.fn.countAll<string>().as("n"),
  ]).where("bank_id", "=", bankId).where("acked_at", "is", null).groupBy("experiment_id")
    .execute();
  return new Map(rows.map((r) => [r.experiment_id, Number(r.n)]));
}

/** Starts and stops of the bank scheduled within [from, to) and not yet carried out. */
export async function upcomingActions(
  db: Db,
  bankId: string,
  from: Date,
  to: Date,
): Promise<{ key: string; name: string; action: "start" | "stop"; at: Date }[]> {
  const { rows } = await sql<
    { key: string; name: string; action: "start" | "stop"; at: Date | string }
  >`
    select e.key, e.name, 'start' as action, s.start_at as at
    from experiment_schedules s join experiments e on e.id = s.experiment_id
    where s.bank_id = ${bankId} and e.bank_id = ${bankId} and e.status = 'draft'
      and s.start_at >= ${from} and s.start_at < ${to}
      and s.start_done_at is null and s.start_refused_at is null
    union all
    select e.key, e.name, 'stop' as action, s.stop_at as at
    from experiment_schedules s join experiments e on e.id = s.experiment_id
    where s.bank_id = ${bankId} and e.bank_id = ${bankId} and e.status in ('draft', 'running')
      and s.stop_at >= ${from} and s.stop_at < ${to}
      and s.stop_done_at is null and s.stop_refused_at is null
    order by at, key`.execute(db);
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}
