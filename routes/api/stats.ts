import { Hono } from "hono";
import { z } from "zod";
import { badRequest } from "../../lib/errors.ts";
import { analyzeMeans, analyzeProportions } from "../../lib/stats/analysis.ts";
import { translator } from "../../lib/i18n/mod.ts";
import { planProportions } from "../../lib/stats/power.ts";
import { planError } from "../../lib/experiments/planning.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { readJson } from "../../plugins/validate.ts";

/** Counts beyond this would lose integer precision in sums of squares; no campaign is bigger. */
export const MAX_USERS = 1e12;

const name = z.string().trim().min(1, "Name must not be empty").max(100);
const alpha = z.number().gt(0).max(0.5).optional();

function uniqueNames<T extends { name: string }>(arm: z.ZodType<T>) {
  return z.array(arm).min(2, "At least 2 variants are needed").max(20, "At most 20 variants")
    .refine((arms) => new Set(arms.map((a) => a.name)).size === arms.length, {
      message: "validation.variantName.unique",
    });
}

/** One conversion arm: 1 ≤ users ≤ 1e12, 0 ≤ conversions ≤ users, integers. */
export const conversionArm = z.strictObject({
  name,
  users: z.number().int().min(1).max(MAX_USERS),
  conversions: z.number().int().min(0).max(MAX_USERS),
}).refine((a) => a.conversions <= a.users, {
  message: "validation.custom.conversionsOverUsers",
  path: ["conversions"],
});
export const conversionArms = uniqueNames(conversionArm);

export const proportionsBody = z.strictObject({
  variants: conversionArms,
  alpha,
  weights: z.array(z.number().positive().max(1e9)).optional(),
  sequential: z.boolean().optional(),
  sequentialTuning: z.number().int().min(1).max(MAX_USERS).optional(),
}).refine((b) => !b.weights || b.weights.length === b.variants.length, {
  message: "validation.custom.weightPerArm",
  path: ["weights"],
});

export const meansBody = z.strictObject({
  variants: uniqueNames(z.strictObject({
    name,
    n: z.number().int().min(2).max(MAX_USERS),
    mean: z.number().min(-1e15).max(1e15),
    sd: z.number().min(0).max(1e15),
  })).refine((arms) => arms.some((a) => a.sd > 0), {
    message: "validation.custom.positiveSd",
  }),
  alpha,
});

export const sampleSizeBody = z.strictObject({
  baselineRate: z.number().gt(0).lt(1),
  minimumDetectableEffect: z.number().min(-1e6).max(1e6).refine(
    (v) => v !== 0,
    "validation.custom.notZero",
  ),
  effectType: z.enum(["absolute", "relative"]).optional(),
  alpha,
  power: z.number().min(0.5).lt(1).optional(),
  variants: z.number().int().min(2).max(20).optional(),
});

/** Public statistics calculators, mounted at `/api/stats`. Keep no data; bounded work. */
const stats = new Hono<AppEnv>();

stats.post("/proportions", async (c) => {
  const { variants, ...options } = await readJson(c, proportionsBody);
  return c.json(analyzeProportions(variants, options));
});

stats.post("/means", async (c) => {
  const { variants, alpha } = await readJson(c, meansBody);
  return c.json(analyzeMeans(variants, { alpha }));
});

stats.post("/sample-size", async (c) => {
  const body = await readJson(c, sampleSizeBody);
  const size = planProportions(body, body);
  if (!size.ok) {
    const { error, params } = planError(size);
    throw badRequest("INVALID_EFFECT", (c.var.t ?? translator("en"))(error, params));
  }
  return c.json({ perVariant: size.perVariant, total: size.total, variantRate: size.variantRate });
});

export default stats;
