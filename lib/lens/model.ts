/**
 * The lens capability model (3 dimensions → 14 capabilities → 41 indicators), loaded from
 * `lens-model.json` and checked once at import. Pure and free of zod, so islands can bundle it
 * cheaply; the zod schema of the file is `model_schema.ts`, run on the server at start-up.
 *
 * Ids are stable: stored assessments, imports and the API use them. Field names follow the
 * JSON file (snake_case).
 */
import raw from "./lens-model.json" with { type: "json" };

/** Tolerance for "weights sum to 1". */
const WEIGHT_TOLERANCE = 1e-6;

/** Anything with a stable id and a Chinese and English name. */
export interface Named {
  id: string;
  name_zh: string;
  name_en: string;
}

interface IndicatorBase extends Named {
  /** Share of the capability, 0–1; the weights of a capability sum to 1. */
  weight: number;
  definition?: string;
  source?: string[];
  disclosure?: string;
  /** Missing → scores 0; never N/A; below 40 caps the level at 3. */
  critical?: boolean;
  na_allowed_with_justification?: boolean;
}

/** A maturity indicator: level 1–5 scored (L − 1) × 25, with a rubric text per level. */
export interface MaturityIndicator extends IndicatorBase {
  type: "maturity";
  scale: "1-5";
  score_map: Record<string, number>;
  rubric: Record<string, string>;
  evidence_required?: boolean;
}

/** How a metric maps to 0–100 (lower-is-better bands have floor > target). */
export interface Normalisation {
  method: "target_band" | "log_target_band";
  floor: number;
  target: number;
}

export type Direction = "higher_better" | "lower_better";

/** A metric indicator: a figure in `unit`, scored on its normalisation band. */
export interface MetricIndicator extends IndicatorBase {
  type: "metric";
  unit: string;
  direction: Direction;
  normalisation: Normalisation;
}

export type Indicator = MaturityIndicator | MetricIndicator;

export interface Capability extends Named {
  /** Share of the dimension, 0–1. */
  weight: number;
  indicators: Indicator[];
}

export interface Dimension extends Named {
  /** Share of the overall score, 0–1. */
  weight: number;
  capabilities: Capability[];
}

/** Level 1–5 with its score band [min, next level's min); `max` is for display only. */
export interface Level {
  level: number;
  name_zh: string;
  name_en: string;
  min: number;
  max: number;
}

export interface PeerGroup extends Named {
  universe?: number | string;
  subgroups?: string[];
}

export interface ComplianceGate {
  deduction_per_penalty: number;
  max_deduction: number;
  cap_level_if_any_critical_below: number;
  capped_level: number;
}

export interface LensModel {
  model_id: string;
  version: string;
  aggregation: {
    compliance_gate: ComplianceGate;
    /** Named dimension-weight sets (dimension id → weight). */
    presets: Record<string, Record<string, number>>;
  };
  levels: Level[];
  peer_groups: PeerGroup[];
  /** Group → the group to use when it has too few banks ("national", "regional", "all"). */
  fallback_groups: Record<string, string>;
  /** `k_min`: banks needed to show a group; `k_deciles`: banks needed for deciles/champions. */
  peer_statistics: { k_min: number; k_deciles: number };
  dimensions: Dimension[];
}

/** An indicator with the ids of the capability and dimension it belongs to. */
export type LocatedIndicator = Indicator & { capabilityId: string; dimensionId: string };

function sumsToOne(weights: number[]): boolean {
  return Math.abs(weights.reduce((a, b) => a + b, 0) - 1) <= WEIGHT_TOLERANCE;
}

function checkIndicator(ind: Indicator, problems: string[]): void {
  if (ind.critical && ind.na_allowed_with_justification) {
    problems.push(`Critical indicator "${ind.id}" cannot allow N/A`);
  }
  if (ind.type === "maturity") {
    for (let level = 1; level <= 5; level++) {
      if (ind.score_map[level] !== (level - 1) * 25) {
        problems.push(`Indicator "${ind.id}": score_map["${level}"] must be ${(level - 1) * 25}`);
      }
      if (!ind.rubric[level]) problems.push(`Indicator "${ind.id}": rubric["${level}"] missing`);
    }
    return;
  }
  const { method, floor, target } = ind.normalisation;
  const ordered = ind.direction === "higher_better" ? floor < target : floor > target;
  if (!ordered) problems.push(`Indicator "${ind.id}": floor/target contradict ${ind.direction}`);
  if (method === "log_target_band" && Math.min(floor, target) < 0) {
    problems.push(`Indicator "${ind.id}": log band needs floor and target >= 0`);
  }
}

function checkPeers(model: LensModel, problems: string[]): void {
  for (const group of model.peer_groups) {
    const seen = new Set<string>();
    let at = group.id;
    while (at !== "all") {
      const next = model.fallback_groups[at];
      if (!next || seen.has(at)) {
        problems.push(`Peer group "${group.id}" does not fall back to "all"`);
        break;
      }
      seen.add(at);
      at = next;
    }
  }
}

/**
 * What is wrong with a structurally valid model (see `model_schema.ts` for the structure):
 * duplicate ids, weights not summing to 1 at every level (±1e-6), normalisation bands that
 * contradict their direction or a log band below 0, maturity score_map other than (L−1)×25 or
 * a missing rubric level, levels not 1..5 contiguous from 0 to 100, a critical indicator that
 * allows N/A, a peer group whose fallback chain does not reach "all". Empty when sound.
 */
export function modelProblems(model: LensModel): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const unique = (id: string) => {
    if (ids.has(id)) problems.push(`Duplicate id "${id}"`);
    ids.add(id);
  };
  if (!sumsToOne(model.dimensions.map((d) => d.weight))) problems.push("Dimension weights");
  for (const [name, preset] of Object.entries(model.aggregation.presets)) {
    const keys = model.dimensions.map((d) => d.id);
    if (!keys.every((k) => k in preset) || !sumsToOne(keys.map((k) => preset[k]))) {
      problems.push(`Preset "${name}" weights`);
    }
  }
  for (const dim of model.dimensions) {
    unique(dim.id);
    if (!sumsToOne(dim.capabilities.map((c) => c.weight))) problems.push(`"${dim.id}" weights`);
    for (const cap of dim.capabilities) {
      unique(cap.id);
      if (!sumsToOne(cap.indicators.map((i) => i.weight))) problems.push(`"${cap.id}" weights`);
      for (const ind of cap.indicators) {
        unique(ind.id);
        checkIndicator(ind, problems);
      }
    }
  }
  model.levels.forEach((level, i) => {
    if (level.level !== i + 1 || level.min !== i * 20) problems.push(`Level ${i + 1} bounds`);
  });
  if (model.levels[4].max !== 100) problems.push("Level 5 must end at 100");
  checkPeers(model, problems);
  return problems;
}

/** Returns the model, or throws an `Error` listing every problem `modelProblems` finds. */
export function checkedModel(model: LensModel): LensModel {
  const problems = modelProblems(model);
  if (problems.length) throw new Error(`Invalid lens model: ${problems.join("; ")}`);
  return model;
}

/** The adopted model, checked at import (its structure by `model_schema.ts` at start-up). */
export const MODEL: LensModel = checkedModel(raw as LensModel);

/** Every indicator in model order, with its capability and dimension ids. */
export const INDICATORS: readonly LocatedIndicator[] = MODEL.dimensions.flatMap((d) =>
  d.capabilities.flatMap((c) =>
    c.indicators.map((i) => ({ ...i, capabilityId: c.id, dimensionId: d.id }))
  )
);

const indicatorIndex = new Map(INDICATORS.map((i) => [i.id, i]));
const capabilityIndex = new Map(
  MODEL.dimensions.flatMap((d) => d.capabilities.map((c) => [c.id, { ...c, dimensionId: d.id }])),
);
const dimensionIndex = new Map(MODEL.dimensions.map((d) => [d.id, d]));

/** The indicator with this id, or undefined. Safe for untrusted ids (no prototype lookups). */
export function indicatorById(id: string): LocatedIndicator | undefined {
  return indicatorIndex.get(id);
}

/** The capability with this id (and its dimension id), or undefined. */
export function capabilityById(id: string): (Capability & { dimensionId: string }) | undefined {
  return capabilityIndex.get(id);
}

/** The dimension with this id, or undefined. */
export function dimensionById(id: string): Dimension | undefined {
  return dimensionIndex.get(id);
}

/** The id of the indicator that counts regulatory penalties (drives the deduction). */
export const PENALTY_INDICATOR_ID = "data_penalties_24m";

/**
 * Level 1–5 of a 0–100 score: 1 [0,20), 2 [20,40), 3 [40,60), 4 [60,80), 5 [80,100].
 * Uses each level's `min` only, so 19.995 is level 1 (the `max` of 19.99 is for display).
 */
export function levelOf(score: number): number {
  let level = 1;
  for (const l of MODEL.levels) if (score >= l.min) level = l.level;
  return level;
}

/** Names and bounds of level 1–5. */
export function levelInfo(level: number): Level | undefined {
  return MODEL.levels.find((l) => l.level === level);
}

/**
 * The lowest valid value of a metric: metrics measuring a change (unit with "YoY" or
 * "relative", e.g. customer growth, conversion uplift) may be negative; all other metrics
 * (shares, counts, durations, rates) are at least 0. No upper bound: scores clamp at 100,
 * and some shares (uplift, embedded MAU) can exceed 100.
 */
export function metricLowerBound(indicator: MetricIndicator): number | null {
  return /YoY|relative/.test(indicator.unit) ? null : 0;
}
