/**
 * The lens capability model (3 dimensions → 14 capabilities → 41 indicators), loaded from
 * `lens-model.json` and validated once at import. Pure: runs on the server and in islands.
 *
 * Ids are stable: stored assessments, imports and the API use them.
 */
import { z } from "zod";
import raw from "./lens-model.json" with { type: "json" };

/** Tolerance for "weights sum to 1". */
const WEIGHT_TOLERANCE = 1e-6;

const text = z.string().min(1);
const weight = z.number().gt(0).lte(1);
const normalisation = z.object({
  method: z.enum(["target_band", "log_target_band"]),
  floor: z.number(),
  target: z.number(),
});
const common = {
  id: text,
  name_zh: text,
  name_en: text,
  weight,
  definition: z.string().optional(),
  source: z.array(z.string()).optional(),
  disclosure: z.string().optional(),
  critical: z.boolean().optional(),
  na_allowed_with_justification: z.boolean().optional(),
};
const indicatorSchema = z.discriminatedUnion("type", [
  z.object({
    ...common,
    type: z.literal("maturity"),
    scale: z.literal("1-5"),
    score_map: z.record(z.string(), z.number()),
    rubric: z.record(z.string(), z.string()),
    evidence_required: z.boolean().optional(),
  }),
  z.object({
    ...common,
    type: z.literal("metric"),
    unit: text,
    direction: z.enum(["higher_better", "lower_better"]),
    normalisation,
  }),
]);
const capabilitySchema = z.object({
  id: text,
  name_zh: text,
  name_en: text,
  weight,
  indicators: z.array(indicatorSchema).min(1),
});
const dimensionSchema = z.object({
  id: text,
  name_zh: text,
  name_en: text,
  weight,
  capabilities: z.array(capabilitySchema).min(1),
});
const modelSchema = z.object({
  model_id: text,
  version: text,
  aggregation: z.object({
    compliance_gate: z.object({
      deduction_per_penalty: z.number().nonnegative(),
      max_deduction: z.number().nonnegative(),
      cap_level_if_any_critical_below: z.number().min(0).max(100),
      capped_level: z.number().int().min(1).max(5),
    }),
    presets: z.record(z.string(), z.record(z.string(), z.number().nonnegative())),
  }),
  levels: z.array(z.object({
    level: z.number().int(),
    name_zh: text,
    name_en: text,
    min: z.number(),
    max: z.number(),
  })).length(5),
  peer_groups: z.array(z.object({ id: text, name_zh: text, name_en: text })).min(1),
  fallback_groups: z.record(z.string(), z.string()),
  peer_statistics: z.object({
    k_min: z.number().int().positive(),
    k_deciles: z.number().int().positive(),
  }),
  dimensions: z.array(dimensionSchema).min(1),
});

/** The model as validated. Field names follow the JSON file (snake_case). */
export type LensModel = z.output<typeof modelSchema>;
export type Dimension = LensModel["dimensions"][number];
export type Capability = Dimension["capabilities"][number];
export type Indicator = Capability["indicators"][number];
export type MaturityIndicator = Extract<Indicator, { type: "maturity" }>;
export type MetricIndicator = Extract<Indicator, { type: "metric" }>;
export type Normalisation = MetricIndicator["normalisation"];
export type Level = LensModel["levels"][number];
export type PeerGroup = LensModel["peer_groups"][number];

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
 * Validates a parsed model file: schema, unique ids, weights summing to 1 at every level
 * (±1e-6), sane normalisation bands, maturity scale 1–5 with score_map (L−1)×25, levels
 * 1..5 contiguous from 0 to 100, critical indicators never N/A, fallback chains ending at
 * "all". Throws an `Error` listing every problem.
 */
export function validateModel(input: unknown): LensModel {
  const model = modelSchema.parse(input);
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
  if (problems.length) throw new Error(`Invalid lens model: ${problems.join("; ")}`);
  return model;
}

/** The adopted model, validated at start-up. */
export const MODEL: LensModel = validateModel(raw);

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
