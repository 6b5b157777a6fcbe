/**
 * The sample-size planner's arithmetic on its form fields: validation into message keys, users
 * per arm and in total (lib/stats/power.ts; messages of lib/experiments/planning.ts `planError`),
 * days at the given traffic and the power curve.
 */
import type { MessageKey } from "../../lib/i18n/mod.ts";
import { planError } from "../../lib/experiments/planning.ts";
import { planProportions, powerForSampleSize } from "../../lib/stats/power.ts";
import { parseInteger, parseNumber } from "./inputs.ts";

export interface PlannerInputs {
  [key: string]: unknown;
  /** Control rate in percent, as typed. */
  baseline: string;
  /** Relative lift in percent or absolute lift in percentage points, as typed. */
  mde: string;
  effectType: "relative" | "absolute";
  alpha: number;
  power: number;
  arms: string;
  /** Users entering the test per day, all arms together. */
  traffic: string;
}

export const DEFAULT_PLANNER: PlannerInputs = {
  baseline: "2",
  mde: "10",
  effectType: "relative",
  alpha: 0.05,
  power: 0.8,
  arms: "2",
  traffic: "5000",
};

export interface Plan {
  ok: true;
  baselineRate: number;
  variantRate: number;
  arms: number;
  alpha: number;
  perVariant: number;
  total: number;
  days: number;
  /** Power at 40 sample sizes up to twice the planned n per arm. */
  curve: { n: number; power: number }[];
}

export type PlanOutcome = Plan | {
  ok: false;
  error: MessageKey;
  params?: Record<string, string | number>;
};

export function plan(inputs: PlannerInputs): PlanOutcome {
  const baselineRate = parseNumber(inputs.baseline) / 100;
  const effect = parseNumber(inputs.mde) / 100;
  const arms = parseInteger(inputs.arms, 2, 20);
  const traffic = parseNumber(inputs.traffic);
  const first = planProportions({ baselineRate, minimumDetectableEffect: effect }, {});
  if (!first.ok && ["BASELINE_OUT_OF_RANGE", "EFFECT_INVALID"].includes(first.reason)) {
    return { ok: false, ...planError(first) };
  }
  if (arms === null) return { ok: false, error: "tools.err.arms" };
  if (!(traffic > 0 && Number.isFinite(traffic))) return { ok: false, error: "tools.err.traffic" };
  const options = { alpha: inputs.alpha, power: inputs.power, variants: arms };
  const size = planProportions(
    { baselineRate, minimumDetectableEffect: effect, effectType: inputs.effectType },
    options,
  );
  if (!size.ok) return { ok: false, ...planError(size) };
  const { variantRate } = size;
  const rates = { baselineRate, variantRate };
  const step = Math.max(1, Math.ceil((2 * size.perVariant) / 40));
  const curve = Array.from({ length: 40 }, (_, i) => (i + 1) * step).map((n) => ({
    n,
    power: powerForSampleSize(rates, n, options),
  }));
  return {
    ok: true,
    baselineRate,
    variantRate,
    arms,
    alpha: size.alpha,
    perVariant: size.perVariant,
    total: size.total,
    days: Math.ceil(size.total / traffic),
    curve,
  };
}
