/**
 * Checking experiments for alerts (issue 18) and running the circuit breaker: the read-out is
 * computed as the results page computes it (`resultsOf`), lib/alerts/rules.ts says which alerts
 * it raises, db/alerts.ts stores each cause once and queues its deliveries in the same
 * transaction. When an alert of a kind the experiment's breaker watches (`autoStop`) is
 * present, the experiment is stopped — the control for everyone, as a person's stop does
 * (db/experiments.ts `transitionExperiment`) — audited as done by `system` with the numbers
 * that tripped it, and an `experiment_stopped` alert goes out.
 *
 * Several instances may check the same experiment at once: the transaction holds an advisory
 * lock per experiment, alerts are unique per cause, and the stop only moves a running
 * experiment, so each alert and each stop happens once.
 *
 * When: the scheduler checks every running experiment each round, computing the read-out only
 * when its totals changed (exposures, conversions, the bank's opt-outs, reweightings) or every
 * `RECHECK_MS` otherwise (a new version of a metric, snapshots refreshed); `no_exposures`
 * needs no read-out and is checked every round.
 */
import type { Context } from "hono";
import {
  applyAlerts,
  experimentTotals,
  getAutoStop,
  getNoExposureHours,
  lastCheck,
  lastExposureAt,
  runningExperiments,
} from "../../db/alerts.ts";
import { type Experiment, getExperimentByKey } from "../../db/experiments.ts";
import type { AppDeps, AppEnv } from "../../plugins/context.ts";
import { alertsFor, breakerTrip, stoppedAlert } from "../../lib/alerts/rules.ts";
import type { Readout } from "../../lib/experiments/readout.ts";
import { EVERY_BANK } from "../../lib/scope.ts";
import { resultsOf } from "../experiments/_results.ts";

/** A read-out is recomputed at least this often while the totals stay the same. */
export const RECHECK_MS = 15 * 60_000;
/** The app's database connection (routes take no Kysely types of their own). */
type Connection = AppDeps["db"];

export interface CheckOutcome {
  raised: string[];
  stopped: boolean;
}

/** The read-out of `experiment` at `now`, as the results page computes it. */
export async function readoutOf(
  db: Connection,
  experiment: Experiment,
  now: Date,
): Promise<Readout> {
  // resultsOf reads only the request's database and clock.
  const c = { var: { db, now: () => now } } as unknown as Context<AppEnv>;
  return (await resultsOf(c, experiment)).readout;
}

/**
 * Checks one experiment: computes its read-out when `force`, when its totals changed since the
 * last check, or when that check is older than `RECHECK_MS`; raises the alerts; trips the
 * breaker. `readout` may be passed when the caller already computed it.
 */
export async function checkExperiment(
  db: Connection,
  experiment: Experiment,
  now: Date,
  options: { force?: boolean; readout?: Readout } = {},
): Promise<CheckOutcome> {
  if (experiment.status !== "running") return { raised: [], stopped: false };
  const totals = await experimentTotals(db, experiment);
  const last = options.readout || options.force ? null : await lastCheck(db, experiment.id);
  const fresh = last !== null && last.totals === totals &&
    now.getTime() - last.checkedAt.getTime() < RECHECK_MS;
  const readout = options.readout ?? (fresh ? null : await readoutOf(db, experiment, now));
  const [lastExposure, noExposureHours, autoStop] = await Promise.all([
    lastExposureAt(db, experiment.id),
    getNoExposureHours(db, experiment.id),
    getAutoStop(db, experiment.id),
  ]);
  const candidates = alertsFor({
    readout,
    mode: experiment.mode,
    status: experiment.status,
    plannedSampleSize: experiment.plannedSampleSize,
    startedAt: experiment.startedAt,
    lastExposureAt: lastExposure,
    noExposureHours,
    now,
  });
  const trip = breakerTrip(candidates, autoStop);
  if (candidates.length === 0 && readout === null) return { raised: [], stopped: false };
  return await applyAlerts(
    db,
    experiment,
    candidates,
    trip && { cause: trip, stopped: stoppedAlert(trip) },
    { now, totals: readout ? totals : null },
  );
}

/** One scheduled round: every running experiment of every bank. Errors are per experiment. */
export async function checkAll(db: Connection, now: Date): Promise<CheckOutcome[]> {
  const out: CheckOutcome[] = [];
  for (const e of await runningExperiments(db)) {
    try {
      const experiment = await getExperimentByKey(db, EVERY_BANK, e.key, e.bankId);
      if (experiment) out.push(await checkExperiment(db, experiment, now));
    } catch (error) {
      console.error(`alert check of ${e.bankId}/${e.key} failed:`, error);
    }
  }
  return out;
}
