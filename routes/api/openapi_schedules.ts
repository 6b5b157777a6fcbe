/**
 * The OpenAPI operations of scheduled start/stop, digests and the bank's time zone (issue 18,
 * parts 4 and 5), for signed-in users (session cookie); spread into the document by
 * ./openapi.ts. The request schemas are the ones the handlers validate with.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { anyObject, bankQuery, experimentKey, json, session, SIGNED_IN } from "./_openapi.ts";
import { scheduleSchema } from "../../lib/experiments/schedule.ts";

/** The `schedule` of an experiment as answered (`GET /api/experiments/{key}` has it too). */
export const scheduleView = z.object({
  startAt: z.string().nullable().meta({ description: "ISO 8601; null: started by hand" }),
  stopAt: z.string().nullable(),
  stopWhenSampleReached: z.boolean(),
  timeZone: z.string().meta({ description: "The bank's time zone (pages show times in it)" }),
  startedBySchedulerAt: z.string().nullable(),
  stoppedBySchedulerAt: z.string().nullable(),
  refusal: z.object({
    action: z.enum(["start", "stop"]),
    code: z.string(),
    message: z.object({ "zh-CN": z.string(), en: z.string() }),
    at: z.string(),
  }).nullable().meta({
    description: "Why the start or stop path refused the scheduled action (then also an " +
      "alert of type `schedule_refused`); cleared when the schedule changes",
  }),
}).nullable();

const scheduleAnswer = z.object({
  experiment: z.string(),
  bankId: z.string(),
  schedule: scheduleView,
});

const SCHEDULE_REFUSALS = "`STOP_BEFORE_START`, `START_IN_PAST`, `STOP_IN_PAST`, " +
  "`SCHEDULE_TOO_FAR` (over 366 days ahead), `NO_PLANNED_SAMPLE` (`stopWhenSampleReached` " +
  "without a planned sample size), `SCHEDULE_EMPTY`, `VALIDATION_ERROR` (a time without an " +
  "offset, an unknown field)";

/** `fail`: the document's error response for a status (./openapi.ts passes its own). */
export function scheduleRoutes(
  fail: (description: string) => RouteConfig["responses"][string],
): RouteConfig[] {
  const errors = {
    401: fail("Not signed in (`UNAUTHORIZED`)"),
    404: fail("The experiment is not in your scope, or does not exist (`NOT_FOUND`)"),
  };
  return [
    createRoute({
      method: "get",
      path: "/api/experiments/{key}/schedule",
      tags: ["Schedules and digests"],
      summary: "An experiment's scheduled start and stop",
      description: SIGNED_IN + "Admins, growth users and executives of the bank.",
      ...session,
      request: { params: experimentKey, query: bankQuery },
      responses: {
        200: { description: "The schedule (null when none)", content: json(scheduleAnswer) },
        ...errors,
      },
    }),
    createRoute({
      method: "put",
      path: "/api/experiments/{key}/schedule",
      tags: ["Schedules and digests"],
      summary: "Schedule an experiment's start and stop",
      description: SIGNED_IN + "Growth users and admins. Start a draft at `startAt`; stop it " +
        "at `stopAt` or once its exposed customers reach the planned sample " +
        "(`stopWhenSampleReached`). Times are ISO 8601 with an offset " +
        "(`2026-12-07T09:00:00+08:00`). The per-minute scheduler of any instance claims a due " +
        "action once and carries it out through the same start/stop path as a person's, " +
        "audited as `system`. Replaces the schedule; the same object is accepted as `schedule` " +
        "by `POST /api/experiments` and `PATCH /api/experiments/{key}` (`null` clears it there).",
      ...session,
      request: {
        params: experimentKey,
        query: bankQuery,
        body: { required: true, content: json(scheduleSchema) },
      },
      responses: {
        200: { description: "The stored schedule", content: json(scheduleAnswer) },
        400: fail(SCHEDULE_REFUSALS),
        403: fail("Executives and consultants cannot schedule (`FORBIDDEN`)"),
        409: fail(
          "A new `startAt` for an experiment that is no longer a draft (`SCHEDULE_NOT_DRAFT`), " +
            "or a stopped or decided experiment (`SCHEDULE_FINISHED`)",
        ),
        ...errors,
      },
    }),
    createRoute({
      method: "delete",
      path: "/api/experiments/{key}/schedule",
      tags: ["Schedules and digests"],
      summary: "Clear an experiment's schedule",
      description: SIGNED_IN + "Growth users and admins.",
      ...session,
      request: { params: experimentKey, query: bankQuery },
      responses: {
        200: { description: "`schedule: null`", content: json(scheduleAnswer) },
        403: fail("Executives and consultants cannot schedule (`FORBIDDEN`)"),
        ...errors,
      },
    }),
    createRoute({
      method: "get",
      path: "/api/digests",
      tags: ["Schedules and digests"],
      summary: "A bank's weekly and daily digests",
      description: SIGNED_IN + "Admins, growth users and executives. A weekly digest (ISO week, " +
        "Monday to Monday) and a daily one (a calendar day) in the bank's time zone, made at " +
        "09:00 there once per period and sent to the bank's channels as `digest` messages. " +
        "Each has `content`: weekly `{scorecard, started, decided (lift, ci), program " +
        "(abTestShare, medianUplift, campaigns with their compounded lift), alerts}`, daily " +
        "`{running (users, planned, progress, recommendation, openAlerts), upcoming, alerts}`.",
      ...session,
      request: {
        query: bankQuery.extend({ kind: z.enum(["weekly", "daily"]).optional() }),
      },
      responses: {
        200: { description: "`{bankId, digests}`, newest first", content: json(anyObject) },
        400: fail("An unknown `kind` (`VALIDATION_ERROR`) or no bank named (`BANK_REQUIRED`)"),
        401: fail("Not signed in (`UNAUTHORIZED`)"),
        403: fail("Consultants do not read digests (`FORBIDDEN`)"),
        404: fail("The bank is not in your scope (`NOT_FOUND`)"),
      },
    }),
    createRoute({
      method: "get",
      path: "/api/digests/{id}",
      tags: ["Schedules and digests"],
      summary: "One digest",
      description: SIGNED_IN + "Admins, growth users and executives of its bank.",
      ...session,
      request: { params: z.object({ id: z.uuid() }) },
      responses: {
        200: { description: "`{digest}`", content: json(anyObject) },
        401: fail("Not signed in (`UNAUTHORIZED`)"),
        404: fail("No such digest in your scope (`DIGEST_NOT_FOUND`)"),
      },
    }),
    createRoute({
      method: "get",
      path: "/api/bank-settings",
      tags: ["Schedules and digests"],
      summary: "The bank's time zone",
      description: SIGNED_IN + "`{bankId, timeZone, sendHour}`; default `Asia/Shanghai`.",
      ...session,
      request: { query: bankQuery },
      responses: {
        200: { description: "The settings", content: json(anyObject) },
        401: fail("Not signed in (`UNAUTHORIZED`)"),
        404: fail("The bank is not in your scope (`NOT_FOUND`)"),
      },
    }),
    createRoute({
      method: "put",
      path: "/api/bank-settings",
      tags: ["Schedules and digests"],
      summary: "Set the bank's time zone",
      description: SIGNED_IN + "Growth users and admins; an IANA name such as `Asia/Shanghai` " +
        "(stored in its canonical spelling; audited `bank.time_zone`).",
      ...session,
      request: {
        query: bankQuery,
        body: {
          required: true,
          content: json(z.strictObject({ timeZone: z.string().min(1).max(64) })),
        },
      },
      responses: {
        200: { description: "The settings", content: json(anyObject) },
        400: fail("Not a time zone (`TIME_ZONE_INVALID`) or invalid input (`VALIDATION_ERROR`)"),
        401: fail("Not signed in (`UNAUTHORIZED`)"),
        403: fail("Executives and consultants cannot change it (`FORBIDDEN`)"),
        404: fail("The bank is not in your scope (`NOT_FOUND`)"),
      },
    }),
  ];
}
