import type { Context } from "hono";
import type { z } from "zod";
import { AppError, badRequest, invalidText } from "../lib/errors.ts";
import { textIssue } from "../lib/text_schema.ts";
import { translator } from "../lib/i18n/mod.ts";
import { describeIssuesIn } from "../lib/i18n/validation.ts";

/**
 * The first few zod issues as one message for a person, in English (`messageIn` says them in
 * the reader's language): each field by its label, e.g. "Baseline conversion rate must be less
 * than 100%; Name of arm 2 is required".
 */
export function describeIssues(error: z.ZodError): string {
  return describeIssuesIn(translator("en"), error.issues);
}

/**
 * The 400 for a failed parse: `INVALID_TEXT` when a field holds text the database cannot store
 * (`storableText()`), otherwise `VALIDATION_ERROR` with the first issues, said in the reader's
 * language when shown (`messageIn`).
 */
export function validationError(error: z.ZodError): AppError {
  const text = textIssue(error);
  if (text) return invalidText(text.path.map(String).join("."), text.problem);
  const refused = badRequest("VALIDATION_ERROR", describeIssues(error));
  const issues = error.issues;
  refused.translation = { say: (t) => describeIssuesIn(t, issues) };
  return refused;
}

/** Parses a value with a schema, or throws `validationError` (400). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/**
 * Reads the JSON body of a request and validates it. Malformed JSON → 400 `MALFORMED_JSON`;
 * a body that fails the schema → 400 `VALIDATION_ERROR`. (Size is limited by the body-limit
 * middleware before this runs.)
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new AppError(415, "UNSUPPORTED_MEDIA_TYPE", 'Expected "Content-Type: application/json"');
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest("MALFORMED_JSON", "Request body is not valid JSON");
  }
  return parseWith(schema, body);
}
