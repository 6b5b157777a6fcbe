/**
 * `storableText()`: the zod string for every field a client sends that is stored or looked up
 * in the database (see `text.ts`). A failure is a custom issue with
 * `params: { code: "INVALID_TEXT", problem }`, which `plugins/validate.ts` answers with 400
 * `INVALID_TEXT` (and the event ingestion with a rejection of that one event).
 */
import { z } from "zod";
import { describeTextProblem, INVALID_TEXT, type TextProblem } from "./text.ts";

function refusal(problem: TextProblem) {
  return {
    message: describeTextProblem(problem),
    params: { code: INVALID_TEXT, problem },
    abort: true,
  };
}

/** A string without NUL and with well-formed UTF-16; chain `.min()`, `.max()`, `.trim()` as usual. */
export function storableText() {
  return z.string()
    .refine((value) => !value.includes("\u0000"), refusal("NUL"))
    .refine((value) => value.isWellFormed(), refusal("LONE_SURROGATE"));
}

/** The storable-text issue of a failed parse, if there is one: its path and problem. */
export function textIssue(
  error: z.ZodError,
): { path: PropertyKey[]; problem: TextProblem } | null {
  return firstTextIssue(error.issues, []);
}

function firstTextIssue(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[],
): { path: PropertyKey[]; problem: TextProblem } | null {
  for (const issue of issues) {
    if (issue.code === "custom" && issue.params?.code === INVALID_TEXT) {
      return { path: [...prefix, ...issue.path], problem: issue.params.problem as TextProblem };
    }
    // A record key (`invalid_key`) carries its own issues; the path names the key.
    if (issue.code === "invalid_key" || issue.code === "invalid_element") {
      const found = firstTextIssue(issue.issues, [...prefix, ...issue.path]);
      if (found) return found;
    }
  }
  return null;
}
