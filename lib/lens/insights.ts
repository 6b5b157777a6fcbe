/**
 * What a scorecard reads out of the scores: the magnifying glass (strengths and weaknesses)
 * and the telescope (entry points, rule 7 of PRODUCT.md "The lens model"). Pure.
 */
import { indicatorById, MODEL } from "./model.ts";
import {
  byScoreDesc,
  type CapabilityResult,
  type DimensionResult,
  dimensionScore,
  type IndicatorStatus,
  type OverallResult,
  rawOverall,
  TIE_TOLERANCE,
} from "./rules.ts";

/** One maturity step: how far an entry point raises its capability (then capped at 100). */
export const ENTRY_POINT_STEP = 25;
/** How many entry points, strengths and weaknesses a scorecard shows. */
export const TOP_N = 3;
/** How many of an entry point's weakest indicators are listed. */
export const WEAKEST_INDICATORS = 2;

/** A capability in the strengths/weaknesses lists. */
export interface RankedCapability {
  id: string;
  dimensionId: string;
  score: number;
}

/**
 * An indicator holding an entry point back. For maturity indicators `level` is the current
 * level and `nextLevel` the one whose rubric to show; both null for metrics.
 */
export interface WeakIndicator {
  id: string;
  status: IndicatorStatus;
  value: number | null;
  score: number;
  level: number | null;
  nextLevel: number | null;
}

/** Raising `capabilityId` from `score` to `raisedScore` lifts the overall score by `gain`. */
export interface EntryPoint {
  capabilityId: string;
  dimensionId: string;
  score: number;
  raisedScore: number;
  gain: number;
  weakestIndicators: WeakIndicator[];
}

function withOrder<T>(items: T[]): { item: T; order: number }[] {
  return items.map((item, order) => ({ item, order }));
}

/**
 * Ranks the scored capabilities by score, highest first (scores within 1e-9 tie and keep
 * model order). Strengths: the first 3. Weaknesses: the lowest 3 of the rest, lowest first,
 * so the lists never share a capability (fewer than 6 scored → fewer weaknesses).
 */
export function strengthsAndWeaknesses(dimensions: DimensionResult[]): {
  strengths: RankedCapability[];
  weaknesses: RankedCapability[];
} {
  const scored = dimensions.flatMap((d) =>
    d.capabilities.flatMap((c) =>
      c.score === null ? [] : [{ id: c.id, dimensionId: d.id, score: c.score }]
    )
  );
  const ranked = withOrder(scored)
    .sort((a, b) => byScoreDesc(a.item.score, b.item.score) || a.order - b.order)
    .map(({ item }) => item);
  return {
    strengths: ranked.slice(0, TOP_N),
    weaknesses: ranked.slice(TOP_N).reverse().slice(0, TOP_N),
  };
}

/**
 * Up to 2 indicators of a capability with the lowest scores below 100 (missing critical
 * ones count as 0; missing and N/A ones are left out), lowest first, ties in model order.
 */
export function weakestIndicators(capability: CapabilityResult): WeakIndicator[] {
  const candidates = capability.indicators.flatMap((i) =>
    i.score === null || i.score >= 100 ? [] : [{ ...i, score: i.score }]
  );
  return withOrder(candidates)
    .sort((a, b) => byScoreDesc(b.item.score, a.item.score) || a.order - b.order)
    .slice(0, WEAKEST_INDICATORS)
    .map(({ item }) => {
      const maturity = item.value !== null && indicatorById(item.id)?.type === "maturity";
      return {
        id: item.id,
        status: item.status,
        value: item.value,
        score: item.score,
        level: maturity ? item.value : null,
        nextLevel: maturity ? (item.value as number) + 1 : null,
      };
    });
}

/**
 * Rule 7. For each scored capability: raise its score by 25 (capped at 100), recompute its
 * dimension and the overall score (same deduction, floor 0), gain = new − current overall.
 * Returns the 3 largest positive gains (ties within 1e-9 in model order) with their weakest
 * indicators; empty when the overall score is null.
 */
export function entryPoints(dimensions: DimensionResult[], overall: OverallResult): EntryPoint[] {
  const current = overall.score;
  if (current === null) return [];
  const dimWeights = MODEL.dimensions.map((d) => d.weight);
  const found: EntryPoint[] = [];
  MODEL.dimensions.forEach((dim, d) => {
    const capWeights = dim.capabilities.map((c) => c.weight);
    dimensions[d].capabilities.forEach((cap, c) => {
      if (cap.score === null) return;
      const raisedScore = Math.min(100, cap.score + ENTRY_POINT_STEP);
      const capScores = dimensions[d].capabilities.map((x, k) => k === c ? raisedScore : x.score);
      const raisedDim = dimensionScore(capWeights, capScores);
      const raw = rawOverall(dimWeights, dimensions.map((x, k) => k === d ? raisedDim : x.score));
      const gain = Math.max(0, (raw as number) - overall.deduction) - current;
      if (gain <= TIE_TOLERANCE) return;
      found.push({
        capabilityId: cap.id,
        dimensionId: dim.id,
        score: cap.score,
        raisedScore,
        gain,
        weakestIndicators: weakestIndicators(cap),
      });
    });
  });
  return withOrder(found)
    .sort((a, b) => byScoreDesc(a.item.gain, b.item.gain) || a.order - b.order)
    .slice(0, TOP_N)
    .map(({ item }) => item);
}
