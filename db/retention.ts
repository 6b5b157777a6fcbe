/**
 * The raw-event retention purge (PIPL Art. 19): a bank with `contact_policies.retention_days`
 * = N keeps its raw events (`events`, `track_events`) only while an experiment may still read
 * them. Once a day per bank, from the per-minute scheduler (routes/alerts/_scheduler.ts):
 *
 * 1. Claim the bank's run for the day in `retention_runs` (an upsert that only succeeds when the
 *    last run is a day old, so any number of instances may try; the loser skips).
 * 2. An experiment is *released* when it ended (stopped or decided) at least N days ago and every
 *    metric window of its metrics has closed. Its results read `daily_stats` and `unit_outcomes`
 *    (kept up to date at ingestion, never recomputed from events) and metric snapshots, which are
 *    recomputed from the raw events: the purge first computes each released experiment's
 *    snapshots one last time (`refreshSnapshots`, end = its stop) and marks it
 *    `raw_events_purged_at`, after which db/metric_snapshots.ts never recomputes them — its
 *    results page shows the same numbers for ever.
 * 3. In one transaction: delete the released experiments' events older than N days, their
 *    per-customer metric values (`metric_unit_values`, `metric_unit_builds`: what each customer
 *    did, derived from the raw events and no longer read once the snapshots are frozen; taken
 *    under the experiments' refresh locks so no round in flight writes them back), and the
 *    bank's track events older than N days and older than the start of every experiment that
 *    is not released (those may still count them); audit `retention.purge` with the counts
 *    (a run that changed nothing is not audited; `retention_runs` shows it ran).
 *
 * Aggregates stay: `daily_stats`, `unit_outcomes`, `unit_pending`, `assignments`, `allocations`,
 * `metric_snapshots`, `contacts`, `opt_outs`. An event id seen before the purge is no longer
 * known afterwards (an old event sent again would be stored again).
 */
import { type Kysely, sql } from "kysely";
import { appendAudit } from "./audit.ts";
import { refreshSnapshots, type SnapshotExperiment } from "./metric_snapshots.ts";
import { REFRESH_LOCK_NAMESPACE } from "./metric_unit_values.ts";
import { metricsByKeys } from "./metrics.ts";
import type { Database } from "./schema.ts";

const DAY_MS = 86_400_000;

export interface RetentionOutcome {
  bankId: string;
  retentionDays: number;
  /** Experiments whose snapshots were frozen in this run. */
  frozen: number;
  /** Released experiments whose freeze could not be done now (retried the next day). */
  deferred: number;
  events: number;
  trackEvents: number;
  /** Per-customer metric values of released experiments deleted (`metric_unit_values`). */
  unitValues: number;
  /** Track events before this were deleted. */
  trackCutoff: Date;
}

/** Runs the purge of every bank that is due; returns what each run did. */
export async function runRetention(
  db: Kysely<Database>,
  now: Date,
): Promise<RetentionOutcome[]> {
  const due = await db.selectFrom("contact_policies as p")
    .leftJoin("retention_runs as r", "r.bank_id", "p.bank_id")
    .where("p.retention_days", "is not", null)
    .where((eb) =>
      eb.or([eb("r.ran_at", "is", null), eb("r.ran_at", "<=", new Date(now.getTime() - DAY_MS))])
    )
    .select(["p.bank_id", "p.retention_days"]).orderBy("p.bank_id").execute();
  const outcomes: RetentionOutcome[] = [];
  for (const bank of due) {
    if (!(await claim(db, bank.bank_id, now))) continue;
    outcomes.push(await purgeBank(db, bank.bank_id, bank.retention_days!, now));
  }
  return outcomes;
}

/** Takes the bank's run for the day; false when another instance ran it in the last day. */
async function claim(db: Kysely<Database>, bankId: string, now: Date): Promise<boolean> {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const row = await db.insertInto("retention_runs").values({ bank_id: bankId, ran_at: now })
    .onConflict((oc) =>
      oc.column("bank_id").doUpdateSet({ ran_at: now })
        .where("retention_runs.ran_at", "<=", dayAgo)
    )
    .returning("bank_id").executeTakeFirst();
  return row !== undefined;
}

interface EndedExperiment extends SnapshotExperiment {
  stoppedAt: Date;
  purgedAt: Date | null;
  metricKeys: string[];
}

/** The bank's experiments that ended at or before `before`, with what a snapshot needs. */
async function endedExperiments(
  db: Kysely<Database>,
  bankId: string,
  before: Date,
): Promise<EndedExperiment[]> {
  const rows = await sql<{
    id: string;
    mode: "ab" | "bandit";
    stopped_at: Date;
    raw_events_purged_at: Date | null;
    metrics: { primary: string; secondary?: string[]; guardrails?: string[] } | string;
    variants: string[] | string;
    allocations: string[] | string | null;
  }>`select x.id, x.mode, x.stopped_at, x.raw_events_purged_at, x.metrics,
      (select json_agg(v.name order by v.position) from variants v where v.experiment_id = x.id)
        as variants,
      (select json_agg(a.id order by a.computed_at, a.id) from allocations a
        where a.experiment_id = x.id) as allocations
    from experiments x
    where x.bank_id = ${bankId} and x.status in ('stopped', 'decided')
      and x.stopped_at <= ${before}
    order by x.id`.execute(db);
  const parse = <T>(v: T | string): T => typeof v === "string" ? JSON.parse(v) : v;
  return rows.rows.map((r) => {
    const m = parse(r.metrics);
    return {
      id: r.id,
      bankId,
      mode: r.mode,
      stoppedAt: new Date(r.stopped_at),
      purgedAt: r.raw_events_purged_at ? new Date(r.raw_events_purged_at) : null,
      variants: parse(r.variants) ?? [],
      allocationIds: r.mode === "bandit" ? (parse(r.allocations) ?? []).map(String) : null,
      metricKeys: [...new Set([m.primary, ...(m.secondary ?? []), ...(m.guardrails ?? [])])],
    };
  });
}

/** Freezes the bank's released experiments and deletes the raw events nobody reads any more. */
export async function purgeBank(
  db: Kysely<Database>,
  bankId: string,
  retentionDays: number,
  now: Date,
): Promise<RetentionOutcome> {
  const horizon = new Date(now.getTime() - retentionDays * DAY_MS);
  const released: string[] = [];
  const frozenNow: string[] = [];
  let deferred = 0;
  for (const e of await endedExperiments(db, bankId, horizon)) {
    const definitions = [...(await metricsByKeys(db, bankId, e.metricKeys)).values()];
    // A metric window still open after the stop may yet count events: not released.
    const windowsClosed = definitions.every((d) =>
      d.windowHours === null || e.stoppedAt.getTime() + d.windowHours * 3_600_000 <= now.getTime()
    );
    if (!windowsClosed) continue;
    if (e.purgedAt === null) {
      const library = definitions.filter((d) => d.source !== "experiment_conversions");
      if (library.length > 0 && !(await refreshSnapshots(db, e, library, { now: () => now }))) {
        deferred++; // another instance holds the experiment's snapshot lock: next day
        continue;
      }
      frozenNow.push(e.id);
    }
    released.push(e.id);
  }
  return await db.transaction().execute(async (trx) => {
    if (frozenNow.length) {
      await trx.updateTable("experiments").set({ raw_events_purged_at: now })
        .where("id", "in", frozenNow).execute();
    }
    let unitValues = 0;
    if (released.length) {
      // The released experiments' refresh locks, in the order erasure takes them (by id text).
      await sql`select pg_advisory_xact_lock(${REFRESH_LOCK_NAMESPACE}, hashtext(s.id)) from (
          select unnest(cast(${released} as text[])) as id order by 1
        ) s`.execute(trx);
      const ids = sql`(select unnest(cast(${released} as uuid[])))`;
      const deleted = await sql`delete from metric_unit_values where experiment_id in ${ids}`
        .execute(trx);
      unitValues = Number(deleted.numAffectedRows ?? 0);
      await sql`delete from metric_unit_builds where experiment_id in ${ids}`.execute(trx);
    }
    const events = released.length
      ? await trx.deleteFrom("events").where("bank_id", "=", bankId)
        .where("experiment_id", "in", released).where("occurred_at", "<", horizon)
        .executeTakeFirst()
      : null;
    // Track events count for an experiment from its start on: keep those of every experiment
    // that is not released (running, ended recently, or with a metric window still open).
    const open = await trx.selectFrom("experiments").where("bank_id", "=", bankId)
      .where("started_at", "is not", null)
      .$if(released.length > 0, (q) => q.where("id", "not in", released))
      .select((eb) => eb.fn.min("started_at").as("first")).executeTakeFirst();
    const first = open?.first ? new Date(open.first as Date | string) : null;
    const trackCutoff = first && first < horizon ? first : horizon;
    const track = await trx.deleteFrom("track_events").where("bank_id", "=", bankId)
      .where("occurred_at", "<", trackCutoff).executeTakeFirst();
    const outcome: RetentionOutcome = {
      bankId,
      retentionDays,
      frozen: frozenNow.length,
      deferred,
      events: Number(events?.numDeletedRows ?? 0),
      trackEvents: Number(track.numDeletedRows ?? 0),
      unitValues,
      trackCutoff,
    };
    if (outcome.frozen + outcome.events + outcome.trackEvents + unitValues === 0) return outcome;
    await appendAudit(trx, {
      actorUserId: null,
      actor: "system",
      bankId,
      action: "retention.purge",
      details: {
        retentionDays,
        frozen: outcome.frozen,
        deferred,
        events: outcome.events,
        trackEvents: outcome.trackEvents,
        unitValues,
        trackCutoff: trackCutoff.toISOString(),
      },
    });
    return outcome;
  });
}
