/**
 * The OpenAPI operations of mutual-exclusion layers and of the experiment settings that take
 * them and QA units (issue 17; docs/GOVERNANCE.md), for signed-in users (session cookie); spread
 * into the document by ./openapi.ts. The request schemas are the ones the handlers validate with.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { EXPERIMENT_KEY_PATTERN } from "../../lib/patterns.ts";
import { anyObject, bankQuery, body, experimentKey, json, session, SIGNED_IN } from "./_openapi.ts";
import { MAX_FORCED_UNITS } from "../../lib/experiments/schemas.ts";

const LAYER_AND_FORCED = "`layer`: `{key, range: [from, to]}`, a range [from, to) of one of the " +
  "bank's layers with 0 ≤ from < to ≤ 1 (400 `UNKNOWN_LAYER`, `VALIDATION_ERROR`), `null` for " +
  `none. \`forced\`: QA units \`[{unit, variant}]\`, at most ${MAX_FORCED_UNITS}, each unit ` +
  "once, 1–128 characters, each variant an arm of the experiment (400 `UNKNOWN_VARIANT` naming " +
  "it): they get that arm (reason `forced`) and their events never count.";

// The handlers' schemas (routes/api/layers.ts, lib/experiments/schemas.ts) are built before
// @hono/zod-openapi extends zod (zod 4 puts methods on each schema when it is made), so the
// document describes the same fields with schemas of its own.
const layerBody = z.object({
  key: z.string().regex(EXPERIMENT_KEY_PATTERN).meta({ example: "sms-main" }),
  name: z.string().min(1).max(100).meta({ example: "短信主流量层" }),
});
const layerRange = z.object({
  key: z.string().regex(EXPERIMENT_KEY_PATTERN),
  range: z.array(z.number().min(0).max(1)).min(2).max(2).meta({
    description: "[from, to): 0 ≤ from < to ≤ 1",
    example: [0, 0.3],
  }),
}).nullable();
const forced = z.array(z.object({
  unit: z.string().min(1).max(128).meta({ example: "QA001" }),
  variant: z.string().min(1).max(64).meta({ example: "coupon" }),
})).max(MAX_FORCED_UNITS);
const experimentSettings = z.object({
  layer: layerRange.optional(),
  forced: forced.optional(),
}).catchall(z.unknown()).meta({
  description: "The experiment's settings (key, name, variants, metrics, targeting, plan, …); " +
    "the governance fields are listed",
});

type Fail = (description: string) => RouteConfig["responses"][string];

export function layerRoutes(fail: Fail): RouteConfig[] {
  const errors = {
    401: fail("Not signed in (`UNAUTHORIZED`)"),
    403: fail("Consultants; for changes, executives too (`FORBIDDEN`)"),
    404: fail("The bank or the experiment is not in your scope (`NOT_FOUND`)"),
  };
  return [
    createRoute({
      method: "get",
      path: "/api/layers",
      tags: ["Traffic governance"],
      summary: "A bank's mutual-exclusion layers",
      description: SIGNED_IN + "`{layers: [{bankId, key, name, createdAt, experiments: [{key, " +
        "name, status, range}]}]}`: every experiment that takes a range of the layer, any " +
        "status, by range start.",
      ...session,
      request: { query: bankQuery },
      responses: {
        200: { description: "`{layers}`", content: json(anyObject) },
        400: fail("Several banks in scope and none named (`BANK_REQUIRED`)"),
        ...errors,
      },
    }),
    createRoute({
      method: "post",
      path: "/api/layers",
      tags: ["Traffic governance"],
      summary: "Create a layer",
      description: SIGNED_IN + "Growth users and admins. `key`: the pattern of experiment keys; " +
        "`name`: 1–100 characters. Audited (`layer.create`).",
      ...session,
      request: { query: bankQuery, ...body(layerBody) },
      responses: {
        201: { description: "`{layer}`", content: json(anyObject) },
        400: fail("Invalid key or name (`VALIDATION_ERROR`, `INVALID_TEXT`)"),
        ...errors,
        409: fail("The bank has a layer with this key (`LAYER_EXISTS`)"),
      },
    }),
    createRoute({
      method: "post",
      path: "/api/experiments",
      tags: ["Traffic governance"],
      summary: "Create a draft experiment (with a layer range and QA units)",
      description: SIGNED_IN + "Growth users and admins. " + LAYER_AND_FORCED,
      ...session,
      request: body(experimentSettings),
      responses: {
        201: { description: "`{experiment}` with `layer` and `forced`", content: json(anyObject) },
        400: fail("Invalid settings (`VALIDATION_ERROR`, `UNKNOWN_LAYER`, `UNKNOWN_VARIANT`, …)"),
        ...errors,
        409: fail("The bank has an experiment with this key (`KEY_TAKEN`)"),
      },
    }),
    createRoute({
      method: "patch",
      path: "/api/experiments/{key}",
      tags: ["Traffic governance"],
      summary: "Edit an experiment's settings (QA units also while running)",
      description: SIGNED_IN + "A draft takes every field. A running experiment takes a body " +
        "with only `forced` (testers join during a test; audited `experiment.forced`) or only " +
        "`metrics`; anything else is 409 `NOT_DRAFT`, as is `forced` once stopped. " +
        LAYER_AND_FORCED,
      ...session,
      request: { params: experimentKey, query: bankQuery, ...body(experimentSettings) },
      responses: {
        200: { description: "`{experiment}`", content: json(anyObject) },
        400: fail("Invalid settings (`VALIDATION_ERROR`, `UNKNOWN_LAYER`, `UNKNOWN_VARIANT`, …)"),
        ...errors,
        409: fail("Not a draft (`NOT_DRAFT`), or the primary metric of a started one"),
      },
    }),
    createRoute({
      method: "post",
      path: "/api/experiments/{key}/start",
      tags: ["Traffic governance"],
      summary: "Start a draft",
      description: SIGNED_IN + "Growth users and admins. Running experiments of one layer never " +
        "overlap: the start locks the layer and is refused when a running experiment of the " +
        "same layer overlaps the range (scheduled starts go through the same check).",
      ...session,
      request: { params: experimentKey, query: bankQuery },
      responses: {
        200: { description: "`{experiment}`", content: json(anyObject) },
        ...errors,
        409: fail(
          "Not a draft (`INVALID_TRANSITION`), or the range overlaps a running experiment of " +
            "the layer (`LAYER_RANGE_TAKEN`, naming it and its range)",
        ),
      },
    }),
  ];
}
