/**
 * The input of a lens assessment and its validation against the model. Pure.
 */
import { indicatorById, metricLowerBound, PENALTY_INDICATOR_ID } from "./model.ts";
import { describeTextProblem, printable, textProblem } from "../text.ts";

/**
 * One bank's figures for one period.
 * - `values`: indicator id → value. Maturity indicators take the level 1–5; metrics take the
 *   figure in the indicator's unit. `null` or an absent id means "missing".
 * - `notApplicable`: indicator id → justification, only for indicators marked
 *   `na_allowed_with_justification` (never critical ones).
 */
export interface LensInput {
  values: Record<string, number | null>;
  notApplicable?: Record<string, string>;
}

/** Why an input is refused. */
export type LensInputIssueCode =
  | "UNKNOWN_INDICATOR"
  | "VALUE_NOT_NUMBER"
  | "MATURITY_OUT_OF_RANGE"
  | "VALUE_NEGATIVE"
  | "VALUE_NOT_INTEGER"
  | "NA_NOT_ALLOWED"
  | "NA_CRITICAL"
  | "NA_JUSTIFICATION_EMPTY"
  | "VALUE_AND_NA"
  | "INVALID_TEXT";

/** One problem with an input, naming the indicator. */
export interface LensInputIssue {
  code: LensInputIssueCode;
  indicatorId: string;
  message: string;
}

/** Thrown by `scoreAssessment` when given an input `validateLensInput` refuses. */
export class LensInputError extends Error {
  constructor(readonly issues: LensInputIssue[]) {
    super(issues.map((i) => i.message).join("; "));
    this.name = "LensInputError";
  }
}

function issueOf(code: LensInputIssueCode, id: string, message: string): LensInputIssue {
  const shown = printable(id); // an unknown id may hold anything a client sent
  return { code, indicatorId: shown, message: `Indicator "${shown}": ${message}` };
}

function valueIssue(id: string, value: unknown): LensInputIssue | null {
  const indicator = indicatorById(id);
  const issue = (code: LensInputIssueCode, message: string) => issueOf(code, id, message);
  if (!indicator) return issue("UNKNOWN_INDICATOR", "unknown indicator id");
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return issue("VALUE_NOT_NUMBER", "value must be a finite number or null");
  }
  if (indicator.type === "maturity") {
    const ok = Number.isInteger(value) && value >= 1 && value <= 5;
    return ok ? null : issue("MATURITY_OUT_OF_RANGE", `maturity level must be 1–5, got ${value}`);
  }
  const lower = metricLowerBound(indicator);
  if (lower !== null && value < lower) {
    return issue("VALUE_NEGATIVE", `value must be >= ${lower} ${indicator.unit}, got ${value}`);
  }
  if (id === PENALTY_INDICATOR_ID && !Number.isInteger(value)) {
    return issue("VALUE_NOT_INTEGER", `penalty count must be a whole number, got ${value}`);
  }
  return null;
}

function naIssue(id: string, justification: unknown, values: object): LensInputIssue | null {
  const indicator = indicatorById(id);
  const issue = (code: LensInputIssueCode, message: string) => issueOf(code, id, message);
  if (!indicator) return issue("UNKNOWN_INDICATOR", "unknown indicator id");
  if (indicator.critical) return issue("NA_CRITICAL", "critical indicators cannot be N/A");
  if (!indicator.na_allowed_with_justification) {
    return issue("NA_NOT_ALLOWED", "this indicator cannot be N/A");
  }
  if (typeof justification !== "string" || justification.trim() === "") {
    return issue("NA_JUSTIFICATION_EMPTY", "N/A needs a justification");
  }
  const problem = textProblem(justification);
  if (problem) return issue("INVALID_TEXT", `the justification ${describeTextProblem(problem)}`);
  const value = (values as Record<string, unknown>)[id];
  if (Object.hasOwn(values, id) && value !== null) {
    return issue("VALUE_AND_NA", "given both a value and N/A");
  }
  return null;
}

/**
 * Checks an input against the model and returns every issue (empty when valid), in input
 * order: values first, then N/A entries. Rules: ids must exist; values are finite numbers or
 * null; maturity levels are integers 1–5; metrics are >= 0 unless they measure a change
 * (see `metricLowerBound`); the penalty count is a whole number; N/A only where the model
 * allows it, never for critical indicators, with a non-blank justification the database can
 * store (no NUL, well-formed Unicode: `INVALID_TEXT`), and not together with a value.
 */
export function validateLensInput(input: LensInput): LensInputIssue[] {
  const issues: LensInputIssue[] = [];
  for (const [id, value] of Object.entries(input.values)) {
    const issue = valueIssue(id, value);
    if (issue) issues.push(issue);
  }
  for (const [id, justification] of Object.entries(input.notApplicable ?? {})) {
    const issue = naIssue(id, justification, input.values);
    if (issue) issues.push(issue);
  }
  return issues;
}
