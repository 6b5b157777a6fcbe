/**
 * An experiment as the app knows it: the stored experiment, the settings a draft may change, and
 * the status moves. Types and constants only; db/experiments.ts stores and reads them (and
 * re-exports them for its callers).
 */
import type { HashVersion } from "./assignment.ts";
import type { ExperimentMetrics } from "../metrics/definition.ts";
import type { ForcedUnit } from "../governance/policy.ts";
import type { ExperimentStatus } from "./settings.ts";

export interface VariantInput {
  name: string;
  description?: string;
  weight: number;
}

export interface ExperimentSummary {
  id: string;
  bankId: string;
  campaignId: string | null;
  key: string;
  name: string;
  mode: "ab" | "bandit";
  status: ExperimentStatus;
  iteration: number;
  startedAt: Date | null;
  variants: Array<{ name: string; description: string; weight: number }>;
}

export type PrimaryMetric = { type: "conversion" | "value"; name?: string };
/** A guardrail: a metric that must not get significantly worse in the given direction. */
export interface Guardrail {
  name: string;
  type: "conversion" | "value";
  direction: "higher_is_better" | "lower_is_better";
}
/** Targeting as stored (the stages are not narrowed to `STAGES` on read). */
export type StoredTargeting = { stages?: string[]; tags?: string[] };

/** The configuration an experiment's pages, API and analysis need. */
export interface Experiment extends ExperimentSummary {
  parentExperimentId: string | null;
  primaryMetric: PrimaryMetric;
  /**
   * Free-text guardrails of experiments before the metric library: kept and shown, no longer
   * measured (the guardrails measured are `metrics.guardrails`).
   */
  guardrails: Guardrail[];
  /** The metrics it reads: keys of the bank's library or built-ins (migration 0010). */
  metrics: ExperimentMetrics;
  targeting: StoredTargeting;
  alpha: number;
  sequential: boolean;
  sequentialTuning: number;
  /** Users in total (all arms) the test was planned for; null when not planned. */
  plannedSampleSize: number | null;
  baselineRate: number | null;
  /** Bandits: the floor share of every arm, and minutes between scheduled reweightings. */
  minShare: number;
  reweightMinutes: number;
  /** The mutual-exclusion layer and the range [from, to) it takes of it (migration 0015). */
  layer: ExperimentLayer | null;
  /** QA units put into an arm (reason `forced`); never counted in results. */
  forced: ForcedUnit[];
  winnerVariant: string | null;
  configVersion: number;
  /** The A/B assignment rule it uses (docs/SDK.md): 1 for experiments older than 0007, else 2. */
  hashVersion: HashVersion;
  stoppedAt: Date | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A range [from, to) of a layer, 0 ≤ from < to ≤ 1. */
export interface ExperimentLayer {
  key: string;
  range: [number, number];
}

/** The editable settings of a draft. */
export type ExperimentSettings =
  & Pick<
    Experiment,
    | "name"
    | "campaignId"
    | "mode"
    | "primaryMetric"
    | "guardrails"
    | "metrics"
    | "targeting"
    | "alpha"
    | "sequential"
    | "sequentialTuning"
    | "plannedSampleSize"
    | "baselineRate"
    | "minShare"
    | "reweightMinutes"
    | "layer"
    | "forced"
  >
  & { variants: VariantInput[] };

/** The allowed moves: action → the status it leaves and the status it reaches. */
export const TRANSITIONS = {
  start: { from: "draft", to: "running" },
  stop: { from: "running", to: "stopped" },
  decide: { from: "stopped", to: "decided" },
} as const satisfies Record<string, { from: ExperimentStatus; to: ExperimentStatus }>;
export type Transition = keyof typeof TRANSITIONS;
