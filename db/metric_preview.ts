/**
 * The metric form's preview: what the bank's `track` events with the chosen names look like
 * lately, so a misspelt event name shows before the metric is saved. One grouped read over
 * `track_events_unit_idx` (bank, event, unit, occurred_at), bounded by the window.
 */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

/** How far back the preview looks. */
export const PREVIEW_HOURS = 7 * 24;
/** Values shown per event. */
export const PREVIEW_SAMPLE = 5;

export interface EventPreview {
  event: string;
  /** Events received with this name in the window. */
  events: number;
  /** Distinct customers (units) among them. */
  customers: number;
  /** The latest non-null values, newest first (at most `PREVIEW_SAMPLE`). */
  sample: number[];
}

/**
 * For each of `events` (deduplicated, in the given order), its count, distinct customers and a
 * sample of values over the `PREVIEW_HOURS` before `now`; an event with none has zeros.
 */
export async function previewEvents(
  db: Db,
  bankId: string,
  events: readonly string[],
  now: Date,
): Promise<EventPreview[]> {
  const names = [...new Set(events)];
  if (names.length === 0) return [];
  const since = new Date(now.getTime() - PREVIEW_HOURS * 3_600_000);
  const rows = await db.selectFrom("track_events")
    .select([
      "event",
      sql<string>`count(*)`.as("events"),
      sql<string>`count(distinct unit)`.as("customers"),
      sql<number[] | null>`(array_agg(value order by occurred_at desc, event_id)
        filter (where value is not null))[1:${sql.lit(PREVIEW_SAMPLE)}]`.as("sample"),
    ])
    .where("bank_id", "=", bankId)
    .where("event", "in", names)
    .where("occurred_at", ">", since)
    .where("occurred_at", "<=", now)
    .groupBy("event")
    .execute();
  const found = new Map(rows.map((r) => [r.event, r]));
  return names.map((event) => {
    const row = found.get(event);
    return {
      event,
      events: Number(row?.events ?? 0),
      customers: Number(row?.customers ?? 0),
      sample: (row?.sample ?? []).map(Number),
    };
  });
}
