/**
 * Scheduled start and stop of an experiment (issue 18, part 5): what a schedule may say, checked
 * against the experiment's status and the clock the caller passes. Pure.
 *
 * A schedule is `{ startAt?, stopAt?, stopWhenSampleReached? }`: start a draft at `startAt`;
 * stop a running experiment at `stopAt`, or as soon as its exposed customers reach the planned
 * sample size. Times are ISO 8601 with an offset (`2026-12-07T09:00:00+08:00`); pages take a
 * local time in the bank's time zone (lib/digests/period.ts `localToInstant`).
 *
 * Refusals, each with its reason code (messages `schedule.error.<CODE>`):
 * - 400 `SCHEDULE_EMPTY`: nothing scheduled (clear a schedule with `null` or DELETE).
 * - 400 `START_IN_PAST`, `STOP_IN_PAST`: the time has already passed.
 * - 400 `STOP_BEFORE_START`: `stopAt` not after `startAt`.
 * - 400 `SCHEDULE_TOO_FAR`: more than `MAX_AHEAD_DAYS` ahead.
 * - 400 `NO_PLANNED_SAMPLE`: `stopWhenSampleReached` without a planned sample size.
 * - 409 `SCHEDULE_NOT_DRAFT`: a new `startAt` for an experiment that is no longer a draft.
 * - 409 `SCHEDULE_FINISHED`: a schedule for a stopped or decided experiment.
 */
import { z } from "zod";
import { AppError } from "../errors.ts";

/** How far ahead a start or stop may be scheduled. */
export const MAX_AHEAD_DAYS = 366;

export const scheduleSchema = z.strictObject({
  startAt: z.iso.datetime({ offset: true }).nullable().optional(),
  stopAt: z.iso.datetime({ offset: true }).nullable().optional(),
  stopWhenSampleReached: z.boolean().optional(),
});
export type ScheduleInput = z.output<typeof scheduleSchema>;

/** A schedule as stored and applied. */
export interface Schedule {
  startAt: Date | null;
  stopAt: Date | null;
  stopWhenSampleReached: boolean;
}

export type ScheduleProblemCode =
  | "SCHEDULE_EMPTY"
  | "START_IN_PAST"
  | "STOP_IN_PAST"
  | "STOP_BEFORE_START"
  | "SCHEDULE_TOO_FAR"
  | "NO_PLANNED_SAMPLE"
  | "SCHEDULE_NOT_DRAFT"
  | "SCHEDULE_FINISHED";

export interface ScheduleProblem {
  status: 400 | 409;
  code: ScheduleProblemCode;
}

export interface ScheduleContext {
  status: "draft" | "running" | "stopped" | "decided";
  plannedSampleSize: number | null;
  /** The start stored before (a start that already happened may be sent back unchanged). */
  storedStartAt: Date | null;
  now: Date;
}

/** The schedule `input` asks for, or the first reason to refuse it. */
export function checkSchedule(
  input: ScheduleInput,
  context: ScheduleContext,
): { ok: true; schedule: Schedule } | { ok: false; problem: ScheduleProblem } {
  const fail = (status: 400 | 409, code: ScheduleProblemCode) => ({
    ok: false as const,
    problem: { status, code },
  });
  const schedule: Schedule = {
    startAt: input.startAt ? new Date(input.startAt) : null,
    stopAt: input.stopAt ? new Date(input.stopAt) : null,
    stopWhenSampleReached: input.stopWhenSampleReached ?? false,
  };
  const { startAt, stopAt } = schedule;
  if (!startAt && !stopAt && !schedule.stopWhenSampleReached) return fail(400, "SCHEDULE_EMPTY");
  if (context.status === "stopped" || context.status === "decided") {
    return fail(409, "SCHEDULE_FINISHED");
  }
  const now = context.now.getTime();
  const latest = now + MAX_AHEAD_DAYS * 86_400_000;
  const unchangedStart = startAt !== null && context.storedStartAt !== null &&
    startAt.getTime() === context.storedStartAt.getTime();
  if (startAt && !unchangedStart) {
    if (context.status !== "draft") return fail(409, "SCHEDULE_NOT_DRAFT");
    if (startAt.getTime() <= now) return fail(400, "START_IN_PAST");
    if (startAt.getTime() > latest) return fail(400, "SCHEDULE_TOO_FAR");
  }
  if (stopAt) {
    if (startAt && stopAt.getTime() <= startAt.getTime()) return fail(400, "STOP_BEFORE_START");
    if (stopAt.getTime() <= now) return fail(400, "STOP_IN_PAST");
    if (stopAt.getTime() > latest) return fail(400, "SCHEDULE_TOO_FAR");
  }
  if (schedule.stopWhenSampleReached && !context.plannedSampleSize) {
    return fail(400, "NO_PLANNED_SAMPLE");
  }
  return { ok: true, schedule };
}

/** The refusal as the API's error, said in the reader's language by `schedule.error.<CODE>`. */
export function scheduleError(problem: ScheduleProblem): AppError {
  const error = new AppError(problem.status, problem.code, ENGLISH[problem.code]);
  error.translation = { key: `schedule.error.${problem.code}` };
  return error;
}

const ENGLISH: Record<ScheduleProblemCode, string> = {
  SCHEDULE_EMPTY: 'Nothing is scheduled: give "startAt", "stopAt" or "stopWhenSampleReached"',
  START_IN_PAST: '"startAt" has already passed',
  STOP_IN_PAST: '"stopAt" has already passed',
  STOP_BEFORE_START: '"stopAt" must be after "startAt"',
  SCHEDULE_TOO_FAR: `A schedule may look at most ${MAX_AHEAD_DAYS} days ahead`,
  NO_PLANNED_SAMPLE: "Stopping when the sample is reached needs a planned sample size",
  SCHEDULE_NOT_DRAFT: "Only a draft can be scheduled to start",
  SCHEDULE_FINISHED: "A stopped or decided experiment cannot be scheduled",
};
