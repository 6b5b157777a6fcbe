/**
 * Scores one assessment against the lens model: rules 1–7 of PRODUCT.md "The lens model".
 * The shape returned is the `POST /api/lens/score` response. Pure and JSON-safe.
 */
import { indicatorById, MODEL, PENALTY_INDICATOR_ID } from "./model.ts";
import { type LensInput, LensInputError, storedInputProblems, validateLensInput } from "./input.ts";
import {
  cappedLevel,
  deductionFor,
  type DimensionResult,
  dimensionScore,
  type IndicatorResult,
  type OverallResult,
  rawOverall,
  scoreCapability,
} from "./rules.ts";
import {
  type EntryPoint,
  entryPoints,
  type RankedCapability,
  strengthsAndWeaknesses,
} from "./insights.ts";

export type { LensInput, LensInputIssue, LensInputIssueCode } from "./input.ts";
export { LensInputError, storedInputProblems, validateLensInput } from "./input.ts";
export type {
  CapabilityResult,
  DimensionResult,
  IndicatorResult,
  IndicatorStatus,
  OverallResult,
} from "./rules.ts";
export type { EntryPoint, RankedCapability, WeakIndicator } from "./insights.ts";

/** The `POST /api/lens/score` response. No NaN, Infinity or undefined anywhere. */
export interface LensScore {
  model: { id: string; version: string };
  overall: OverallResult;
  dimensions: DimensionResult[];
  /** Up to 3 scored capabilities with the highest scores, best first. */
  strengths: RankedCapability[];
  /** Up to 3 other scored capabilities with the lowest scores, worst first. */
  weaknesses: RankedCapability[];
  /** Up to 3 capabilities whose one-step rise lifts the overall score most. */
  entryPoints: EntryPoint[];
}

/** Does any critical indicator score below the gate (40)? Missing critical ones score 0. */
function gateTriggered(dimensions: DimensionResult[]): boolean {
  const below = MODEL.aggregation.compliance_gate.cap_level_if_any_critical_below;
  return dimensions.some((d) =>
    d.capabilities.some((c) =>
      c.indicators.some((i) =>
        indicatorById(i.id)?.critical === true && i.score !== null && i.score < below
      )
    )
  );
}

/**
 * Scores one assessment. Throws `LensInputError` (with every issue) when
 * `validateLensInput` refuses the input; call that first at a boundary to report issues. For
 * assessments read from the database use `scoreStoredAssessment`, which never throws.
 */
export function scoreAssessment(input: LensInput): LensScore {
  const issues = validateLensInput(input);
  if (issues.length) throw new LensInputError(issues);
  return scoreChecked(input, new Set());
}

/**
 * Scores an assessment as stored, which may predate today's input rules: a value outside its
 * indicator's valid range is left out and scored as missing (a critical one scores 0, rule 3),
 * with status `invalid` and the stored value as `invalidValue`, so pages can ask to correct it;
 * an N/A entry the rules refuse is ignored. Equal to `scoreAssessment` on valid input.
 */
export function scoreStoredAssessment(input: LensInput): LensScore {
  const { invalid, notApplicable } = storedInputProblems(input);
  const values = typeof input.values === "object" && input.values !== null ? input.values : {};
  return scoreChecked({ values, notApplicable }, invalid);
}

/** The stored indicators left out as invalid, in model order. */
export function invalidIndicators(score: LensScore): IndicatorResult[] {
  return score.dimensions.flatMap((d) =>
    d.capabilities.flatMap((c) => c.indicators.filter((i) => i.status === "invalid"))
  );
}

function scoreChecked(input: LensInput, invalid: ReadonlySet<string>): LensScore {
  const dimensions = MODEL.dimensions.map((dim): DimensionResult => {
    const capabilities = dim.capabilities.map((cap) => scoreCapability(cap, input, invalid));
    const weights = dim.capabilities.map((c) => c.weight);
    return {
      id: dim.id,
      score: dimensionScore(weights, capabilities.map((c) => c.score)),
      capabilities,
    };
  });
  const weights = MODEL.dimensions.map((d) => d.weight);
  const rawScore = rawOverall(weights, dimensions.map((d) => d.score));
  const penalties = invalid.has(PENALTY_INDICATOR_ID) ? null : input.values[PENALTY_INDICATOR_ID];
  const deduction = deductionFor(typeof penalties === "number" ? penalties : null);
  const score = rawScore === null ? null : Math.max(0, rawScore - deduction);
  const capped = gateTriggered(dimensions);
  const overall = { score, rawScore, deduction, level: cappedLevel(score, capped), capped };
  return {
    model: { id: MODEL.model_id, version: MODEL.version },
    overall,
    dimensions,
    ...strengthsAndWeaknesses(dimensions),
    entryPoints: entryPoints(dimensions, overall),
  };
}
