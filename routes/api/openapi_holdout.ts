/**
 * The OpenAPI operations of the global holdout's report and of the assignment reason counts
 * (issue 17; docs/GOVERNANCE.md), for signed-in users (session cookie); spread into the document
 * by ./openapi.ts.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { anyObject, json, session, SIGNED_IN } from "./_openapi.ts";
import { EXPERIMENT_KEY_PATTERN } from "../../lib/patterns.ts";

const signedIn = SIGNED_IN + "Executives, growth users and admins. ";

type Fail = (description: string) => RouteConfig["responses"][string];

export function holdoutRoutes(fail: Fail): RouteConfig[] {
  const errors = {
    401: fail("Not signed in (`UNAUTHORIZED`)"),
    403: fail("Consultants and analysts (`FORBIDDEN`)"),
    404: fail("The bank or the experiment is not in your scope (`NOT_FOUND`)"),
  };
  return [
    createRoute({
      method: "get",
      path: "/api/holdout",
      tags: ["Traffic governance"],
      summary: "The global holdout's report",
      description: signedIn + "The whole program's incremental effect: the customers in the " +
        "bank's holdout (control) against every other customer seen since it started, on each " +
        "metric named, over the holdout's life, with 95 % intervals and p-values (each metric " +
        "on its own). `holdout: null` when the bank has none.",
      ...session,
      request: {
        query: z.object({
          metrics: z.string().meta({
            description: "Metric keys of the library, comma-separated (1–10)",
            example: "opt_out,card_bound_7d",
          }),
          bank: z.string().optional().meta({
            description: "The bank (default: the user's own; admins name one)",
          }),
        }),
      },
      responses: {
        200: { description: "`{bankId, holdout, population, metrics}`", content: json(anyObject) },
        400: fail(
          "No metric, more than 10, an unknown one or one the report cannot read (`NO_METRICS`, " +
            "`TOO_MANY_METRICS`, `UNKNOWN_METRIC`, `METRIC_NOT_FOR_HOLDOUT`, `BANK_REQUIRED`)",
        ),
        ...errors,
      },
    }),
    createRoute({
      method: "get",
      path: "/api/experiments/{key}/reasons",
      tags: ["Traffic governance"],
      summary: "Assignment answers per reason",
      description: signedIn + "How many assignment answers each reason gave, every reason in the " +
        "order they are checked. Answers, not customers: a customer asked about twice counts " +
        "twice. Each instance adds its counts every few seconds.",
      ...session,
      request: {
        params: z.object({
          key: z.string().regex(EXPERIMENT_KEY_PATTERN).meta({ example: "welcome-sms" }),
        }),
        query: z.object({ bank: z.string().optional() }),
      },
      responses: {
        200: {
          description: '`{experiment, bankId, unit: "answers", total, reasons, updatedAt}`',
          content: json(anyObject),
        },
        ...errors,
      },
    }),
  ];
}
