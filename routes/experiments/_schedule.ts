/**
 * Scheduled start and stop (issue 18, part 5): what the API and the experiment page share
 * (`scheduleView`, `saveSchedule`, `clearSchedule`) and the scheduler's round (`runSchedules`,
 * called every minute by routes/alerts/_scheduler.ts on every instance).
 *
 * A due action is claimed once (db/schedules.ts `claimDueActions`), then done through the very
 * command a person's start or stop goes through (`moveExperiment` of db/experiment_commands.ts,
 * with its checks), acting as `system`: the audit log names `system` as the actor. When that function
 * refuses (an `AppError`: a check of the start path, a status changed meanwhile), the refusal is
 * stored with its message in both languages (shown on the experiment page), audited as
 * `experiment.schedule_refused`, and raised as a `schedule_refused` alert to the bank's
 * channels; the round goes on with the next experiment.
 */
import type { Context } from "hono";
import { raiseAlert } from "../../db/alerts.ts";
import { type Actor, appendAudit } from "../../db/audit.ts";
import { moveExperiment } from "../../db/experiment_commands.ts";
import { type Experiment, getExperimentByKey } from "../../db/experiments.ts";
import {
  bankTimeZone,
  claimDueActions,
  type ClaimedAction,
  deleteSchedule,
  getSchedule,
  recordOutcome,
  type Refusal,
  setSchedule,
  type StoredSchedule,
} from "../../db/schedules.ts";
import { AppError, messageIn } from "../../lib/errors.ts";
import {
  checkSchedule,
  type Schedule,
  scheduleError,
  type ScheduleInput,
} from "../../lib/experiments/schedule.ts";
import { translator } from "../../lib/i18n/mod.ts";
import { bankScope } from "../../lib/scope.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppDeps, AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";
import { requireManager } from "./_service.ts";

type Ctx = Context<AppEnv>;

/** The schedule as the API shows it (`schedule` of an experiment); null when none. */
export interface ScheduleView {
  startAt: string | null;
  stopAt: string | null;
  stopWhenSampleReached: boolean;
  /** The bank's time zone, in which pages show and take these times. */
  timeZone: string;
  /** When the scheduler started / stopped it; null until then. */
  startedBySchedulerAt: string | null;
  stoppedBySchedulerAt: string | null;
  /** Why the start or stop path refused the scheduled action, in both languages. */
  refusal: Refusal | null;
}

export function scheduleView(stored: StoredSchedule | null, timeZone: string): ScheduleView | null {
  if (!stored) return null;
  return {
    startAt: stored.startAt?.toISOString() ?? null,
    stopAt: stored.stopAt?.toISOString() ?? null,
    stopWhenSampleReached: stored.stopWhenSampleReached,
    timeZone,
    startedBySchedulerAt: stored.startDoneAt?.toISOString() ?? null,
    stoppedBySchedulerAt: stored.stopDoneAt?.toISOString() ?? null,
    refusal: stored.refusal,
  };
}

/** The experiment's schedule view (one read of the schedule and one of the bank's time zone). */
export async function scheduleOf(db: AppDeps["db"], e: Experiment): Promise<ScheduleView | null> {
  const stored = await getSchedule(db, e.id);
  return stored ? scheduleView(stored, await bankTimeZone(db, e.bankId)) : null;
}

/**
 * The schedule `input` asks for, or its refusal thrown (lib/experiments/schedule.ts);
 * `plannedSampleSize` overrides the experiment's when the same request changes it.
 */
export async function checkedSchedule(
  c: Ctx,
  e: Pick<Experiment, "id" | "status" | "plannedSampleSize">,
  input: ScheduleInput,
  options: { plannedSampleSize?: number | null } = {},
): Promise<Schedule> {
  const stored = e.id ? await getSchedule(c.var.db, e.id) : null;
  const checked = checkSchedule(input, {
    status: e.status,
    plannedSampleSize: options.plannedSampleSize !== undefined
      ? options.plannedSampleSize
      : e.plannedSampleSize,
    storedStartAt: stored?.startAt ?? null,
    now: c.var.now(),
  });
  if (!checked.ok) throw scheduleError(checked.problem);
  return checked.schedule;
}

/** Checks and stores a schedule (audited `experiment.schedule`). */
export async function saveSchedule(
  c: Ctx,
  e: Experiment,
  input: ScheduleInput,
  options: { plannedSampleSize?: number | null } = {},
): Promise<void> {
  requireManager(c);
  const schedule = await checkedSchedule(c, e, input, options);
  await c.var.db.transaction().execute(async (trx) => {
    await setSchedule(trx, e, schedule, currentUser(c).id, c.var.now());
    await audit(c, {
      action: "experiment.schedule",
      bankId: e.bankId,
      target: e.key,
      details: {
        startAt: schedule.startAt?.toISOString() ?? null,
        stopAt: schedule.stopAt?.toISOString() ?? null,
        stopWhenSampleReached: schedule.stopWhenSampleReached,
      },
    }, trx);
  });
}

/** Removes the schedule (audited when there was one). */
export async function clearSchedule(c: Ctx, e: Experiment): Promise<void> {
  requireManager(c);
  await c.var.db.transaction().execute(async (trx) => {
    if (await deleteSchedule(trx, e.id)) {
      await audit(c, {
        action: "experiment.schedule",
        bankId: e.bankId,
        target: e.key,
        details: {
          cleared: true,
        },
      }, trx);
    }
  });
}

/** The scheduler as the audit log names it: `system`, with no user. */
const SYSTEM: Actor = { actor: "system", actorUserId: null };

export interface ScheduleRunOutcome {
  key: string;
  bankId: string;
  action: "start" | "stop";
  done: boolean;
  code?: string;
}

/** One scheduled round: claims the due starts and stops and carries each out once. */
export async function runSchedules(
  db: AppDeps["db"],
  now: Date,
): Promise<ScheduleRunOutcome[]> {
  const out: ScheduleRunOutcome[] = [];
  for (const claimed of await claimDueActions(db, now)) {
    try {
      out.push(await carryOutClaimed(db, claimed, now));
    } catch (error) {
      // Not a refusal (a database fault): the claim runs out and the action is tried again.
      console.error(
        `scheduled ${claimed.action} of ${claimed.bankId}/${claimed.key} failed:`,
        error,
      );
    }
  }
  return out;
}

/** Carries out one claimed action (exported for tests that race a person against the scheduler). */
export async function carryOutClaimed(
  db: AppDeps["db"],
  claimed: ClaimedAction,
  now: Date,
): Promise<ScheduleRunOutcome> {
  const base = { key: claimed.key, bankId: claimed.bankId, action: claimed.action };
  const scope = bankScope(claimed.bankId);
  const experiment = await getExperimentByKey(db, scope, claimed.key, claimed.bankId);
  if (!experiment || experiment.id !== claimed.experimentId) return { ...base, done: false };
  try {
    await moveExperiment(db, SYSTEM, { experiment, move: claimed.action, now });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await refuse(db, experiment, claimed, error, now);
    return { ...base, done: false, code: error.code };
  }
  await recordOutcome(db, claimed, { done: true }, now);
  return { ...base, done: true };
}

/** Stores, audits and raises a refusal of the start/stop path (one transaction). */
async function refuse(
  db: AppDeps["db"],
  experiment: Experiment,
  claimed: ClaimedAction,
  error: AppError,
  now: Date,
): Promise<void> {
  const message = {
    "zh-CN": messageIn(error, translator("zh-CN")),
    en: messageIn(error, translator("en")),
  };
  const refusal: Refusal = {
    action: claimed.action,
    code: error.code,
    message,
    at: now.toISOString(),
  };
  const summary = {
    "zh-CN": translator("zh-CN")(`schedule.refused.${claimed.action}`, {
      reason: message["zh-CN"],
    }),
    en: translator("en")(`schedule.refused.${claimed.action}`, { reason: message.en }),
  };
  await db.transaction().execute(async (trx) => {
    await recordOutcome(trx, claimed, { done: false, refusal }, now);
    await appendAudit(trx, {
      actorUserId: null,
      actor: "system",
      bankId: experiment.bankId,
      action: "experiment.schedule_refused",
      target: experiment.key,
      details: { action: claimed.action, code: error.code, message: message.en },
    });
    await raiseAlert(trx, {
      bankId: experiment.bankId,
      experimentId: experiment.id,
      experiment: { key: experiment.key, name: experiment.name },
      type: "schedule_refused",
      cause: `${claimed.action}:${now.toISOString()}`,
      summary,
      details: { action: claimed.action, code: error.code },
    }, now);
  });
}
