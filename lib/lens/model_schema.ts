/**
 * The zod schema of `lens-model.json`. Server-side only (zod is heavy for islands): the
 * server validates the bundled model at start-up with `parseModel`; `model.ts` runs the
 * semantic checks everywhere.
 */
import { z } from "zod";
import { checkedModel, type LensModel } from "./model.ts";
import raw from "./lens-model.json" with { type: "json" };

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

/**
 * Parses a model file: its structure with zod (throws `ZodError`), then `modelProblems`
 * (throws an `Error` listing every problem).
 */
export function parseModel(input: unknown): LensModel {
  const model: LensModel = modelSchema.parse(input);
  return checkedModel(model);
}

/** Validates the bundled model; call once at server start-up. Returns it. */
export function validateBundledModel(): LensModel {
  return parseModel(raw);
}
