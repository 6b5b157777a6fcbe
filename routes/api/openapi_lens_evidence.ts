/**
 * The OpenAPI operations of assessments with evidence and of several assessors (issue 19 parts
 * 6 and 7), for signed-in users (session cookie); spread into the document by ./openapi.ts. The
 * request schemas are the ones the handlers validate with.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { anyObject, json, session } from "./_openapi.ts";
import { draftBody, reconcileBody } from "./assessors.ts";

const tags = ["Lens assessments"];
const params = z.object({
  bankId: z.string().meta({ example: "CC2" }),
  period: z.string().meta({ example: "2026H1", description: "e.g. 2025H1, 2025Q3, FY2024" }),
});
const VALUES = "Each value is a number (or null: missing), self-reported, as before; or " +
  "`{value, source?, note?, link?}`: `source` one of `self_reported` (default), `verified` " +
  "(only consultants and admins may set it), `measured` (only where the platform measures " +
  "the indicator, `ab_test_share` and `campaign_conversion_uplift`, and only its figure within " +
  "0.01; the exact figure is stored); `note` the evidence note (wins over `evidence[id]`); " +
  "`link` an absolute http:// or https:// URL of at most 2,000 characters.";
const EVIDENCE_ERRORS = "`LINK_NOT_HTTP`, `LINK_INVALID`, `LINK_TOO_LONG`, " +
  "`SOURCE_WITHOUT_VALUE`, `MEASURED_NOT_AVAILABLE`, `MEASURED_MISMATCH`, the lens input codes " +
  "(`MATURITY_OUT_OF_RANGE`, `VALUE_OUT_OF_RANGE`, `UNKNOWN_INDICATOR`, …), `BAD_PERIOD`, " +
  "`VALIDATION_ERROR`";
const ANSWER = "The assessment, `provenance` (per indicator with a value: `{source, note?, " +
  "link?}`), `confidence` (`{verified, measured, checked}`: shares 0–1 of the overall " +
  "score's weight resting on such values; null when the overall score is insufficient) and " +
  "the score";

/** `fail`: the document's error response for a status (./openapi.ts passes its own). */
export function lensEvidenceRoutes(
  fail: (description: string) => RouteConfig["responses"][string],
): RouteConfig[] {
  const errors = {
    401: fail("Not signed in (`UNAUTHORIZED`)"),
    404: fail("The bank is not in your scope, or does not exist (`NOT_FOUND`)"),
  };
  const answer = { description: ANSWER, content: json(anyObject) };
  return [
    createRoute({
      method: "get",
      path: "/api/assessments/{bankId}/{period}",
      tags,
      summary: "A bank's assessment of a period, with each value's evidence",
      ...session,
      request: { params },
      responses: { 200: answer, ...errors },
    }),
    createRoute({
      method: "put",
      path: "/api/assessments/{bankId}/{period}",
      tags,
      summary: "Save or submit a bank's assessment of a period",
      description: "Consultants of the bank and admins. " + VALUES,
      ...session,
      request: {
        params,
        body: {
          required: true,
          content: json(draftBody.extend({ status: z.enum(["draft", "submitted"]) })),
        },
      },
      responses: {
        200: answer,
        400: fail(EVIDENCE_ERRORS + ", `CAPABILITY_INSUFFICIENT` (a submission)"),
        403: fail(
          "Your role may not edit (`FORBIDDEN`), or mark values verified " +
            "(`VERIFY_FORBIDDEN`)",
        ),
        ...errors,
      },
    }),
    createRoute({
      method: "put",
      path: "/api/assessments/{bankId}/{period}/drafts/mine",
      tags,
      summary: "Save my own draft as one of several assessors",
      description: "Consultants of the bank and admins (lib/roles.ts `ASSESSORS`). Each " +
        "assessor's draft is kept apart; it is not the bank's assessment. " + VALUES,
      ...session,
      request: { params, body: { required: true, content: json(draftBody) } },
      responses: {
        200: { description: "`{draft}`", content: json(anyObject) },
        400: fail(EVIDENCE_ERRORS),
        403: fail("Not an assessor (`FORBIDDEN`)"),
        ...errors,
      },
    }),
    createRoute({
      method: "get",
      path: "/api/assessments/{bankId}/{period}/drafts/mine",
      tags,
      summary: "My own draft",
      ...session,
      request: { params },
      responses: {
        200: { description: "`{draft}`", content: json(anyObject) },
        403: fail("Not an assessor (`FORBIDDEN`)"),
        ...errors,
      },
    }),
    createRoute({
      method: "get",
      path: "/api/assessments/{bankId}/{period}/consensus",
      tags,
      summary: "The assessors' consensus: median per indicator, disagreements",
      description: "Assessors and reconcilers of the bank. Per indicator: each assessor's " +
        "value and level, `median` (mean of the two middle values for an even count), " +
        "`proposed` (the median; a maturity median between two levels rounded down), `levels` " +
        "`{min, max}` and `disagree` (levels more than one apart; a value's level is the level " +
        "band of its indicator score).",
      ...session,
      request: { params },
      responses: {
        200: {
          description: "`{bankId, period, assessors, indicators, disagreements, canReconcile}`",
          content: json(anyObject),
        },
        403: fail("Neither an assessor nor a reconciler (`FORBIDDEN`)"),
        ...errors,
      },
    }),
    createRoute({
      method: "post",
      path: "/api/assessments/{bankId}/{period}/reconcile",
      tags,
      summary: "Submit the bank's assessment from the assessors' drafts",
      description: "The bank's executive or an admin (lib/roles.ts `ASSESSMENT_RECONCILERS`). " +
        "Each indicator takes the median unless `choices` names an assessor; each value keeps " +
        "the evidence of the assessors it rests on. Audited as `assessment.reconcile`.",
      ...session,
      request: { params, body: { required: true, content: json(reconcileBody) } },
      responses: {
        200: answer,
        400: fail(
          "`UNKNOWN_INDICATOR`, `UNKNOWN_ASSESSOR`, `CAPABILITY_INSUFFICIENT` " +
            "(the consensus cannot be submitted), `VALIDATION_ERROR`",
        ),
        403: fail("Not a reconciler (`FORBIDDEN`)"),
        409: fail("No assessor has entered a draft (`NO_DRAFTS`)"),
        ...errors,
      },
    }),
  ];
}
