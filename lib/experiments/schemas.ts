/**
 * The request schemas of experiments, shared by the API (routes/api/experiments.ts) and the pages
 * (routes/experiments/): a new experiment, a patch of its settings, a decision, and the parts
 * other requests reuse (targeting for campaigns, a layer's key and range, QA units).
 */
import { z } from "zod";
import { experimentMetricsSchema } from "../metrics/definition.ts";
import { isLayerRange } from "../governance/layers.ts";
import { BANK_ID_PATTERN, EXPERIMENT_KEY_PATTERN } from "../patterns.ts";
import { storableText } from "../text_schema.ts";
import { STAGES } from "./settings.ts";
import { variantName } from "./variant_name.ts";

export const KEY_PATTERN = EXPERIMENT_KEY_PATTERN;

export const targetingSchema = z.strictObject({
  stages: z.array(z.enum(STAGES)).max(STAGES.length).optional(),
  tags: z.array(storableText().trim().min(1).max(64)).max(50).optional(),
});

const variantSchema = z.strictObject({
  name: variantName(),
  description: storableText().max(2000).optional(),
  weight: z.number().positive().max(1e6),
});

/** The calculator's inputs (lib/experiments/planning.ts turns them into a planned size). */
export const planSchema = z.strictObject({
  baselineRate: z.number().gt(0).lt(1),
  minimumDetectableEffect: z.number().positive().max(100),
  effectType: z.enum(["absolute", "relative"]).optional(),
  power: z.number().gt(0).lt(1).optional(),
});

/** Most QA units one experiment may list. */
export const MAX_FORCED_UNITS = 100;

/** A layer's key: the pattern of experiment keys (a custom issue, so it is not called 实验标识). */
export function layerKey() {
  return z.string().refine((key) => KEY_PATTERN.test(key), "validation.layer.key");
}

/** `{"key", "range": [from, to]}` of a layer, 0 ≤ from < to ≤ 1; null: no layer. */
export const layerSchema = z.strictObject({
  key: layerKey(),
  range: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
    .refine(isLayerRange, "validation.layer.range"),
}).nullable();

/** QA units and their arms: each unit once, at most `MAX_FORCED_UNITS`. */
export const forcedSchema = z.array(z.strictObject({
  // A customer id as the SDK API takes it (routes/api/v1/schemas.ts `unitId`; not imported: that
  // module must load after @hono/zod-openapi, which the OpenAPI document relies on).
  unit: storableText().min(1).max(128),
  variant: storableText().min(1).max(64),
})).max(MAX_FORCED_UNITS).refine(
  (list) => new Set(list.map((f) => f.unit)).size === list.length,
  "validation.forced.unique",
);

const settingsFields = {
  name: storableText().trim().min(1).max(200),
  campaignId: z.uuid().nullable().optional(),
  mode: z.enum(["ab", "bandit"]).optional(),
  variants: z.array(variantSchema).min(2).max(20).refine(
    (list) => new Set(list.map((v) => v.name)).size === list.length,
    "validation.variantName.unique",
  ),
  primaryMetric: z.strictObject({
    type: z.enum(["conversion", "value"]),
    name: storableText().trim().max(100).optional(),
  }).optional(),
  /**
   * The metrics it reads (issue 16): keys of the bank's library or built-ins. Omitted on
   * create: `conversion` (or `conversion_value` for a legacy `value` primary) with the
   * `opt_out` guardrail.
   */
  metrics: experimentMetricsSchema.optional(),
  /** Legacy free-text guardrails: accepted and stored, not measured (use `metrics`). */
  guardrails: z.array(z.strictObject({
    name: storableText().trim().min(1).max(100),
    type: z.enum(["conversion", "value"]),
    direction: z.enum(["higher_is_better", "lower_is_better"]),
  })).max(10).optional(),
  targeting: targetingSchema.optional(),
  alpha: z.number().gt(0).lt(0.5).optional(),
  sequential: z.boolean().optional(),
  sequentialTuning: z.int().positive().max(1e9).optional(),
  plannedSampleSize: z.int().positive().max(2_000_000_000).nullable().optional(),
  /** Bandits: the floor share of each arm (k × minShare ≤ 0.5), minutes between reweightings. */
  minShare: z.number().min(0.001).max(0.25).optional(),
  reweightMinutes: z.int().min(1).max(10080).optional(),
  /** The calculator's inputs: the server computes the planned sample size from them. */
  plan: planSchema.optional(),
  /** A range of a mutual-exclusion layer (drafts only); null leaves the layer. */
  layer: layerSchema.optional(),
  /** QA units put into an arm; may change while running (db/experiment_commands.ts). */
  forced: forcedSchema.optional(),
};

export const newExperimentSchema = z.strictObject({
  key: z.string().regex(
    KEY_PATTERN,
    "Use 1–64 lowercase letters, digits or -, not starting with -",
  ),
  bankId: z.string().regex(BANK_ID_PATTERN).optional(),
  ...settingsFields,
});

export const experimentPatchSchema = z.strictObject(settingsFields).partial();
export type NewExperiment = z.output<typeof newExperimentSchema>;
export type ExperimentPatch = z.output<typeof experimentPatchSchema>;

export const decideSchema = z.strictObject({ winner: storableText().min(1).max(64) });

/** A promotion of an iteration's winner (routes/experiments/_loop.ts `promote`). */
export const promoteSchema = z.strictObject({
  /** Defaults to the winner the statistics name (or the recorded one, once decided). */
  winner: storableText().min(1).max(64).optional(),
  /** The next iteration's key; defaults to the next free version (`x-v1` → `x-v2`, `x` → `x-v2`). */
  key: z.string().regex(KEY_PATTERN, "Use 1–64 lowercase letters, digits or -")
    .optional(),
  /** After a bandit: draft a confirming A/B of the winner against the former control. */
  confirm: z.boolean().optional(),
  plan: z.strictObject({
    minimumDetectableEffect: z.number().positive().max(100),
    effectType: z.enum(["absolute", "relative"]).optional(),
    power: z.number().gt(0).lt(1).optional(),
  }).optional(),
});
export type PromoteRequest = z.output<typeof promoteSchema>;
