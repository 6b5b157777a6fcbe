/**
 * The input of a lens assessment and its validation against the model. Pure.
 *
 * Every indicator has a valid range (`indicatorRange`), derived from the model's units and made
 * explicit here where the model says no more: maturity levels are whole numbers 1–5; shares in
 * "%" (and "% per year") lie in 0–100; a change ("% YoY", "% relative") cannot fall below −100 %;
 * counts, days, hours and seconds are ≥ 0, and counts of things are whole numbers (the average
 * products per customer is not); a rate "per 100k reached" lies in 0–100,000.
 *
 * A draft may be partial. A submitted assessment must let every capability be scored: no
 * capability may be `insufficient` under the scoring rules (rule 3: less than half its indicator
 * weight present), or `submissionIssues` names it and what is missing.
 */
import { type Indicator, indicatorById, MODEL } from "./model.ts";
import { scoreCapability } from "./rules.ts";
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
  | "VALUE_OUT_OF_RANGE"
  | "VALUE_NOT_INTEGER"
  | "CAPABILITY_INSUFFICIENT"
  | "NA_NOT_ALLOWED"
  | "NA_CRITICAL"
  | "NA_JUSTIFICATION_EMPTY"
  | "VALUE_AND_NA"
  | "INVALID_TEXT";

/**
 * One problem with an input, naming the indicator (for `CAPABILITY_INSUFFICIENT`: the first
 * missing indicator of `capabilityId`). `message` is English; `params` let a boundary say it in
 * the reader's language (the value and range; the missing indicator ids).
 */
export interface LensInputIssue {
  code: LensInputIssueCode;
  indicatorId: string;
  message: string;
  capabilityId?: string;
  params?: { value?: number; min?: number | null; max?: number | null; missing?: string[] };
}

/** The values an indicator accepts: `min`/`max` inclusive (null: unbounded). */
export interface ValueRange {
  min: number | null;
  max: number | null;
  integer: boolean;
}

/** Ranges the model's units do not spell out, by indicator id. */
const RANGE_OVERRIDES: Readonly<Record<string, Partial<ValueRange>>> = {
  // "Average number of distinct product categories held": a count, but an average.
  products_per_digital_customer: { integer: false },
};

/** The valid range of an indicator's value (see the module comment). */
export function indicatorRange(indicator: Indicator): ValueRange {
  if (indicator.type === "maturity") return { min: 1, max: 5, integer: true };
  const unit = indicator.unit;
  const base: ValueRange = /^% (YoY|relative)$/.test(unit)
    ? { min: -100, max: null, integer: false }
    : unit.startsWith("%")
    ? { min: 0, max: 100, integer: false }
    : unit === "per 100k reached"
    ? { min: 0, max: 100_000, integer: false }
    : { min: 0, max: null, integer: unit === "count" };
  return { ...base, ...RANGE_OVERRIDES[indicator.id] };
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
  const { min, max, integer } = indicatorRange(indicator);
  const params = { value, min, max };
  const withParams = (code: LensInputIssueCode, message: string) => ({
    ...issue(code, message),
    params,
  });
  if (indicator.type === "maturity") {
    const ok = Number.isInteger(value) && value >= 1 && value <= 5;
    return ok
      ? null
      : withParams("MATURITY_OUT_OF_RANGE", `maturity level must be 1–5, got ${value}`);
  }
  const unit = indicator.unit;
  if (min === 0 && value < 0) {
    return withParams("VALUE_NEGATIVE", `value must be >= 0 ${unit}, got ${value}`);
  }
  if ((min !== null && value < min) || (max !== null && value > max)) {
    const range = max === null ? `>= ${min}` : `${min}–${max}`;
    return withParams("VALUE_OUT_OF_RANGE", `value must be ${range} ${unit}, got ${value}`);
  }
  if (integer && !Number.isInteger(value)) {
    return withParams("VALUE_NOT_INTEGER", `value must be a whole number, got ${value}`);
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
 * order: values first, then N/A entries, then (with `submit`) the capabilities that cannot be
 * scored. Rules: ids must exist; values are finite numbers or null, within `indicatorRange`
 * (maturity levels whole numbers 1–5, shares 0–100 %, counts ≥ 0, …); N/A only where the model
 * allows it, never for critical indicators, with a non-blank justification the database can
 * store (no NUL, well-formed Unicode: `INVALID_TEXT`), and not together with a value; a
 * submission (`submit: true`) leaves no capability insufficient (`submissionIssues`).
 */
export function validateLensInput(
  input: LensInput,
  options: { submit?: boolean } = {},
): LensInputIssue[] {
  const issues: LensInputIssue[] = [];
  for (const [id, value] of Object.entries(input.values)) {
    const issue = valueIssue(id, value);
    if (issue) issues.push(issue);
  }
  for (const [id, justification] of Object.entries(input.notApplicable ?? {})) {
    const issue = naIssue(id, justification, input.values);
    if (issue) issues.push(issue);
  }
  if (options.submit) issues.push(...submissionIssues(input));
  return issues;
}

/**
 * What scoring a STORED assessment leaves out, since stored data may predate today's rules
 * (e.g. a digital sales share of 150 % saved before `indicatorRange`): `invalid` holds the
 * model indicators whose stored value `validateLensInput` would refuse (scored as missing, with
 * status `invalid`); `notApplicable` keeps only the N/A entries it would accept. Unknown ids are
 * never scored and need nothing. Never throws, whatever the stored JSON holds.
 */
export function storedInputProblems(input: LensInput): {
  invalid: Set<string>;
  notApplicable: Record<string, string>;
} {
  const isObject = (o: unknown): o is Record<string, unknown> =>
    typeof o === "object" && o !== null && !Array.isArray(o);
  const values = isObject(input.values) ? input.values : {};
  const invalid = new Set(
    Object.entries(values).flatMap(([id, value]) =>
      indicatorById(id) && valueIssue(id, value) ? [id] : []
    ),
  );
  const na = isObject(input.notApplicable) ? input.notApplicable : {};
  const notApplicable = Object.fromEntries(
    Object.entries(na).filter(([id, why]) => !naIssue(id, why, values)),
  ) as Record<string, string>;
  return { invalid, notApplicable };
}

/**
 * The capabilities a submission cannot have: one `CAPABILITY_INSUFFICIENT` issue per capability
 * the scoring rules would mark `insufficient`, in model order, naming its missing indicators
 * (neither a value nor N/A), the first of them as `indicatorId`.
 */
export function submissionIssues(input: LensInput): LensInputIssue[] {
  return MODEL.dimensions.flatMap((d) => d.capabilities).flatMap((capability) => {
    if (scoreCapability(capability, input).status !== "insufficient") return [];
    const na = input.notApplicable ?? {};
    const missing = capability.indicators.map((i) => i.id).filter((id) =>
      (input.values[id] ?? null) === null && !Object.hasOwn(na, id)
    );
    const list = missing.map((m) => `"${m}"`).join(", ");
    return [{
      code: "CAPABILITY_INSUFFICIENT" as const,
      indicatorId: missing[0] ?? capability.indicators[0].id,
      capabilityId: capability.id,
      message:
        `Capability "${capability.id}": too few values to score it (missing ${list}); complete it or save a draft`,
      params: { missing },
    }];
  });
}
