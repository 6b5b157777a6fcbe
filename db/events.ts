/**
 * Event ingestion with its aggregates. `ingestEvents` works in the caller's transaction:
 *
 * 1. advisory locks, so concurrent batches about the same customer apply one after the other
 *    (no lost update). An experiment's customers fall in `BUCKETS` buckets by hash; a
 *    transaction touching at most `BUCKET_LOCKS_UP_TO` buckets of an experiment takes the
 *    experiment's lock shared and those buckets' locks, else the experiment's lock exclusive.
 *    Experiment locks come first, each level in sorted order, so batches never deadlock, and a
 *    transaction holds few locks (one per customer of a 5,000-event batch exhausted
 *    PostgreSQL's shared lock table, `max_locks_per_transaction × max_connections` slots, and
 *    failed with a 5xx);
 * 2. the events, one multi-row `insert … on conflict (bank_id, event_id) do nothing returning
 *    event_id` in id order (two batches sharing ids cannot deadlock): what comes back was
 *    accepted, the rest are duplicates (an id seen before, or earlier in the same batch, or
 *    used by one of the bank's `track` events: `track_events.ts`, one id space per bank);
 * 3. the outcomes of the customers the accepted events touch and their difference added to
 *    `daily_stats` (`event_outcomes.ts`).
 *
 * So aggregates change exactly once per accepted event, never for a duplicate, in the
 * transaction that stores the event, and a results page reads `daily_stats` only.
 * `ingestEventBatch` splits a large batch by bucket into a few transactions committed side by
 * side (their buckets differ, so they do not wait for each other): events are idempotent, so a
 * batch needs no single transaction, only that its answer waits for all of them. Rows travel
 * as one JSON parameter per statement: the SQL text is the same for every batch (planned once
 * per connection) and the same on PGlite and PostgreSQL.
 */
import { type Kysely, sql, type Transaction } from "kysely";
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
const BUCKET_LOCKS = 0x4c42;
const EXPERIMENT_LOCKS = 0x4c45;
/** Customer buckets per experiment, the unit of locking. */
export const BUCKETS = 64;
/** A transaction touching more buckets of an experiment locks the whole experiment. */
export const BUCKET_LOCKS_UP_TO = 16;
/** Largest number of transactions `ingestEventBatch` splits a batch into, and rows per part. */
const MAX_PARTS = BUCKETS / BUCKET_LOCKS_UP_TO;
const ROWS_PER_PART = 250;

/** The bucket of a customer of an experiment. */
function bucketOf(experimentId: string, unit: string): number {
  return fnv1a32(`${experimentId}:${unit}`) % BUCKETS;
}

/**
 * Stores a batch of events of one bank in up to four transactions committed side by side (see
 * the module comment); returns once all committed. An id given twice counts once, the first.
 */
export async function ingestEventBatch(
  db: Kysely<Database>,
  bankId: string,
  events: readonly AcceptedEvent[],
  now: Date,
): Promise<IngestResult> {
  const firstById = new Map<string, AcceptedEvent>();
  for (const e of events) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const parts = Math.min(MAX_PARTS, Math.ceil(firstById.size / ROWS_PER_PART));
  const split: AcceptedEvent[][] = Array.from({ length: Math.max(parts, 1) }, () => []);
  for (const e of firstById.values()) {
    split[bucketOf(e.experimentId, e.unit) % split.length].push(e);
  }
  const results = await Promise.all(
    split.filter((part) => part.length > 0).map((part) =>
      db.transaction().execute((trx) => ingestEvents(trx, bankId, part, now))
    ),
  );
  const accepted = results.reduce((n, r) => n + r.accepted, 0);
  return { accepted, duplicates: events.length - accepted };
}

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
    where not exists
      (select 1 from track_events x where x.bank_id = ${bankId} and x.event_id = r.i)
    order by i
    on conflict (bank_id, event_id) do nothing
    returning event_id`.execute(trx);
  const inserted = new Set(rows.map((r) => r.event_id));
  const accepted = unique.filter((e) => inserted.has(e.id));
  await updateOutcomes(trx, bankId, accepted);
  return { accepted: accepted.length, duplicates: events.length - accepted.length };
}

/** The locks of step 1, in one statement: experiment level first, then buckets. */
async function lock(trx: Transaction<Database>, events: readonly AcceptedEvent[]) {
  const buckets = new Map<string, Set<number>>();
  for (const e of events) {
    const set = buckets.get(e.experimentId) ?? new Set<number>();
    set.add(bucketOf(e.experimentId, e.unit));
    buckets.set(e.experimentId, set);
  }
  const experiments = [...buckets].map(([id, set]) => ({
    n: EXPERIMENT_LOCKS,
    k: fnv1a32(id) | 0,
    x: set.size > BUCKET_LOCKS_UP_TO,
  })).sort((a, b) => a.k - b.k);
  const bucketLocks = [...buckets].filter(([, set]) => set.size <= BUCKET_LOCKS_UP_TO)
    .flatMap(([id, set]) => [...set].map((bucket) => fnv1a32(`${id}#${bucket}`) | 0))
    .sort((a, b) => a - b)
    .map((k) => ({ n: BUCKET_LOCKS, k, x: true }));
  const json = JSON.stringify([...experiments, ...bucketLocks]);
  await sql`select case when l.x then pg_advisory_xact_lock(l.n, l.k)
      else pg_advisory_xact_lock_shared(l.n, l.k) end
    from json_to_recordset(${json}::text::json) as l(n int4, k int4, x boolean)`.execute(trx);
}
