/**
 * The scoring rules 1–6 of PRODUCT.md "The lens model": indicator → capability → dimension →
 * overall, compliance deduction, level and cap. Pure, no rounding inside: every number can be
 * reproduced in a spreadsheet from the model weights. `scoring.ts` assembles them.
 */
import { type Capability, type Indicator, levelOf, MODEL, type Normalisation } from "./model.ts";
import type { LensInput } from "./input.ts";

/** Present indicator weight below this makes a capability `insufficient` (rule 3). */
export const MIN_PRESENT_WEIGHT = 0.5;
/** Float slack for the present-weight test, so 0.2 + 0.3 counts as 0.5. */
const WEIGHT_EPSILON = 1e-9;
/** Scores closer than this rank as ties (then model order decides). */
export const TIE_TOLERANCE = 1e-9;

/**
 * `invalid`: a stored value outside the indicator's valid range (`indicatorRange`), stored before
 * the range rule existed; it is left out and scored as missing (a critical one scores 0).
 */
export type IndicatorStatus =
  | "scored"
  | "missing"
  | "not_applicable"
  | "missing_critical"
  | "invalid";

/**
 * `value` is the input value (null when missing, N/A or invalid); `score` 0–100 or null.
 * `invalidValue`: only for `invalid`, the value as stored (null when it is not a number).
 */
export interface IndicatorResult {
  id: string;
  value: number | null;
  score: number | null;
  status: IndicatorStatus;
  invalidValue?: number | null;
}

/** `score` is null exactly when `status` is "insufficient". */
export interface CapabilityResult {
  id: string;
  score: number | null;
  status: "scored" | "insufficient";
  indicators: IndicatorResult[];
}

/** `score` is null when every capability of the dimension is insufficient. */
export interface DimensionResult {
  id: string;
  score: number | null;
  capabilities: CapabilityResult[];
}

/**
 * `rawScore`: weighted mean of the dimensions, null if any is null. `deduction`: 5 per
 * regulatory penalty, at most 15 (0 when the penalty count is missing). `score`:
 * max(0, raw − deduction). `level`: 1–5 or null. `capped`: some critical indicator scores
 * below 40 (a missing critical one scores 0), so the level is at most 3.
 */
export interface OverallResult {
  score: number | null;
  rawScore: number | null;
  deduction: number;
  level: number | null;
  capped: boolean;
}

/**
 * Score 0–100 of one value (rule 1). Maturity level L → (L − 1) × 25. `target_band`:
 * 100 × clamp((x − floor)/(target − floor), 0, 1); lower-is-better bands have floor > target.
 * `log_target_band`: the same on ln(x + 1).
 */
export function indicatorScore(indicator: Indicator, value: number): number {
  if (indicator.type === "maturity") return (value - 1) * 25;
  return bandScore(indicator.normalisation, value);
}

/** 100 × clamp((t(x) − t(floor)) / (t(target) − t(floor)), 0, 1), t = identity or ln(x + 1). */
export function bandScore(band: Normalisation, value: number): number {
  const t = band.method === "log_target_band" ? (x: number) => Math.log(x + 1) : (x: number) => x;
  const ratio = (t(value) - t(band.floor)) / (t(band.target) - t(band.floor));
  return 100 * Math.min(1, Math.max(0, ratio));
}

/** Σ wᵢsᵢ / Σ wᵢ over the pairs given, or null when there are none. */
export function weightedMean(pairs: { weight: number; score: number }[]): number | null {
  if (pairs.length === 0) return null;
  const total = pairs.reduce((sum, p) => sum + p.weight, 0);
  return pairs.reduce((sum, p) => sum + p.weight * p.score, 0) / total;
}

function scoreIndicator(
  indicator: Indicator,
  input: LensInput,
  invalid: ReadonlySet<string>,
): IndicatorResult {
  const { id } = indicator;
  const value = Object.hasOwn(input.values, id) ? input.values[id] : null;
  if (input.notApplicable && Object.hasOwn(input.notApplicable, id)) {
    return { id, value: null, score: null, status: "not_applicable" };
  }
  if (invalid.has(id)) {
    const invalidValue = typeof value === "number" && Number.isFinite(value) ? value : null;
    return {
      id,
      value: null,
      score: indicator.critical ? 0 : null,
      status: "invalid",
      invalidValue,
    };
  }
  if (value === null) {
    return indicator.critical
      ? { id, value: null, score: 0, status: "missing_critical" }
      : { id, value: null, score: null, status: "missing" };
  }
  return { id, value, score: indicatorScore(indicator, value), status: "scored" };
}

/**
 * Rule 3: weighted mean of the indicators that have a score (missing critical ones count
 * as 0), weights renormalised; `insufficient` when their weight sums below 0.5. Indicators in
 * `invalid` (stored values outside their range) are scored as missing, with status `invalid`.
 */
export function scoreCapability(
  capability: Capability,
  input: LensInput,
  invalid: ReadonlySet<string> = new Set(),
): CapabilityResult {
  const indicators = capability.indicators.map((i) => scoreIndicator(i, input, invalid));
  const present = capability.indicators.flatMap((ind, k) => {
    const score = indicators[k].score;
    return score === null ? [] : [{ weight: ind.weight, score }];
  });
  const weight = present.reduce((sum, p) => sum + p.weight, 0);
  if (weight < MIN_PRESENT_WEIGHT - WEIGHT_EPSILON) {
    return { id: capability.id, score: null, status: "insufficient", indicators };
  }
  return { id: capability.id, score: weightedMean(present), status: "scored", indicators };
}

/** Rule 4: weighted mean of the non-insufficient capabilities, null if none. */
export function dimensionScore(weights: number[], scores: (number | null)[]): number | null {
  return weightedMean(
    scores.flatMap((score, k) => score === null ? [] : [{ weight: weights[k], score }]),
  );
}

/** Rule 5: weighted mean of all dimensions, or null if any of them is null. */
export function rawOverall(weights: number[], scores: (number | null)[]): number | null {
  if (scores.some((s) => s === null)) return null;
  return weightedMean(scores.map((score, k) => ({ weight: weights[k], score: score as number })));
}

/** 5 points per regulatory penalty, at most 15; 0 when the count is missing. */
export function deductionFor(penalties: number | null): number {
  const gate = MODEL.aggregation.compliance_gate;
  return penalties === null
    ? 0
    : Math.min(gate.max_deduction, gate.deduction_per_penalty * penalties);
}

/** Rule 6: level of the score, at most 3 when `capped`; null when the score is null. */
export function cappedLevel(score: number | null, capped: boolean): number | null {
  if (score === null) return null;
  const level = levelOf(score);
  return capped ? Math.min(level, MODEL.aggregation.compliance_gate.capped_level) : level;
}

/** Comparator: higher score first; scores within `TIE_TOLERANCE` compare equal. */
export function byScoreDesc(a: number, b: number): number {
  return Math.abs(a - b) <= TIE_TOLERANCE ? 0 : b - a;
}
