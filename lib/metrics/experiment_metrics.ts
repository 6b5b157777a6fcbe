/**
 * The rules of an experiment's `metrics` (issue 16) that need no database: defaults for an
 * experiment that names none, the legacy `primaryMetric` kept in step, and the refusals that
 * do not depend on the bank's library (a key twice; a bandit reading anything but conversions).
 * Whether each key exists in the bank's library is checked by the caller.
 */
import { DEFAULT_EXPERIMENT_METRICS, type ExperimentMetrics } from "./definition.ts";

/** The legacy primary metric of an experiment (before the library). */
export interface LegacyPrimary {
  type: "conversion" | "value";
  name?: string;
}

/** The `metrics` a request gives: roles other than the primary may be left out. */
export interface MetricsInput {
  primary: string;
  secondary?: string[];
  guardrails?: string[];
}

/**
 * What a new experiment reads when its request names no `metrics`: conversions with the opt-out
 * guardrail, or the conversion value when the legacy `primaryMetric` says `value`.
 */
export function defaultMetrics(primaryMetric?: LegacyPrimary): ExperimentMetrics {
  return {
    ...DEFAULT_EXPERIMENT_METRICS,
    primary: primaryMetric?.type === "value" ? "conversion_value" : "conversion",
    guardrails: [...DEFAULT_EXPERIMENT_METRICS.guardrails],
  };
}

export function normaliseMetrics(input: MetricsInput): ExperimentMetrics {
  return {
    primary: input.primary,
    secondary: [...(input.secondary ?? [])],
    guardrails: [...(input.guardrails ?? [])],
  };
}

/**
 * The legacy `primaryMetric` that agrees with `metrics`: the built-in `conversion_value` is a
 * `value` primary, `conversion` a conversion one; a library metric leaves it as it was.
 */
export function legacyPrimaryFor(
  metrics: ExperimentMetrics,
  current: LegacyPrimary,
): LegacyPrimary {
  if (metrics.primary === "conversion_value") return { ...current, type: "value" };
  if (metrics.primary === "conversion") return { ...current, type: "conversion" };
  return current;
}

/**
 * The `metrics` after a legacy `primaryMetric` change that named no `metrics`: a built-in
 * primary (`conversion` / `conversion_value`) follows it; a library primary stays.
 */
export function followLegacyPrimary(
  metrics: ExperimentMetrics,
  primaryMetric: LegacyPrimary,
): ExperimentMetrics {
  if (metrics.primary !== "conversion" && metrics.primary !== "conversion_value") return metrics;
  return {
    ...metrics,
    primary: primaryMetric.type === "value" ? "conversion_value" : "conversion",
  };
}

/** Every key an experiment reads, primary first. */
export function metricKeys(metrics: ExperimentMetrics): string[] {
  return [metrics.primary, ...metrics.secondary, ...metrics.guardrails];
}

export type MetricsProblem =
  | { code: "DUPLICATE_METRIC"; key: string }
  | { code: "BANDIT_PRIMARY_METRIC"; key: string };

/**
 * The first refusal that needs no library: a key in two places (`DUPLICATE_METRIC`), or a
 * bandit whose primary is not `conversion` (`BANDIT_PRIMARY_METRIC`: its reweighting counts
 * conversions). Null when none.
 */
export function metricsProblem(
  metrics: ExperimentMetrics,
  mode: "ab" | "bandit",
): MetricsProblem | null {
  const seen = new Set<string>();
  for (const key of metricKeys(metrics)) {
    if (seen.has(key)) return { code: "DUPLICATE_METRIC", key };
    seen.add(key);
  }
  if (mode === "bandit" && metrics.primary !== "conversion") {
    return { code: "BANDIT_PRIMARY_METRIC", key: metrics.primary };
  }
  return null;
}
