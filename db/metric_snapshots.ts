/**
 * The metric library's read-outs from snapshots (migration 0011), so results cost the same for
 * ten million events as for ten thousand:
 *
 * - `experimentMetricStats` gives the statistics of an experiment's metrics: a snapshot younger
 *   than `SNAPSHOT_FRESH_MS` is used as is; an older one is used too while it is recomputed in the
 *   background (so a page never waits for ten million events); a missing one (a metric added
 *   later, a new version of its definition) is computed now from the stored events
 *   (db/metric_values.ts) and stored. The built-ins `conversion` / `conversion_value` read `daily_stats` (kept up to date
 *   by ingestion) and need no snapshot.
 * - `startMetricRefresher` recomputes the snapshots of running experiments every
 *   `REFRESH_EVERY_MS`, so a new event shows in results within about REFRESH_EVERY_MS plus one
 *   round. Several app instances may run it: each experiment is refreshed in a transaction
 *   under a try-advisory-lock (another instance busy with it skips it), and a refresh whose
 *   snapshots are younger than half the interval is skipped (another instance just did it).
 * - Every recomputation of a snapshot (refresher or request) is an incremental round
 *   (db/metric_unit_values.ts): the first builds every customer's value, later ones recompute
 *   only the customers with new events, exposures or opt-outs, then sum the per-customer table.
 */
import { type Kysely, sql } from "kysely";
import type { MetricStats } from "../lib/metrics/analysis.ts";
import type { MetricDefinition } from "../lib/metrics/definition.ts";
import { computeMetricValues, type MetricValuesQuery } from "./metric_values.ts";
import {
  lockRefresh,
  REFRESH_LOCK_NAMESPACE,
  refreshMetricValues,
  type RoundReport,
} from "./metric_unit_values.ts";
import type { Database, Db } from "./schema.ts";
import { jsonb } from "./json.ts";

/** How long a results request waits for a metric's first snapshot before answering `computing`. */
export const FIRST_COMPUTE_WAIT_MS = 5_000;
/** Results use a snapshot younger than this. */
export const SNAPSHOT_FRESH_MS = 30_000;
/** The refresher's interval. */
export const REFRESH_EVERY_MS = 15_000;
/** Namespace of the advisory locks taken here (first key of `pg_try_advisory_xact_lock`). */
const LOCK_NAMESPACE = REFRESH_LOCK_NAMESPACE;

/** What the computation needs to know about the experiment. */
export interface SnapshotExperiment {
  id: string;
  bankId: string;
  mode: "ab" | "bandit";
  stoppedAt: Date | null;
  /** Arms, control first. */
  variants: readonly string[];
  /** Bandits: allocation ids in period order; null for A/B. */
  allocationIds: readonly string[] | null;
}

const needsSnapshot = (d: MetricDefinition) => d.source !== "experiment_conversions";

function queryOf(e: SnapshotExperiment, d: MetricDefinition, now: Date): MetricValuesQuery {
  return {
    bankId: e.bankId,
    experimentId: e.id,
    variants: e.variants,
    definition: d,
    end: e.stoppedAt ?? now,
    allocationIds: e.allocationIds,
    now,
  };
}

/** A full read-out from the events, stored nowhere (built-ins, frozen experiments). */
function compute(db: Db, e: SnapshotExperiment, d: MetricDefinition, now: Date) {
  return computeMetricValues(db, queryOf(e, d, now));
}

/**
 * A snapshot's statistics by an incremental round (db/metric_unit_values.ts) and the snapshot
 * written, in one transaction under the experiment's refresh lock (waited for: a request that
 * needs the numbers waits for a refresher's round in flight rather than doing it twice).
 */
function snapshotRound(
  db: Db,
  e: SnapshotExperiment,
  d: MetricDefinition,
  now: Date,
  report?: (r: RoundReport) => void,
): Promise<MetricStats> {
  const run = async (trx: Db) => {
    await lockRefresh(trx, e.id);
    await sql`select set_config('work_mem', '64MB', true)`.execute(trx);
    const stats = await refreshMetricValues(trx, queryOf(e, d, now), report);
    await writeSnapshot(trx, e, d, stats);
    return stats;
  };
  return db.isTransaction ? run(db) : (db as Kysely<Database>).transaction().execute(run);
}

interface SnapshotRow {
  metric_key: string;
  version: number;
  stats: MetricStats;
  computed_at: Date;
}

async function readSnapshots(
  db: Db,
  experimentId: string,
  keys: readonly string[],
): Promise<SnapshotRow[]> {
  if (keys.length === 0) return [];
  const rows = await sql<SnapshotRow>`select metric_key, version, stats, computed_at
    from metric_snapshots
    where experiment_id = ${experimentId}
      and metric_key in (${sql.join(keys.map((k) => sql`${k}`))})`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    stats: typeof r.stats === "string" ? JSON.parse(r.stats) : r.stats,
    computed_at: new Date(r.computed_at),
  }));
}

async function writeSnapshot(
  db: Db,
  e: SnapshotExperiment,
  d: MetricDefinition,
  stats: MetricStats,
): Promise<void> {
  await sql`insert into metric_snapshots
      (experiment_id, bank_id, metric_key, version, stats, computed_at)
    values (${e.id}, ${e.bankId}, ${d.key}, ${d.version},
      ${jsonb(stats)}, ${stats.computedAt})
    on conflict (experiment_id, metric_key, version) do update
      set stats = excluded.stats, computed_at = excluded.computed_at
      where metric_snapshots.computed_at < excluded.computed_at`.execute(db);
}

/** Recomputations started by requests and not finished yet (this instance), by snapshot key. */
const inFlight = new Map<string, Promise<MetricStats>>();
/**
 * Background recomputations run one after another: each holds a database connection for as long
 * as it reads the events (minutes at ten million), and ten at once would take the whole pool
 * from the requests (which then answer 503).
 */
let backgroundQueue: Promise<unknown> = Promise.resolve();
/** Databases being closed: their queued background recomputations are dropped, not run. */
const closing = new WeakSet<object>();

/** A queued background recomputation dropped because its database is closing. */
class RecomputationDropped extends Error {}

/**
 * Before closing `db` (shutdown): background recomputations still queued for it are dropped
 * (the next results view or refresher round makes them again) and the one running finishes.
 */
export async function stopBackgroundRecomputations(db: Db): Promise<void> {
  closing.add(db);
  await backgroundQueue;
}

/**
 * Computes and stores one metric's snapshot, once at a time per snapshot in this instance;
 * `background` queues it behind the other background recomputations.
 */
function recompute(
  db: Db,
  e: SnapshotExperiment,
  d: MetricDefinition,
  now: Date,
  background = false,
): Promise<MetricStats> {
  const id = `${e.id}\u0000${d.key}\u0000${d.version}`;
  const running = inFlight.get(id);
  if (running) return running;
  const run = () => {
    if (closing.has(db)) throw new RecomputationDropped();
    return snapshotRound(db, e, d, background ? new Date() : now);
  };
  const work = (background ? backgroundQueue.then(run) : run())
    .finally(() => inFlight.delete(id));
  if (background) backgroundQueue = work.catch(() => {});
  inFlight.set(id, work);
  return work;
}

/**
 * The statistics of each metric (by key):
 * - a snapshot younger than `maxAgeMs` (default {@link SNAPSHOT_FRESH_MS}) as it is;
 * - an older one of the same definition version is returned at once (stale-while-revalidate:
 *   a results page never waits for a recomputation) and recomputed in the background; it is
 *   marked `stale` when older than twice `maxAgeMs` (the refresher should have kept it fresh);
 * - none (a metric added later, a new version) is computed now from the stored events; when that
 *   takes longer than `computeWaitMs` (default {@link FIRST_COMPUTE_WAIT_MS}: an experiment with
 *   millions of events, about 35 s a metric at ten million) the metric is answered as
 *   `computing` (no figures) and its computation goes on: a results page answers in seconds, and
 *   the recommendation waits for the primary metric and the guardrails (`METRICS_COMPUTING`).
 * `wait: true` recomputes every snapshot older than `maxAgeMs` before answering, and waits for
 * every first computation.
 *
 * An experiment whose raw events the retention purge removed (`raw_events_purged_at`,
 * db/retention.ts) is frozen: its snapshots are used as they are, whatever their age, and
 * never recomputed; a metric without a snapshot of its current version shows the newest
 * snapshot of another version, or else what the remaining events give.
 */
export async function experimentMetricStats(
  db: Db,
  e: SnapshotExperiment,
  definitions: readonly MetricDefinition[],
  options: { now: Date; maxAgeMs?: number; wait?: boolean; computeWaitMs?: number },
): Promise<Map<string, MetricStats>> {
  const {
    now,
    maxAgeMs = SNAPSHOT_FRESH_MS,
    wait = false,
    computeWaitMs = FIRST_COMPUTE_WAIT_MS,
  } = options;
  const out = new Map<string, MetricStats>();
  const library = definitions.filter(needsSnapshot);
  const [snapshots, frozen] = await Promise.all([
    readSnapshots(db, e.id, library.map((d) => d.key)),
    e.stoppedAt && library.length ? isFrozen(db, e.id) : false,
  ]);
  const stored = (d: MetricDefinition) =>
    snapshots.find((s) =>
      s.metric_key === d.key && s.version === d.version &&
      s.stats.arms?.length === e.variants.length
    );
  await Promise.all(definitions.map(async (d) => {
    if (!needsSnapshot(d)) {
      out.set(d.key, await compute(db, e, d, now));
      return;
    }
    const snapshot = stored(d);
    if (frozen) {
      const kept = snapshot ?? snapshots
        .filter((s) => s.metric_key === d.key && s.stats.arms?.length === e.variants.length)
        .sort((a, b) => b.computed_at.getTime() - a.computed_at.getTime())[0];
      out.set(d.key, kept ? kept.stats : await compute(db, e, d, now));
      return;
    }
    const age = snapshot ? now.getTime() - snapshot.computed_at.getTime() : Infinity;
    if (snapshot && age < maxAgeMs) {
      out.set(d.key, snapshot.stats);
    } else if (snapshot && !wait) {
      out.set(d.key, { ...snapshot.stats, stale: age > 2 * maxAgeMs });
      recompute(db, e, d, now, true).catch((error) => {
        if (error instanceof RecomputationDropped) return;
        console.error(`metric snapshot ${d.key} of experiment ${e.id} failed:`, error);
      });
    } else if (wait) {
      out.set(d.key, await recompute(db, e, d, now));
    } else {
      out.set(d.key, await firstComputation(recompute(db, e, d, now), computeWaitMs, now, d, e));
    }
  }));
  return out;
}

/**
 * A metric's first snapshot, or after `waitMs` a `computing` placeholder while it goes on being
 * built (it stays in flight: the next view finds it, or its snapshot).
 */
async function firstComputation(
  work: Promise<MetricStats>,
  waitMs: number,
  now: Date,
  d: MetricDefinition,
  e: SnapshotExperiment,
): Promise<MetricStats> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const placeholder: MetricStats = {
    arms: [],
    periods: null,
    capValue: null,
    computedAt: now.toISOString(),
    computing: true,
  };
  const late = new Promise<MetricStats>((resolve) => {
    timer = setTimeout(() => resolve(placeholder), waitMs);
  });
  try {
    const first = await Promise.race([work, late]);
    // Answered without it: a later failure is logged here, not thrown at anyone.
    if (first === placeholder) {
      work.catch((error) => {
        if (error instanceof RecomputationDropped) return;
        console.error(`metric snapshot ${d.key} of experiment ${e.id} failed:`, error);
      });
    }
    return first;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the retention purge froze the experiment's snapshots (db/retention.ts). */
async function isFrozen(db: Db, experimentId: string): Promise<boolean> {
  const row = await db.selectFrom("experiments").where("id", "=", experimentId)
    .select("raw_events_purged_at").executeTakeFirst();
  return !!row?.raw_events_purged_at;
}

/**
 * Recomputes the snapshots of one experiment under its advisory lock; false when another
 * instance holds the lock or refreshed it less than `skipYoungerMs` ago.
 */
export async function refreshSnapshots(
  db: Kysely<Database>,
  e: SnapshotExperiment,
  definitions: readonly MetricDefinition[],
  options: { now: () => Date; skipYoungerMs?: number; report?: (r: RoundReport) => void },
): Promise<boolean> {
  const library = definitions.filter(needsSnapshot);
  if (library.length === 0) return false;
  return await db.transaction().execute(async (trx) => {
    const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(
      ${LOCK_NAMESPACE}, hashtext(${e.id})) as locked`.execute(trx);
    if (!lock.rows[0]?.locked) return false;
    // Sorts and hashes of a million customers in memory rather than on disk (this transaction).
    await sql`select set_config('work_mem', '64MB', true)`.execute(trx);
    const now = options.now();
    if (options.skipYoungerMs) {
      const snapshots = await readSnapshots(trx, e.id, library.map((d) => d.key));
      const young = library.every((d) =>
        snapshots.some((s) =>
          s.metric_key === d.key && s.version === d.version &&
          now.getTime() - s.computed_at.getTime() < options.skipYoungerMs!
        )
      );
      if (young) return false;
    }
    for (const d of library) {
      const stats = await refreshMetricValues(trx, queryOf(e, d, now), options.report);
      await writeSnapshot(trx, e, d, stats);
    }
    return true;
  });
}

/** Running experiments with their arms and (bandits) allocations, for the refresher. */
export async function runningExperiments(
  db: Db,
): Promise<(SnapshotExperiment & { metricKeys: string[] })[]> {
  const rows = await sql<{
    id: string;
    bank_id: string;
    mode: "ab" | "bandit";
    stopped_at: Date | null;
    metrics: { primary: string; secondary?: string[]; guardrails?: string[] } | string;
    variants: string[] | string;
    allocations: string[] | string | null;
  }>`select x.id, x.bank_id, x.mode, x.stopped_at, x.metrics,
      (select json_agg(v.name order by v.position) from variants v where v.experiment_id = x.id)
        as variants,
      (select json_agg(a.id order by a.computed_at, a.id) from allocations a
        where a.experiment_id = x.id) as allocations
    from experiments x where x.status = 'running' order by x.id`.execute(db);
  const parse = <T>(v: T | string): T => typeof v === "string" ? JSON.parse(v) : v;
  return rows.rows.map((r) => {
    const m = parse(r.metrics);
    return {
      id: r.id,
      bankId: r.bank_id,
      mode: r.mode,
      stoppedAt: r.stopped_at ? new Date(r.stopped_at) : null,
      variants: parse(r.variants) ?? [],
      allocationIds: r.mode === "bandit" ? (parse(r.allocations) ?? []).map(String) : null,
      metricKeys: [...new Set([m.primary, ...(m.secondary ?? []), ...(m.guardrails ?? [])])],
    };
  });
}

/**
 * Starts the refresher: every `everyMs` (default {@link REFRESH_EVERY_MS}) each running
 * experiment's snapshots are recomputed unless younger than half the interval. `definitionsOf`
 * resolves metric keys of a bank (db/metrics.ts `metricsByKeys`). Errors are logged and the
 * refresher goes on. Returns a stop function that waits for a round in progress.
 */
export function startMetricRefresher(
  db: Kysely<Database>,
  definitionsOf: (
    db: Kysely<Database>,
    bankId: string,
    keys: readonly string[],
  ) => Promise<ReadonlyMap<string, MetricDefinition>>,
  options: { everyMs?: number; now?: () => Date } = {},
): () => Promise<void> {
  const { everyMs = REFRESH_EVERY_MS, now = () => new Date() } = options;
  let round: Promise<void> = Promise.resolve();
  let busy = false;
  // An experiment whose refresh took long waits three times as long before the next one, so the
  // refresher takes at most about a quarter of the database's time (PGlite runs one query at a
  // time: a refresh of millions of events would otherwise leave little time for anything else).
  const nextDue = new Map<string, number>();
  const tick = () => {
    if (busy) return;
    busy = true;
    round = round.then(async () => {
      try {
        for (const e of await runningExperiments(db)) {
          if ((nextDue.get(e.id) ?? 0) > Date.now()) continue;
          const found = await definitionsOf(db, e.bankId, e.metricKeys);
          const started = Date.now();
          await refreshSnapshots(db, e, [...found.values()], {
            now,
            skipYoungerMs: everyMs / 2,
          });
          const took = Date.now() - started;
          nextDue.set(e.id, Date.now() + Math.max(0, 3 * took - everyMs));
        }
      } catch (error) {
        console.error("metric snapshot refresh failed:", error);
      } finally {
        busy = false;
      }
    });
  };
  const timer = setInterval(tick, everyMs);
  return async () => {
    clearInterval(timer);
    await round;
  };
}

/** An experiment's `metrics` column (for callers whose Experiment does not carry it). */
export async function experimentMetricsOf(
  db: Db,
  experimentId: string,
): Promise<{ primary: string; secondary: string[]; guardrails: string[] }> {
  const row = await db.selectFrom("experiments").select("metrics")
    .where("id", "=", experimentId).executeTakeFirst();
  const m = row?.metrics ?? { primary: "conversion", secondary: [], guardrails: [] };
  return { primary: m.primary, secondary: m.secondary ?? [], guardrails: m.guardrails ?? [] };
}
