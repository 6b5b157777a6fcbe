/**
 * The rules of an experiment's settings and life, without the database: defaults and merging a
 * patch into settings (weights normalised, the calculator's `plan` turned into a planned size),
 * the checks that need nothing stored (QA units' arms, bandits, metrics), and the coded errors
 * the commands of db/experiment_commands.ts refuse with. Messages are English with a catalogue
 * translation (lib/i18n), shown in the reader's language where they are rendered.
 */
import { AppError, badRequest, conflict } from "../errors.ts";
import type { ForcedUnit } from "../governance/policy.ts";
import { type LayerRange, rangePercent, unknownForcedVariant } from "../governance/layers.ts";
import {
  defaultMetrics,
  followLegacyPrimary,
  legacyPrimaryFor,
  normaliseMetrics,
} from "../metrics/experiment_metrics.ts";
import type { ExperimentMetrics } from "../metrics/definition.ts";
import type { Experiment, ExperimentSettings, Transition } from "./experiment.ts";
import { TRANSITIONS } from "./experiment.ts";
import { planSampleSize } from "./planning.ts";
import type { Readout } from "./readout.ts";
import type { ExperimentPatch } from "./schemas.ts";

/** The settings of a new draft before its request's fields. */
const DEFAULTS: ExperimentSettings = {
  name: "",
  campaignId: null,
  mode: "ab",
  primaryMetric: { type: "conversion" },
  guardrails: [],
  metrics: defaultMetrics(),
  targeting: {},
  alpha: 0.05,
  sequential: false,
  sequentialTuning: 5000,
  plannedSampleSize: null,
  baselineRate: null,
  minShare: 0.01,
  reweightMinutes: 15,
  layer: null,
  forced: [],
  variants: [],
};

/** A new draft's settings: the defaults with `patch` merged in (`mergeSettings`). */
export function newDraftSettings(patch: ExperimentPatch): ExperimentSettings {
  return mergeSettings({ ...DEFAULTS, metrics: defaultMetrics(patch.primaryMetric) }, patch);
}

/** The editable settings of a stored experiment. */
export function settingsOf(e: Experiment): ExperimentSettings {
  return {
    name: e.name,
    campaignId: e.campaignId,
    mode: e.mode,
    primaryMetric: e.primaryMetric,
    guardrails: e.guardrails,
    metrics: e.metrics,
    targeting: e.targeting,
    alpha: e.alpha,
    sequential: e.sequential,
    sequentialTuning: e.sequentialTuning,
    plannedSampleSize: e.plannedSampleSize,
    baselineRate: e.baselineRate,
    minShare: e.minShare,
    reweightMinutes: e.reweightMinutes,
    layer: e.layer,
    forced: e.forced,
    variants: e.variants,
  };
}

/**
 * Applies a patch to settings: validates the mode, normalises weights to sum 1, and turns the
 * calculator inputs (`plan`) into the planned total with lib/experiments/planning.ts — per arm
 * for the smallest arm's share, so unequal weights plan enough users for every arm.
 */
export function mergeSettings(
  base: ExperimentSettings,
  patch: ExperimentPatch,
): ExperimentSettings {
  if (patch.plan && patch.plannedSampleSize !== undefined) {
    throw badRequest("PLAN_CONFLICT", 'Give either "plan" or "plannedSampleSize", not both');
  }
  const { plan, metrics, ...rest } = patch;
  const merged: ExperimentSettings = {
    ...base,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
  } as ExperimentSettings;
  // `metrics` and the legacy `primaryMetric` stay in step: the one given leads.
  if (metrics) {
    merged.metrics = normaliseMetrics(metrics);
    merged.primaryMetric = legacyPrimaryFor(merged.metrics, merged.primaryMetric);
  } else if (patch.primaryMetric) {
    merged.metrics = followLegacyPrimary(merged.metrics, patch.primaryMetric);
  }
  if (merged.mode === "bandit") checkBandit(merged, metrics !== undefined);
  checkForced(merged.forced, merged.variants);
  const total = merged.variants.reduce((s, v) => s + v.weight, 0);
  merged.variants = merged.variants.map((v) => ({ ...v, weight: v.weight / total }));
  if (plan) {
    const smallestShare = Math.min(...merged.variants.map((v) => v.weight));
    const variants = merged.variants.length;
    const size = planSampleSize(plan, { alpha: merged.alpha, variants, smallestShare });
    merged.plannedSampleSize = size.total;
    merged.baselineRate = plan.baselineRate;
  }
  return merged;
}

/** Every QA unit's arm must be one of the experiment's (400 `UNKNOWN_VARIANT`, naming it). */
export function checkForced(
  forced: readonly ForcedUnit[],
  variants: readonly { name: string }[],
): void {
  const wrong = unknownForcedVariant(forced, variants);
  if (!wrong) return;
  const error = badRequest(
    "UNKNOWN_VARIANT",
    `QA unit "${wrong.unit}" is put into "${wrong.variant}", which is not an arm of the experiment`,
  );
  error.translation = {
    key: "layer.error.forcedVariant",
    params: { unit: wrong.unit, variant: wrong.variant },
  };
  throw error;
}

/** A bandit allocates on conversions (Beta posteriors) and needs room above the floors. */
function checkBandit(settings: ExperimentSettings, metricsGiven: boolean): void {
  // A request naming `metrics` hears about them; a legacy one about its `primaryMetric`.
  if (metricsGiven && settings.metrics.primary !== "conversion") {
    throw metricsError({ code: "BANDIT_PRIMARY_METRIC", key: settings.metrics.primary });
  }
  if (settings.primaryMetric.type !== "conversion") {
    throw badRequest(
      "BANDIT_NEEDS_CONVERSION",
      "A bandit allocates on conversion rates: use a conversion primary metric",
    );
  }
  if (settings.metrics.primary !== "conversion") {
    throw metricsError({ code: "BANDIT_PRIMARY_METRIC", key: settings.metrics.primary });
  }
  if (settings.variants.length * settings.minShare > 0.5) {
    throw badRequest(
      "MIN_SHARE_TOO_HIGH",
      `minShare × arms must be at most 0.5 (here ${settings.variants.length} arms)`,
    );
  }
}

/** A refused `metrics` (`UNKNOWN_METRIC`, `DUPLICATE_METRIC`, `BANDIT_PRIMARY_METRIC`). */
export function metricsError(problem: { code: string; key: string }): AppError {
  const { code, key } = problem;
  const [message, translation] = code === "DUPLICATE_METRIC"
    ? [`The metric "${key}" appears more than once`, "metricApi.duplicateMetric" as const]
    : code === "BANDIT_PRIMARY_METRIC"
    ? [
      `A bandit's primary metric must be "conversion" (not "${key}"): its reweighting counts ` +
      "conversions",
      "metricApi.banditPrimary" as const,
    ]
    : [`The metric library has no "${key}"`, "metricApi.unknownMetric" as const];
  const error = badRequest(code, message);
  error.translation = { key: translation, params: { key } };
  return error;
}

/** 400 `UNKNOWN_LAYER`: the bank has no layer `layer`. */
export function unknownLayer(bankId: string, layer: string): AppError {
  const error = badRequest("UNKNOWN_LAYER", `No layer "${layer}" in bank "${bankId}"`);
  error.translation = { key: "layer.error.unknown", params: { layer } };
  return error;
}

/** 400 `UNKNOWN_CAMPAIGN`: no campaign `campaignId` in the bank. */
export function unknownCampaign(bankId: string, campaignId: string): AppError {
  return badRequest("UNKNOWN_CAMPAIGN", `No campaign "${campaignId}" in bank "${bankId}"`);
}

/** 400 `TARGETING_OUTSIDE_SEGMENT`: an experiment may only narrow its campaign's segment. */
export function targetingOutside(stage: string): AppError {
  const error = badRequest(
    "TARGETING_OUTSIDE_SEGMENT",
    `An experiment may only narrow its campaign's segment: stage "${stage}" is not in it`,
  );
  error.translation = { key: "targeting.outside", params: { stage } };
  return error;
}

/** 409 `KEY_TAKEN`: the bank has an experiment `key` already. */
export function keyTaken(key: string): AppError {
  return conflict("KEY_TAKEN", `The key "${key}" is taken`);
}

/** 409 `NOT_DRAFT`: only drafts can be edited. */
export function notDraft(e: Pick<Experiment, "key" | "status">): AppError {
  return conflict("NOT_DRAFT", `Experiment "${e.key}" is ${e.status}: only drafts can be edited`);
}

/**
 * Why a patch of a started experiment is refused: 409 `NOT_DRAFT`, saying that only its metrics
 * can change when the patch names `metrics` among other fields.
 */
export function startedEditRefused(
  e: Pick<Experiment, "key" | "status">,
  fields: readonly string[],
): AppError {
  if (!fields.includes("metrics")) return notDraft(e);
  const error = conflict(
    "NOT_DRAFT",
    `Experiment "${e.key}" has started: only its metrics can change`,
  );
  error.translation = { key: "metricApi.onlyMetricsLater", params: { experiment: e.key } };
  return error;
}

/**
 * The metrics a started experiment may change to: its primary metric was the question set
 * before the start and stays (409 `PRIMARY_METRIC_LOCKED`).
 */
export function checkPrimaryKept(
  e: Pick<Experiment, "key" | "metrics">,
  metrics: ExperimentMetrics,
): void {
  if (metrics.primary === e.metrics.primary) return;
  const error = conflict(
    "PRIMARY_METRIC_LOCKED",
    `Experiment "${e.key}" has started: its primary metric ` +
      `"${e.metrics.primary}" cannot change`,
  );
  error.translation = {
    key: "metricApi.primaryLocked",
    params: { experiment: e.key, key: e.metrics.primary },
  };
  throw error;
}

/** 409 `NOT_DRAFT`: QA units change only while an experiment is a draft or running. */
export function forcedClosed(e: Pick<Experiment, "key" | "status">): AppError {
  const error = conflict(
    "NOT_DRAFT",
    `Experiment "${e.key}" is ${e.status}: QA units change only while it ` +
      "is a draft or running",
  );
  error.translation = { key: "layer.error.forcedClosed", params: { experiment: e.key } };
  return error;
}

/** 409 `INVALID_TRANSITION`: `move` does not start from the experiment's status. */
export function invalidTransition(
  e: Pick<Experiment, "key" | "status">,
  move: Transition,
): AppError {
  return conflict(
    "INVALID_TRANSITION",
    `Cannot ${move} experiment "${e.key}": it is ${e.status}, not ${TRANSITIONS[move].from}`,
  );
}

/**
 * Whether `move` may be tried: a decision names one of the arms (400 `UNKNOWN_VARIANT`), and the
 * experiment is in the status the move starts from (409 `INVALID_TRANSITION`).
 */
export function checkMove(
  e: Pick<Experiment, "key" | "status" | "variants">,
  move: Transition,
  winner?: string,
): void {
  if (move === "decide" && !e.variants.some((v) => v.name === winner)) {
    throw badRequest("UNKNOWN_VARIANT", `No variant "${winner}" in "${e.key}"`);
  }
  if (e.status !== TRANSITIONS[move].from) throw invalidTransition(e, move);
}

/**
 * 409 `LAYER_RANGE_TAKEN`: the range `experiment` takes of `layer` overlaps that of the running
 * experiment `taken`, both named with their ranges.
 */
export function layerRangeTaken(
  experiment: string,
  layer: { key: string; range: LayerRange },
  taken: { key: string; range: LayerRange },
): AppError {
  const [from, to] = rangePercent(layer.range);
  const [otherFrom, otherTo] = rangePercent(taken.range);
  const error = conflict(
    "LAYER_RANGE_TAKEN",
    `Experiment "${experiment}" takes ${from}–${to} % of layer "${layer.key}", which ` +
      `overlaps running experiment "${taken.key}" (${otherFrom}–${otherTo} %)`,
  );
  error.translation = {
    key: "layer.error.rangeTaken",
    params: {
      experiment,
      layer: layer.key,
      from,
      to,
      other: taken.key,
      otherFrom,
      otherTo,
    },
  };
  return error;
}

/** The winner the read-out supports: its recommendation's, or the control (keep what works). */
export function chooseWinner(e: Experiment, readout: Readout, asked: string | undefined): string {
  const control = e.variants[0].name;
  if (e.status === "decided") {
    if (asked && asked !== e.winnerVariant) {
      throw conflict("ALREADY_DECIDED", `"${e.key}" was decided for "${e.winnerVariant}"`);
    }
    return e.winnerVariant ?? control;
  }
  const recommended = readout.recommendation.action === "ship"
    ? readout.recommendation.winner
    : null;
  const winner = asked ?? recommended;
  if (!winner) {
    throw conflict(
      "NOT_DECIDED",
      `The results of "${e.key}" do not name a winner yet: keep it running, or promote the control "${control}" to keep it`,
    );
  }
  if (!e.variants.some((v) => v.name === winner)) {
    throw badRequest("UNKNOWN_VARIANT", `No variant "${winner}" in "${e.key}"`);
  }
  if (winner !== control && winner !== recommended) {
    throw conflict(
      "WINNER_NOT_SUPPORTED",
      `The results do not support "${winner}": only ${
        recommended ? `"${recommended}" or ` : ""
      }the control "${control}" can be promoted`,
    );
  }
  return winner;
}
