/**
 * Weighting scenarios (issue 19 part 5): the same assessment scored with other weights, e.g. a
 * retail-first bank's, side by side with the official model and never replacing it.
 *
 * Weights follow the model's structure: dimension weights (share of the overall score) and
 * capability weights (share of their dimension). Indicator weights and every rule of scoring
 * stay the model's, so capability scores do not change. A scenario gives any of these weights;
 * the others keep the model's. Each level is then normalised to sum 1 (dimensions overall,
 * capabilities within their dimension). Weights must be finite and non-negative, and every
 * level must keep a positive sum. Then rules 4–6 run as usual: dimension = weighted mean of its
 * scored capabilities of positive weight (renormalised; none → null), overall = weighted mean of the dimensions (null if any is
 * null) minus the same deduction, level capped at 3 by the same compliance gate.
 *
 * Checked against an independent Python scorer: `tools/gen_scenario_fixtures.py`. Pure.
 */
import { MODEL } from "./model.ts";
import { cappedLevel, type OverallResult, rawOverall, weightedMean } from "./rules.ts";
import type { LensScore } from "./scoring.ts";

/** Weights by model id: dimension id → weight, capability id → weight. */
export interface ScenarioWeights {
  dimensions?: Record<string, number>;
  capabilities?: Record<string, number>;
}

export interface Scenario {
  id: "equal" | "retail_first" | "open_first";
  weights: ScenarioWeights;
}

/** The scenarios offered on the scorecard. */
export const SCENARIOS: readonly Scenario[] = [
  { id: "equal", weights: { dimensions: { digital: 1, intelligent: 1, open: 1 } } },
  {
    id: "retail_first",
    weights: {
      dimensions: { digital: 0.5, intelligent: 0.3, open: 0.2 },
      capabilities: {
        digital_channels: 0.3,
        user_lifecycle: 0.3,
        org_talent_spend: 0.05,
        intelligent_marketing: 0.4,
        intelligent_risk: 0.05,
        scene_ecosystem: 0.4,
        interorg_collaboration: 0.1,
      },
    },
  },
  {
    id: "open_first",
    weights: {
      dimensions: { digital: 0.3, intelligent: 0.3, open: 0.4 },
      capabilities: { open_platform: 0.35, scene_ecosystem: 0.35, interorg_collaboration: 0.15 },
    },
  },
];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** A problem with scenario weights: `UNKNOWN_ID`, `BAD_WEIGHT` (negative or not finite), `ZERO_SUM`. */
export interface WeightProblem {
  code: "UNKNOWN_ID" | "BAD_WEIGHT" | "ZERO_SUM";
  id: string;
  message: string;
}

/** The weights in model order, normalised: `dimensions[d]`, `capabilities[d][c]`. */
export interface NormalisedWeights {
  dimensions: number[];
  capabilities: number[][];
}

/** Every problem with scenario weights (empty when they can be used). */
export function weightProblems(weights: ScenarioWeights): WeightProblem[] {
  const problems: WeightProblem[] = [];
  const check = (id: string, w: number, known: boolean) => {
    if (!known) problems.push({ code: "UNKNOWN_ID", id, message: `Unknown id "${id}"` });
    else if (!Number.isFinite(w) || w < 0) {
      problems.push({ code: "BAD_WEIGHT", id, message: `Weight of "${id}" must be 0 or more` });
    }
  };
  for (const [id, w] of Object.entries(weights.dimensions ?? {})) {
    check(id, w, MODEL.dimensions.some((d) => d.id === id));
  }
  const capIds = MODEL.dimensions.flatMap((d) => d.capabilities.map((c) => c.id));
  for (const [id, w] of Object.entries(weights.capabilities ?? {})) {
    check(id, w, capIds.includes(id));
  }
  if (problems.length) return problems;
  const merged = merge(weights);
  if (merged.dimensions.reduce((a, b) => a + b, 0) <= 0) {
    problems.push({ code: "ZERO_SUM", id: "dimensions", message: "Dimension weights sum to 0" });
  }
  merged.capabilities.forEach((caps, d) => {
    if (caps.reduce((a, b) => a + b, 0) <= 0) {
      const id = MODEL.dimensions[d].id;
      problems.push({ code: "ZERO_SUM", id, message: `Capability weights of "${id}" sum to 0` });
    }
  });
  return problems;
}

function merge(weights: ScenarioWeights): NormalisedWeights {
  const pick = (table: Record<string, number> | undefined, id: string, official: number) =>
    table && Object.hasOwn(table, id) ? table[id] : official;
  return {
    dimensions: MODEL.dimensions.map((d) => pick(weights.dimensions, d.id, d.weight)),
    capabilities: MODEL.dimensions.map((d) =>
      d.capabilities.map((c) => pick(weights.capabilities, c.id, c.weight))
    ),
  };
}

const normalise = (xs: number[]) => {
  const sum = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / sum);
};

/** The weights a scenario uses, merged with the model's and normalised. Check them first. */
export function normalisedWeights(weights: ScenarioWeights): NormalisedWeights {
  const merged = merge(weights);
  return {
    dimensions: normalise(merged.dimensions),
    capabilities: merged.capabilities.map(normalise),
  };
}

/** A scenario's result: dimension scores and the overall, shaped like the official ones. */
export interface ScenarioScore {
  weights: NormalisedWeights;
  dimensions: { id: string; score: number | null }[];
  overall: OverallResult;
}

/**
 * Re-weights an official score. Throws an `Error` listing the problems when
 * `weightProblems(weights)` finds any.
 */
export function scoreScenario(score: LensScore, weights: ScenarioWeights): ScenarioScore {
  const problems = weightProblems(weights);
  if (problems.length) throw new Error(problems.map((p) => p.message).join("; "));
  const w = normalisedWeights(weights);
  const dimensions = score.dimensions.map((d, k) => ({
    id: d.id,
    score: weightedMean(
      d.capabilities.flatMap((c, i) =>
        c.score === null || w.capabilities[k][i] <= 0
          ? []
          : [{ weight: w.capabilities[k][i], score: c.score }]
      ),
    ),
  }));
  const rawScore = rawOverall(w.dimensions, dimensions.map((d) => d.score));
  const { deduction, capped } = score.overall;
  const overallScore = rawScore === null ? null : Math.max(0, rawScore - deduction);
  return {
    weights: w,
    dimensions,
    overall: {
      score: overallScore,
      rawScore,
      deduction,
      level: cappedLevel(overallScore, capped),
      capped,
    },
  };
}
