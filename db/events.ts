/**
 * Event ingestion with its aggregates. In the caller's transaction:
 *
 * 1. advisory locks, so concurrent batches about the same customer apply one after the other
 *    (no lost update): per experiment, exclusive for a batch touching more than
 *    `UNIT_LOCKS_UP_TO` of its customers, else shared plus one lock per customer. Experiment
 *    locks come first, each level in sorted order, so batches never deadlock, and a batch holds
 *    few locks (one per customer of a 5,000-event batch exhausted PostgreSQL's shared lock
 *    table, `max_locks_per_transaction × max_connections` slots, and failed with a 5xx);
 * 2. the events, one multi-row `insert … on conflict (bank_id, event_id) do nothing returning
 *    event_id` in id order (two batches sharing ids cannot deadlock): what comes back was
 *    accepted, the rest are duplicates (an id seen before, or earlier in the same batch);
 * 3. the outcomes of the customers the accepted events touch and their difference added to
 *    `daily_stats` (`event_outcomes.ts`).
 *
 * So aggregates change exactly once per accepted event, never for a duplicate, in the
 * transaction that stores the event, and a results page reads `daily_stats` only. Rows travel
 * as one JSON parameter per statement: the SQL text is the same for every batch (planned once
 * per connection) and the same on PGlite and PostgreSQL.
 */
import { sql, type Transaction } from "kysely";
import { fnv1a32 } from "../lib/experiments/assignment.ts";
import { updateOutcomes } from "./event_outcomes.ts";
import type { Database } from "./schema.ts";

/** An event that passed validation and eligibility; `variant` is the server-assigned arm. */
export interface AcceptedEvent {
  id: string;
  experimentId: string;
  unit: string;
  variant: string;
  type: "exposure" | "conversion";
  value: number | null;
  /** Exposures only: the pre-period value of the metric (CUPED covariate). */
  covariate: number | null;
  at: Date;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** Namespaces of the advisory locks taken here (first key of `pg_advisory_xact_lock(int, int)`). */
const UNIT_LOCKS = 0x4c4c;
const EXPERIMENT_LOCKS = 0x4c45;
/** A batch touching more customers of an experiment locks the whole experiment. */
export const UNIT_LOCKS_UP_TO = 64;

/** Stores a batch of events of one bank and updates the aggregates (see the module comment). */
export async function ingestEvents(
  trx: Transaction<Database>,
  bankId: string,
  events: readonly AcceptedEvent[],
  now: Date,
): Promise<IngestResult> {
  const firstById = new Map<string, AcceptedEvent>();
  for (const e of events) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const unique = [...firstById.values()];
  if (unique.length === 0) return { accepted: 0, duplicates: events.length };

  await lock(trx, unique);
  const json = JSON.stringify(unique.map((e) => ({
    i: e.id,
    e: e.experimentId,
    u: e.unit,
    t: e.type,
    v: e.value,
    c: e.covariate,
    a: e.at.toISOString(),
  })));
  const { rows } = await sql<{ event_id: string }>`
    insert into events
      (bank_id, event_id, experiment_id, unit, type, value, covariate, occurred_at, received_at)
    select ${bankId}, i, e, u, t, v, c, a, ${now}
    from json_to_recordset(${json}::text::json)
      as r(i text, e uuid, u text, t text, v float8, c float8, a timestamptz)
    order by i
    on conflict (bank_id, event_id) do nothing
    returning event_id`.execute(trx);
  const inserted = new Set(rows.map((r) => r.event_id));
  const accepted = unique.filter((e) => inserted.has(e.id));
  await updateOutcomes(trx, bankId, accepted);
  return { accepted: accepted.length, duplicates: events.length - accepted.length };
}

/** The locks of step 1, in one statement: experiment level first, then customers. */
async function lock(trx: Transaction<Database>, events: readonly AcceptedEvent[]) {
  const units = new Map<string, Set<string>>();
  for (const e of events) {
    const set = units.get(e.experimentId) ?? new Set<string>();
    set.add(e.unit);
    units.set(e.experimentId, set);
  }
  const experiments = [...units].map(([id, set]) => ({
    n: EXPERIMENT_LOCKS,
    k: fnv1a32(id) | 0,
    x: set.size > UNIT_LOCKS_UP_TO,
  })).sort((a, b) => a.k - b.k);
  const customers = [...units].filter(([, set]) => set.size <= UNIT_LOCKS_UP_TO)
    .flatMap(([id, set]) => [...set].map((unit) => fnv1a32(`${id}:${unit}`) | 0))
    .sort((a, b) => a - b)
    .map((k) => ({ n: UNIT_LOCKS, k, x: true }));
  const json = JSON.stringify([...experiments, ...customers]);
  await sql`select case when l.x then pg_advisory_xact_lock(l.n, l.k)
      else pg_advisory_xact_lock_shared(l.n, l.k) end
    from json_to_recordset(${json}::text::json) as l(n int4, k int4, x boolean)`.execute(trx);
}
