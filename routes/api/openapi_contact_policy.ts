/**
 * The OpenAPI operations of a bank's contact policy (issue 17; docs/GOVERNANCE.md), for
 * signed-in admins and growth users (session cookie); spread into the document by
 * ./openapi.ts. The request body is the schema the handler validates with.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { bankQuery, body, json, session } from "./_openapi.ts";
import { policyInputSchema } from "../../lib/governance/contact_policy.ts";

const cap = z.object({
  channel: z.string().meta({
    description: "sms, app_push, in_app_banner, coupon, outbound_call, wechat, or * (every " +
      "contact channel; in_app_banner is not one)",
  }),
  max: z.number().int(),
  windowHours: z.number().int(),
});

const policyAnswer = z.object({
  policy: z.object({
    bankId: z.string(),
    caps: z.array(cap),
    quietHours: z.object({
      start: z.string(),
      end: z.string(),
      timeZone: z.string(),
      channels: z.array(z.string()),
    }).nullable(),
    holdout: z.object({ percent: z.number(), startedAt: z.string() }).nullable().meta({
      description: "The global holdout; its salt is never shown",
    }),
    retentionDays: z.number().int().nullable(),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  }),
});

const counts = {
  contacts: z.number().int(),
  capped: z.number().int(),
  quiet: z.number().int(),
  kept: z.number().int(),
};

const whatIfAnswer = z.object({
  bankId: z.string(),
  from: z.string(),
  to: z.string(),
  customers: z.number().int(),
  total: z.object(counts),
  byChannel: z.array(z.object({ channel: z.string(), ...counts })),
  byCampaign: z.array(
    z.object({
      campaignId: z.string().nullable(),
      campaign: z.string().nullable(),
      channel: z.string(),
      ...counts,
    }),
  ),
});

const REFUSALS = "`INVALID_TIME` (not HH:MM), `TIME_ZONE_INVALID`, `UNKNOWN_CHANNEL`, " +
  "`CAP_OUT_OF_RANGE` (max 1–1000, windowHours 1–8760, whole numbers), `DUPLICATE_CAP` (same " +
  "channel and window twice), `HOLDOUT_PERCENT_OUT_OF_RANGE` (0–50), `RETENTION_OUT_OF_RANGE` " +
  "(1–3650 days), `VALIDATION_ERROR`, `MALFORMED_JSON`, `BANK_REQUIRED` (an admin without `?bank=`)";

/** `fail`: the document's error response for a status (./openapi.ts passes its own). */
export function contactPolicyRoutes(
  fail: (description: string) => RouteConfig["responses"][string],
): RouteConfig[] {
  const errors = {
    401: fail("Not signed in (`UNAUTHORIZED`)"),
    403: fail("Not an admin or growth user (`FORBIDDEN`)"),
    404: fail("The bank is not in your scope (`NOT_FOUND`)"),
  };
  return [
    createRoute({
      method: "get",
      path: "/api/contact-policy",
      tags: ["Governance"],
      summary: "The bank's contact policy",
      description: "Caps, quiet hours, the global holdout (percent and start) and retention.",
      ...session,
      request: { query: bankQuery },
      responses: {
        200: { description: "The policy", content: json(policyAnswer) },
        400: fail("`BANK_REQUIRED`"),
        ...errors,
      },
    }),
    createRoute({
      method: "put",
      path: "/api/contact-policy",
      tags: ["Governance"],
      summary: "Replace the bank's contact policy",
      description: "Audited (`contact_policy.update`); every app instance applies it to its " +
        "next answers. A new holdout draws a new salt; lowering the percent keeps it; raising " +
        "it is refused (end the holdout with `null`, then set a new one).",
      ...session,
      request: { query: bankQuery, ...body(policyInputSchema) },
      responses: {
        200: { description: "The stored policy", content: json(policyAnswer) },
        400: fail(REFUSALS),
        ...errors,
        409: fail("`HOLDOUT_CANNOT_GROW`: the holdout percent would grow"),
        415: fail("Not `Content-Type: application/json`"),
      },
    }),
    createRoute({
      method: "post",
      path: "/api/contact-policy/what-if",
      tags: ["Governance"],
      summary: "What a policy would have done over the last 30 days",
      description: "Replays the bank's contacts of the last 30 days (the contact ledger, and " +
        "first exposures of experiments on contact channels without ledger rows) under the " +
        "body's caps and quiet hours. Nothing is saved.",
      ...session,
      request: { query: bankQuery, ...body(policyInputSchema) },
      responses: {
        200: {
          description: "Contacts capped, in quiet hours and kept",
          content: json(whatIfAnswer),
        },
        400: fail(REFUSALS),
        ...errors,
        415: fail("Not `Content-Type: application/json`"),
      },
    }),
  ];
}
