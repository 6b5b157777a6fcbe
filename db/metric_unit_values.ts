/**
 * Incremental metric snapshots (issue 16: a new event shows in results within 60 s at ten million
 * events). Each (experiment, metric, definition version) keeps its exposed customers' values in
 * `metric_unit_values` (migration 0019: arm, allocation period, x and y, exactly what
 * db/metric_values.ts computes per customer), and its refresh state in `metric_unit_builds`.
 *
 * - **First build** (no state, or a new definition version): every exposed customer's value from
 *   all the events, as the full read-out computes it; the rows of older versions of the metric go.
 * - **Later rounds** recompute only the customers whose inputs may have changed since the last
 *   round's watermark W: those with a `track` event of the metric's event names (the `opt_out`
 *   metric: an opt-out) received at or after W (BRIN on `received_at`), or an exposure or
 *   conversion of the experiment received at or after W (first exposures, an earlier exposure
 *   moving the window), bandit proportions also a new assignment (its allocation period); metrics
 *   without a window (they end at the experiment's stop, or at now while it runs) also those with
 *   an event between the last round's end and this one's (an event with a future time that the
 *   moving end now reaches). Each is recomputed from all of their events with the read-out's own
 *   SQL (`perUnitValues`), so a late event with an old `occurred_at` counts exactly as in a full
 *   computation. Then the per-arm sums and the percentile cap are read from the table
 *   (`perArmSums`): the same numbers as a full recomputation, floats up to summation order.
 * - **The watermark.** `received_at` is the ingesting instance's clock when its request began, not
 *   the commit time: a batch in a transaction that commits after this round reads the events may
 *   carry an earlier `received_at`. So a round takes W' = (the earliest of the database's now, the
 *   refresh's now and the start of every open transaction in the database, `pg_stat_activity`)
 *   minus {@link WATERMARK_MARGIN_MS}, before it reads anything, and the next round reads from W'.
 *   A row with `received_at` < W' was therefore written by a transaction that had committed
 *   before this round's reads (its start is later than its `received_at`, and it was not open when
 *   the round began), unless its request waited longer than the margin between taking its clock
 *   and starting its transaction (a pooled connection is waited for at most 10 s) or the
 *   instances' clocks differ by more than the margin. Reading a customer again is harmless (the
 *   value is recomputed from all their events), so the margin costs only the customers with
 *   events in the last minute.
 * - **Erasure.** `metric_unit_values` has `bank_id` and `unit`, so erasing a customer
 *   (db/erasure.ts) rewrites its rows to the token like every customer table; erasure takes the
 *   experiments' refresh locks first ({@link lockRefreshesOfBank}), so no round in flight writes
 *   the erased id back.
 *
 * A round runs in the caller's transaction, under the experiment's advisory lock (the refresher's
 * `pg_try_advisory_xact_lock`, or a blocking one here for a request's recomputation), so two
 * instances never refresh one experiment's customers at once.
 */
import { sql } from "kysely";
import type { MetricStats } from "../lib/metrics/analysis.ts";
import {
  type MetricSumsRow,
  type MetricValuesQuery,
  perArmSums,
  perUnitValues,
  toStats,
  trackValues,
} from "./metric_values.ts";
import type { Db } from "./schema.ts";

/** How far before the round's start its watermark is taken (see the module comment). */
export const WATERMARK_MARGIN_MS = 60_000;
/** Namespace of the per-experiment refresh lock (first key of `pg_*advisory_xact_lock`). */
export const REFRESH_LOCK_NAMESPACE = 0x4d53;

interface BuildState {
  watermark: Date;
  window_end: Date;
}

/** How a round went (the benchmark and tests read it). */
export interface RoundReport {
  full: boolean;
  /** Customers recomputed (all exposed customers for a full build). */
  customers: number;
}

/**
 * Waits for the experiment's refresh lock in the current transaction (reentrant: a transaction
 * that holds it already goes on).
 */
export async function lockRefresh(trx: Db, experimentId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${REFRESH_LOCK_NAMESPACE}, hashtext(${experimentId}))`
    .execute(trx);
}

/**
 * Takes the refresh locks of every experiment of the bank that has per-customer values, in one
 * order (erasure: a round in flight finishes first, and none starts until the caller commits).
 */
export async function lockRefreshesOfBank(trx: Db, bankId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${REFRESH_LOCK_NAMESPACE}, hashtext(s.id)) from (
      select distinct cast(experiment_id as text) as id from metric_unit_builds
      where bank_id = ${bankId} order by 1
    ) s`.execute(trx);
}

/**
 * One round of the metric's incremental refresh (see the module comment), in the caller's
 * transaction, which must hold the experiment's refresh lock; returns the per-arm statistics.
 */
export async function refreshMetricValues(
  trx: Db,
  q: MetricValuesQuery,
  report?: (r: RoundReport) => void,
): Promise<MetricStats> {
  const d = q.definition;
  const key = sql`experiment_id = ${q.experimentId} and metric_key = ${d.key}
    and version = ${d.version}`;
  const state = (await sql<BuildState>`select watermark, window_end from metric_unit_builds
    where ${key}`.execute(trx)).rows[0];
  const watermark =
    (await sql<{ w: Date }>`select least(now(), cast(${q.now.toISOString()} as timestamptz),
      coalesce((select min(xact_start) from pg_stat_activity
        where datname = current_database()), now()))
      - cast(${WATERMARK_MARGIN_MS} as integer) * interval '1 millisecond' as w`.execute(trx))
      .rows[0].w;
  // The changed customers are read first, so the planner knows how few they are (a semi-join
  // with the union inline was estimated at every customer: hash joins over all the events).
  const changed = state
    ? (await sql<{ unit: string }>`${changedUnits(q, byPeriodOf(q), state)}`.execute(trx)).rows
      .map((r) => r.unit)
    : null;
  const { byPeriod, ctes } = changed
    ? perUnitValues(
      q,
      sql`select json_array_elements_text(cast(cast(${JSON.stringify(changed)} as text) as json))`,
    )
    : perUnitValues(q);
  if (!state) {
    await sql`delete from metric_unit_values
      where experiment_id = ${q.experimentId} and metric_key = ${d.key}`.execute(trx);
    await sql`delete from metric_unit_builds
      where experiment_id = ${q.experimentId} and metric_key = ${d.key}`.execute(trx);
  }
  const written = await sql`with ${ctes}
    insert into metric_unit_values
      (experiment_id, bank_id, metric_key, version, unit, variant, period, x, y)
    select ${q.experimentId}, ${q.bankId}, ${d.key}, ${d.version}, unit, variant, period, x, y
    from unit_values
    on conflict (experiment_id, metric_key, version, unit) do update
      set variant = excluded.variant, period = excluded.period, x = excluded.x, y = excluded.y`
    .execute(trx);
  await sql`insert into metric_unit_builds
      (experiment_id, bank_id, metric_key, version, watermark, window_end, built_at, refreshed_at)
    values (${q.experimentId}, ${q.bankId}, ${d.key}, ${d.version},
      cast(${new Date(watermark).toISOString()} as timestamptz),
      cast(${q.end.toISOString()} as timestamptz),
      now(), now())
    on conflict (experiment_id, metric_key, version) do update
      set watermark = excluded.watermark, window_end = excluded.window_end,
        refreshed_at = excluded.refreshed_at`.execute(trx);
  report?.({ full: !state, customers: Number(written.numAffectedRows ?? 0) });
  const sums = await sql<MetricSumsRow>`with unit_values as (
      select variant, period, x, y from metric_unit_values where ${key}
    ),
    ${perArmSums(d, sql`unit_values`)}`.execute(trx);
  return toStats(sums.rows, q, byPeriod);
}

const iso = (t: Date) => sql`cast(${t.toISOString()} as timestamptz)`;

function byPeriodOf(q: MetricValuesQuery): boolean {
  return !!q.allocationIds && q.definition.kind === "proportion";
}

/** The customers whose value may have changed since the round that left `state`. */
function changedUnits(q: MetricValuesQuery, byPeriod: boolean, state: BuildState) {
  const d = q.definition;
  const since = new Date(state.watermark);
  const previousEnd = new Date(state.window_end);
  const [lo, hi] = previousEnd < q.end ? [previousEnd, q.end] : [q.end, previousEnd];
  const endMoved = d.windowHours === null && lo.getTime() !== hi.getTime();
  const parts = [];
  if (d.source === "opt_outs") {
    parts.push(sql`select unit from opt_outs
      where bank_id = ${q.bankId} and created_at >= ${iso(since)}`);
    if (endMoved) {
      parts.push(sql`select unit from opt_outs
        where bank_id = ${q.bankId} and created_at >= ${iso(lo)} and created_at < ${iso(hi)}`);
    }
  } else {
    const names = sql.join(trackValues(d).events.map((name) => sql`${name}`));
    parts.push(sql`select unit from track_events
      where bank_id = ${q.bankId} and event in (${names}) and received_at >= ${iso(since)}`);
    if (endMoved) {
      parts.push(sql`select unit from track_events
        where bank_id = ${q.bankId} and event in (${names})
          and occurred_at >= ${iso(lo)} and occurred_at < ${iso(hi)}`);
    }
  }
  parts.push(sql`select unit from events
    where experiment_id = ${q.experimentId} and received_at >= ${iso(since)}`);
  if (byPeriod) {
    parts.push(sql`select unit from assignments
      where experiment_id = ${q.experimentId} and assigned_at >= ${iso(since)}`);
  }
  return sql`${sql.join(parts, sql` union `)}`;
}
