/**
 * What the experiments API and pages share: the request schemas and the operations (create,
 * edit a draft, start/stop/decide), each in one transaction with its audit entry.
 */
import type { Context } from "hono";
import { z } from "zod";
import { getCampaign } from "../../db/campaigns.ts";
import {
  banksWithKey,
  createExperiment,
  type Experiment,
  type ExperimentSettings,
  getExperimentByKey,
  nextIteration,
  type Transition,
  transitionExperiment,
  TRANSITIONS,
  updateDraft,
  updateExperimentMetrics,
  updateForced,
} from "../../db/experiments.ts";
import { getLayer, lockLayerOf, runningInLayer } from "../../db/layers.ts";
import type { ForcedUnit } from "../../lib/governance/policy.ts";
import {
  isLayerRange,
  rangePercent,
  rangeTakenBy,
  unknownForcedVariant,
} from "../../lib/governance/layers.ts";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../lib/errors.ts";
import { stagesOutside } from "../../lib/experiments/eligibility.ts";
import { variantName } from "../../lib/experiments/variant_name.ts";
import { STAGES } from "../../lib/experiments/settings.ts";
import { BANK_ID_PATTERN, EXPERIMENT_KEY_PATTERN } from "../../lib/patterns.ts";
import { inScope } from "../../lib/scope.ts";
import { metricsByKeys } from "../../db/metrics.ts";
import { experimentMetricsSchema } from "../../lib/metrics/definition.ts";
import {
  defaultMetrics,
  followLegacyPrimary,
  legacyPrimaryFor,
  metricKeys,
  metricsProblem,
  normaliseMetrics,
} from "../../lib/metrics/experiment_metrics.ts";
import { storableText } from "../../lib/text_schema.ts";
import { planProportions } from "../../lib/stats/power.ts";
import { planError } from "../../components/tools/planner.ts";
import { type Translate, translator } from "../../lib/i18n/mod.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";

type Ctx = Context<AppEnv>;

export const KEY_PATTERN = EXPERIMENT_KEY_PATTERN;
export { STAGES };

export const targetingSchema = z.strictObject({
  stages: z.array(z.enum(STAGES)).max(STAGES.length).optional(),
  tags: z.array(storableText().trim().min(1).max(64)).max(50).optional(),
});

const variantSchema = z.strictObject({
  name: variantName(),
  description: storableText().max(2000).optional(),
  weight: z.number().positive().max(1e6),
});

const planSchema = z.strictObject({
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
  /** QA units put into an arm; may change while running (`editForced`). */
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

/** Growth users manage their own bank's experiments; admins any bank's. */
export function canManage(c: Ctx): boolean {
  const role = c.var.user?.role;
  return role === "growth" || role === "admin";
}

export function requireManager(c: Ctx): void {
  if (!canManage(c)) throw forbidden("Your role may not change experiments");
}

/**
 * The experiment with `key` in the caller's scope, or 404. Keys are unique per bank, so `?bank=`
 * names the bank; without it a key that several banks in scope use is refused (409
 * `BANK_REQUIRED`, naming the banks) rather than guessed.
 */
export async function experimentOf(c: Ctx, key = c.req.param("key") ?? ""): Promise<Experiment> {
  const bank = c.req.query("bank") || undefined;
  const found = KEY_PATTERN.test(key)
    ? await getExperimentByKey(c.var.db, c.var.scope, key, bank)
    : null;
  if (!found) throw notFound(`No experiment "${key}"`);
  const scope = c.var.scope;
  if (!bank && (scope.all || scope.bankIds.length > 1)) {
    const banks = await banksWithKey(c.var.db, scope, key);
    if (banks.length > 1) {
      const error = new AppError(
        409,
        "BANK_REQUIRED",
        `Banks ${
          banks.map((b) => `"${b}"`).join(", ")
        } each have an experiment "${key}": say which with ?bank=`,
      );
      error.translation = { key: "act.bank.required", params: { banks: banks.join(", "), key } };
      throw error;
    }
  }
  return found;
}

/** The bank a new experiment or campaign goes to: the user's own, or `bankId` for admins. */
export function targetBank(c: Ctx, bankId: string | undefined): string {
  const user = currentUser(c);
  const bank = bankId ?? user.bankId;
  if (!bank) throw badRequest("BANK_REQUIRED", 'Say which bank with "bankId"');
  if (!inScope(c.var.scope, bank)) throw notFound(`No bank "${bank}"`);
  return bank;
}

function settingsOf(e: Experiment): ExperimentSettings {
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
 * calculator inputs (`plan`) into the planned total with lib/stats/power.ts — per arm for the
 * smallest arm's share, so unequal weights plan enough users for every arm.
 */
export function mergeSettings(
  base: ExperimentSettings,
  patch: ExperimentPatch,
  t?: Translate,
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
    const size = planSampleSize(plan, { alpha: merged.alpha, variants, smallestShare, t });
    merged.plannedSampleSize = size.total;
    merged.baselineRate = plan.baselineRate;
  }
  return merged;
}

/** Every QA unit's arm must be one of the experiment's (400 `UNKNOWN_VARIANT`, naming it). */
function checkForced(forced: readonly ForcedUnit[], variants: readonly { name: string }[]) {
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

/** The layer must be one of the bank's (400 `UNKNOWN_LAYER`). */
async function checkLayer(c: Ctx, bankId: string, settings: ExperimentSettings) {
  if (!settings.layer) return;
  if (await getLayer(c.var.db, bankId, settings.layer.key)) return;
  const error = badRequest("UNKNOWN_LAYER", `No layer "${settings.layer.key}" in bank "${bankId}"`);
  error.translation = { key: "layer.error.unknown", params: { layer: settings.layer.key } };
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

/**
 * The calculator's sample size for a baseline and a minimum detectable effect (lib/stats/power.ts
 * `planProportions`, the same validation as `/api/stats/sample-size`); 400 `BAD_PLAN` with the
 * reason in the reader's language when there is none.
 */
export function planSampleSize(
  plan: {
    baselineRate: number;
    minimumDetectableEffect: number;
    effectType?: "absolute" | "relative";
    power?: number;
  },
  options: { alpha: number; variants?: number; smallestShare?: number; t?: Translate },
) {
  const { t, ...rest } = options;
  const size = planProportions(plan, { ...rest, power: plan.power });
  if (!size.ok) {
    const { error, params } = planError(size);
    throw badRequest("BAD_PLAN", t ? t(error, params) : translator("en")(error, params));
  }
  return size;
}

/** The campaign must be the bank's, and the experiment may only narrow its segment. */
async function checkCampaign(c: Ctx, bankId: string, settings: ExperimentSettings) {
  const { campaignId, targeting } = settings;
  if (!campaignId) return;
  const campaign = await getCampaign(c.var.db, c.var.scope, campaignId);
  if (!campaign || campaign.bankId !== bankId) {
    throw badRequest("UNKNOWN_CAMPAIGN", `No campaign "${campaignId}" in bank "${bankId}"`);
  }
  const outside = stagesOutside(campaign.segment, targeting);
  if (outside.length > 0) {
    const error = badRequest(
      "TARGETING_OUTSIDE_SEGMENT",
      `An experiment may only narrow its campaign's segment: stage "${outside[0]}" is not in it`,
    );
    error.translation = { key: "targeting.outside", params: { stage: outside[0] } };
    throw error;
  }
}

/** A refused `metrics`, in the reader's language. */
function metricsError(problem: { code: string; key: string }): AppError {
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

/**
 * Every metric key must be in the bank's library or built in (400 `UNKNOWN_METRIC`, naming the
 * first missing key), none twice (400 `DUPLICATE_METRIC`), and a bandit's primary must be
 * `conversion` (400 `BANDIT_PRIMARY_METRIC`).
 */
async function checkMetrics(c: Ctx, bankId: string, settings: ExperimentSettings) {
  const problem = metricsProblem(settings.metrics, settings.mode);
  if (problem) throw metricsError(problem);
  const keys = metricKeys(settings.metrics);
  const found = await metricsByKeys(c.var.db, bankId, keys);
  const missing = keys.find((key) => !found.has(key));
  if (missing) throw metricsError({ code: "UNKNOWN_METRIC", key: missing });
}

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

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "23505";
}

/** Creates a draft (audited); 409 `KEY_TAKEN` when the bank already has the key. */
export async function createDraft(c: Ctx, body: NewExperiment): Promise<Experiment> {
  requireManager(c);
  const bankId = targetBank(c, body.bankId);
  const { key, bankId: _b, ...patch } = body;
  const settings = mergeSettings(
    { ...DEFAULTS, metrics: defaultMetrics(patch.primaryMetric) },
    patch,
    c.var.t,
  );
  await checkCampaign(c, bankId, settings);
  await checkMetrics(c, bankId, settings);
  await checkLayer(c, bankId, settings);
  try {
    await c.var.db.transaction().execute(async (trx) => {
      const iteration = settings.campaignId ? await nextIteration(trx, settings.campaignId) : 1;
      await createExperiment(trx, {
        ...settings,
        bankId,
        key,
        iteration,
        createdBy: currentUser(c).id,
      });
      await audit(
        c,
        { action: "experiment.create", bankId, target: key, details: { settings } },
        trx,
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("KEY_TAKEN", `The key "${key}" is taken`);
    throw error;
  }
  return await reload(c, bankId, key);
}

async function reload(c: Ctx, bankId: string, key: string): Promise<Experiment> {
  const found = await getExperimentByKey(c.var.db, c.var.scope, key, bankId);
  if (!found) throw notFound(`No experiment "${key}"`);
  return found;
}

/**
 * Edits a draft (audited). Once it has started only `metrics` may change, and not its primary
 * (see `editMetricsLater`); anything else is 409 `NOT_DRAFT`.
 */
export async function editDraft(c: Ctx, experiment: Experiment, patch: ExperimentPatch) {
  requireManager(c);
  if (experiment.status !== "draft") {
    const fields = Object.keys(patch);
    if (patch.forced && fields.length === 1) {
      return await editForced(c, experiment, patch.forced);
    }
    if (patch.metrics && fields.length === 1) {
      return await editMetricsLater(c, experiment, patch.metrics);
    }
    if (fields.includes("metrics")) {
      const error = conflict(
        "NOT_DRAFT",
        `Experiment "${experiment.key}" has started: only its metrics can change`,
      );
      error.translation = {
        key: "metricApi.onlyMetricsLater",
        params: { experiment: experiment.key },
      };
      throw error;
    }
    throw notDraft(experiment);
  }
  const settings = mergeSettings(settingsOf(experiment), patch, c.var.t);
  await checkCampaign(c, experiment.bankId, settings);
  if (patch.layer) await checkLayer(c, experiment.bankId, settings);
  if (patch.metrics || patch.mode || patch.primaryMetric) {
    await checkMetrics(c, experiment.bankId, settings);
  }
  await c.var.db.transaction().execute(async (trx) => {
    if (!await updateDraft(trx, experiment, settings, c.var.now())) throw notDraft(experiment);
    await audit(c, {
      action: "experiment.update",
      bankId: experiment.bankId,
      target: experiment.key,
      details: { patch },
    }, trx);
  });
  return await reload(c, experiment.bankId, experiment.key);
}

/**
 * Secondary metrics and guardrails of a started, stopped or decided experiment (audited as
 * `experiment.metrics`): a metric added later is computed from the events already stored (its
 * snapshot does not exist yet, so the next read computes it). The primary metric was the
 * question set before the start and stays (409 `PRIMARY_METRIC_LOCKED`).
 */
async function editMetricsLater(
  c: Ctx,
  experiment: Experiment,
  input: NonNullable<ExperimentPatch["metrics"]>,
): Promise<Experiment> {
  const metrics = normaliseMetrics(input);
  if (metrics.primary !== experiment.metrics.primary) {
    const error = conflict(
      "PRIMARY_METRIC_LOCKED",
      `Experiment "${experiment.key}" has started: its primary metric ` +
        `"${experiment.metrics.primary}" cannot change`,
    );
    error.translation = {
      key: "metricApi.primaryLocked",
      params: { experiment: experiment.key, key: experiment.metrics.primary },
    };
    throw error;
  }
  await checkMetrics(c, experiment.bankId, { ...settingsOf(experiment), metrics });
  await c.var.db.transaction().execute(async (trx) => {
    await updateExperimentMetrics(trx, experiment.id, metrics, c.var.now());
    await audit(c, {
      action: "experiment.metrics",
      bankId: experiment.bankId,
      target: experiment.key,
      details: { before: experiment.metrics, after: metrics },
    }, trx);
  });
  return await reload(c, experiment.bankId, experiment.key);
}

/**
 * The QA units of a running experiment (testers join during a test; audited as
 * `experiment.forced` with the lists before and after). A stopped or decided experiment keeps
 * its units (409 `NOT_DRAFT`).
 */
async function editForced(
  c: Ctx,
  experiment: Experiment,
  forced: ForcedUnit[],
): Promise<Experiment> {
  checkForced(forced, experiment.variants);
  const refused = () => {
    const error = conflict(
      "NOT_DRAFT",
      `Experiment "${experiment.key}" is ${experiment.status}: QA units change only while it ` +
        "is a draft or running",
    );
    error.translation = { key: "layer.error.forcedClosed", params: { experiment: experiment.key } };
    return error;
  };
  if (experiment.status !== "running") throw refused();
  await c.var.db.transaction().execute(async (trx) => {
    if (!await updateForced(trx, experiment.id, forced, c.var.now())) throw refused();
    await audit(c, {
      action: "experiment.forced",
      bankId: experiment.bankId,
      target: experiment.key,
      details: { before: experiment.forced, after: forced },
    }, trx);
  });
  return await reload(c, experiment.bankId, experiment.key);
}

/**
 * Starting an experiment with a layer range: 409 `LAYER_RANGE_TAKEN` when a running experiment
 * of the same layer overlaps it, naming that experiment and its range. Runs inside the start's
 * transaction after the layer's row is locked (db/layers.ts `lockLayerOf`), so two concurrent
 * starts in one layer cannot both pass; scheduled starts go through here too.
 */
async function checkLayerFree(trx: Parameters<typeof lockLayerOf>[0], experiment: Experiment) {
  const layer = await lockLayerOf(trx, experiment.id);
  if (!layer) return;
  const taken = rangeTakenBy(layer.range, await runningInLayer(trx, layer, experiment.id));
  if (!taken) return;
  const [from, to] = rangePercent(layer.range);
  const [otherFrom, otherTo] = rangePercent(taken.range);
  const error = conflict(
    "LAYER_RANGE_TAKEN",
    `Experiment "${experiment.key}" takes ${from}–${to} % of layer "${layer.key}", which ` +
      `overlaps running experiment "${taken.key}" (${otherFrom}–${otherTo} %)`,
  );
  error.translation = {
    key: "layer.error.rangeTaken",
    params: {
      experiment: experiment.key,
      layer: layer.key,
      from,
      to,
      other: taken.key,
      otherFrom,
      otherTo,
    },
  };
  throw error;
}

function notDraft(e: Experiment): AppError {
  return conflict("NOT_DRAFT", `Experiment "${e.key}" is ${e.status}: only drafts can be edited`);
}

/** Start, stop or decide (audited); 409 `INVALID_TRANSITION` from any other status. */
export async function moveExperiment(
  c: Ctx,
  experiment: Experiment,
  move: Transition,
  winner?: string,
): Promise<Experiment> {
  requireManager(c);
  if (move === "decide" && !experiment.variants.some((v) => v.name === winner)) {
    throw badRequest("UNKNOWN_VARIANT", `No variant "${winner}" in "${experiment.key}"`);
  }
  const invalid = () =>
    conflict(
      "INVALID_TRANSITION",
      `Cannot ${move} experiment "${experiment.key}": it is ${experiment.status}, not ${
        TRANSITIONS[move].from
      }`,
    );
  if (experiment.status !== TRANSITIONS[move].from) throw invalid();
  await c.var.db.transaction().execute(async (trx) => {
    const now = c.var.now();
    if (move === "start") await checkLayerFree(trx, experiment);
    if (!await transitionExperiment(trx, experiment.id, move, { now, winner })) throw invalid();
    await audit(c, {
      action: `experiment.${move}`,
      bankId: experiment.bankId,
      target: experiment.key,
      details: winner ? { winner } : {},
    }, trx);
  });
  return await reload(c, experiment.bankId, experiment.key);
}
