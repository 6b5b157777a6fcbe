/**
 * Whole-experiment read-outs: the first variant is the control, every other variant is compared
 * with it, p-values are Holm-adjusted over the challengers and `significant` uses the adjusted
 * p-value; the proportions' intervals are at the matching Holm level, so they agree with it. These are the bodies of POST /api/stats/proportions and /api/stats/means.
 */
import { bayesianComparison } from "./bayes.ts";
import {
  chiSquareIndependence,
  type ChiSquareResult,
  sampleRatioMismatch,
  type SrmResult,
} from "./chi_square.ts";
import { holmAdjust, holmLevels } from "./holm.ts";
import { type WelchResult, welchTest } from "./means.ts";
import {
  compareProportions,
  type ProportionsComparison,
  type ProportionsOptions,
} from "./proportions.ts";
import type { ConversionStats, MeanSummary } from "./types.ts";
import { checkAlpha, checkConversions, checkMeanSummaries } from "./guards.ts";

/** A named arm of a conversion metric. */
export interface NamedConversionStats extends ConversionStats {
  name: string;
}

/** A named arm of a value metric. */
export interface NamedMeanSummary extends MeanSummary {
  name: string;
}

/** Options of {@link analyzeProportions}: traffic weights per arm (for SRM) besides the test's. */
export interface ProportionsAnalysisOptions extends ProportionsOptions {
  weights?: readonly number[];
}

/**
 * One challenger's full read-out. Its intervals are at the confidence level `ciLevel`: 1 − α
 * with one challenger, else the level of its Holm step (./holm.ts `holmLevels`), so `ci` and
 * `relativeCi` exclude 0 exactly when `significant` is true.
 */
export interface ProportionsRow extends ProportionsComparison {
  variant: string;
  ciLevel: number;
  adjustedPValue: number | null;
  significant: boolean;
  chanceToBeatControl: number;
  expectedLoss: number;
}

/** The proportions read-out. */
export interface ProportionsAnalysis {
  control: string;
  alpha: number;
  sequential: boolean;
  srm: SrmResult;
  omnibus: ChiSquareResult;
  comparisons: ProportionsRow[];
}

/** Analyses k ≥ 2 conversion arms (control first). Throws RangeError for fewer than 2. */
export function analyzeProportions(
  variants: readonly NamedConversionStats[],
  options: ProportionsAnalysisOptions = {},
): ProportionsAnalysis {
  checkConversions(variants);
  checkAlpha(options.alpha ?? 0.05);
  if (variants.length < 2) throw new RangeError("At least two variants are needed");
  const { alpha = 0.05, weights, sequential = false } = options;
  const [control, ...challengers] = variants;
  const first = challengers.map((v) => compareProportions(control, v, { ...options, alpha }));
  const adjusted = holmAdjust(first.map((t) => t.pValue));
  const levels = holmLevels(first.map((t) => t.pValue), alpha);
  const tests = challengers.map((v, i) =>
    levels[i] === null || levels[i] === alpha
      ? first[i]
      : compareProportions(control, v, { ...options, alpha, intervalAlpha: levels[i]! })
  );
  const comparisons = challengers.map((v, i) => ({
    variant: v.name,
    ...tests[i],
    ciLevel: 1 - (levels[i] ?? alpha),
    adjustedPValue: adjusted[i],
    significant: adjusted[i] !== null && adjusted[i]! < alpha,
    ...bayesianComparison(control, v),
  }));
  return {
    control: control.name,
    alpha,
    sequential,
    srm: sampleRatioMismatch(variants.map((v) => v.users), { weights }),
    omnibus: chiSquareIndependence(variants),
    comparisons,
  };
}

/**
 * One challenger's Welch read-out. Its interval is at the confidence level `ciLevel` (1 − α with
 * one challenger, else its Holm step's), so `ci` excludes 0 exactly when `significant` is true.
 */
export interface MeansRow extends WelchResult {
  variant: string;
  ciLevel: number;
  adjustedPValue: number | null;
  significant: boolean;
}

/** The means read-out. */
export interface MeansAnalysis {
  control: string;
  alpha: number;
  comparisons: MeansRow[];
}

/** Analyses k ≥ 2 value-metric arms (control first) with Welch tests and Holm (intervals at Holm levels). */
export function analyzeMeans(
  variants: readonly NamedMeanSummary[],
  options: { alpha?: number } = {},
): MeansAnalysis {
  checkMeanSummaries(variants);
  checkAlpha(options.alpha ?? 0.05);
  if (variants.length < 2) throw new RangeError("At least two variants are needed");
  const { alpha = 0.05 } = options;
  const [control, ...challengers] = variants;
  const first = challengers.map((v) => welchTest(control, v, { alpha }));
  const adjusted = holmAdjust(first.map((t) => t.pValue));
  const levels = holmLevels(first.map((t) => t.pValue), alpha);
  const tests = challengers.map((v, i) =>
    levels[i] === null || levels[i] === alpha
      ? first[i]
      : welchTest(control, v, { alpha: levels[i]! })
  );
  return {
    control: control.name,
    alpha,
    comparisons: challengers.map((v, i) => ({
      variant: v.name,
      ...tests[i],
      ciLevel: 1 - (levels[i] ?? alpha),
      adjustedPValue: adjusted[i],
      significant: adjusted[i] !== null && adjusted[i]! < alpha,
    })),
  };
}
