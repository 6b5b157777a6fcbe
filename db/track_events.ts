/**
 * Customer events tied to no experiment (`type: "track"`, issue 16): the bank's own facts
 * (`card_bound`, `deposit`, …) that the metric library measures.
 *
 * One statement per batch: `insert … select from json_to_recordset(…) on conflict do nothing
 * returning event_id`, the rows travelling as one JSON parameter (the SQL text is the same for
 * every batch, planned once per connection, and the same on PGlite and PostgreSQL). What comes
 * back was accepted; the rest are duplicates: an id the bank used before for a track event (the
 * primary key; a concurrent insert of the same id waits for the other and then counts as a
 * duplicate), or for an exposure or conversion (`where not exists` against `events`: a bank
 * has one id space). No aggregates are kept, so no locks are taken: metrics are computed from
 * the events at read time. The statement commits on its own before the answer is sent, so an
 * acknowledged event is durable.
 *
 * Track events of customers who opted out are stored too: they are the bank's facts, not a
 * contact, and leaving them out would bias the metrics of customers who opted out after their
 * exposure.
 */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

/** A validated track event. */
export interface TrackEvent {
  id: string;
  /** `[a-z0-9_]{1,64}` (checked by the caller and by the table). */
  event: string;
  unit: string;
  value: number | null;
  at: Date;
}

/** Rows per statement: a full API batch (5,000) is one statement. */
const ROWS_PER_STATEMENT = 5_000;

/**
 * Stores a batch of one bank's track events; returns how many were new. An id given twice
 * counts once (the first); the rest are duplicates.
 */
export async function ingestTrackEvents(
  db: Db,
  bankId: string,
  events: readonly TrackEvent[],
  now: Date,
): Promise<{ accepted: number; duplicates: number }> {
  const firstById = new Map<string, TrackEvent>();
  for (const e of events) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const unique = [...firstById.values()];
  let accepted = 0;
  for (let start = 0; start < unique.length; start += ROWS_PER_STATEMENT) {
    accepted += await insertTrackRows(
      db,
      bankId,
      unique.slice(start, start + ROWS_PER_STATEMENT),
      now,
    );
  }
  return { accepted, duplicates: events.length - accepted };
}

async function insertTrackRows(
  db: Db,
  bankId: string,
  rows: readonly TrackEvent[],
  now: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  let json = "[";
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i];
    if (i > 0) json += ",";
    json += `{"i":${JSON.stringify(e.id)},"n":"${e.event}","u":${JSON.stringify(e.unit)},"v":${
      e.value === null ? "null" : e.value
    },"a":"${e.at.toISOString()}"}`;
  }
  json += "]";
  // Sorted by id so two batches sharing ids take their row locks in one order.
  const { rows: inserted } = await sql<{ event_id: string }>`
    insert into track_events (bank_id, event_id, event, unit, value, occurred_at, received_at)
    select ${bankId}, r.i, r.n, r.u, r.v, r.a, ${now}
    from json_to_recordset(${json}::text::json)
      as r(i text, n text, u text, v float8, a timestamptz)
    where not exists (select 1 from events x where x.bank_id = ${bankId} and x.event_id = r.i)
    order by r.i
    on conflict (bank_id, event_id) do nothing
    returning event_id`.execute(db);
  return inserted.length;
}

/** How many track events a bank has (tests, the benchmark's exactness check). */
export async function countTrackEvents(db: Db, bankId: string): Promise<number> {
  const row = await db.selectFrom("track_events").select((eb) => eb.fn.countAll<string>().as("n"))
    .where("bank_id", "=", bankId).executeTakeFirstOrThrow();
  return Number(row.n);
}
