/**
 * The OpenAPI operation of `GET /api/v1/config` (local evaluation, issue 20; docs/SDK.md "Local
 * evaluation"), spread into the document by ./openapi.ts; the schemas are the ones the handler
 * validates with (./v1/config_schemas.ts).
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { z } from "zod";
import { json } from "./_openapi.ts";
import { configQuery, configResponse, MAX_WAIT_SECONDS } from "./v1/config_schemas.ts";

type Fail = (description: string) => {
  description: string;
  content: { "application/json": { schema: z.ZodType } };
};

export function configRoutes(fail: Fail): RouteConfig[] {
  return [
    createRoute({
      method: "get",
      path: "/api/v1/config",
      tags: ["SDK"],
      summary: "The configuration payload for local evaluation (SDKs, edge workers)",
      description: "Everything an SDK needs to answer assignments as the server does, for every " +
        "experiment of the key's bank (running, and the others, which answer `not_running`): " +
        "status, mode, hash version, variants and weights, the experiment's targeting and its " +
        "campaign's segment, channel, layer range, QA units, the bank's holdout (percent and " +
        "salt), and whether the channel is capped or has quiet hours. No customer data: opt-outs " +
        "and consent are the caller's input. The answer's `ETag` is its `version`; " +
        "`If-None-Match` with it answers 304. Long polling: with `?wait=N` (at most " +
        `${MAX_WAIT_SECONDS}) and If-None-Match naming the current version, the answer waits ` +
        "until the payload changes (within about a second of the change, from any app instance) " +
        "or N seconds pass (then 304).",
      security: [{ sdkKey: [] }],
      request: { query: configQuery },
      responses: {
        200: {
          description: "The payload (header `ETag`)",
          content: json(configResponse),
        },
        304: { description: "Not changed since the version in If-None-Match" },
        400: fail("Invalid `wait` or an unknown parameter (`VALIDATION_ERROR`)"),
        401: fail("Missing, unknown or revoked SDK key (`INVALID_SDK_KEY`)"),
      },
    }),
  ];
}
