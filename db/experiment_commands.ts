/**
 * The commands that change an experiment: create a draft, edit it (or, once started, its QA
 * units and its secondary metrics), and move it along draft → running → stopped → decided. Each
 * takes `(db, actor, input)`, checks what needs the database (the campaign, the metric library,
 * the layer), writes and appends its audit entry in one transaction, and returns the experiment
 * as stored. The rules without the database are lib/experiments/rules.ts; a key already used in
 * the bank is left to the `(bank_id, key)` constraint (409 `KEY_TAKEN`). Authorisation is the
 * caller's (routes/experiments/_service.ts).
 */
import { notFound } from "../lib/errors.ts";
import { stagesOutside } from "../lib/experiments/eligibility.ts";
import type { ForcedUnit } from "../lib/governance/policy.ts";
import { rangeTakenBy } from "../lib/governance/layers.ts";
import { metricKeys, metricsProblem, normaliseMetrics } from "../lib/metrics/experiment_metrics.ts";
import {
  checkForced,
  checkMove,
  checkPrimaryKept,
  forcedClosed,
  invalidTransition,
  keyTaken,
  layerRangeTaken,
  mergeSettings,
  metricsError,
  newDraftSettings,
  notDraft,
  settingsOf,
  startedEditRefused,
  targetingOutside,
  unknownCampaign,
  unknownLayer,
} from "../lib/experiments/rules.ts";
import type { ExperimentPatch, NewExperiment } from "../lib/experiments/schemas.ts";
import { bankScope } from "../lib/scope.ts";
import { type Actor, appendAudit } from "./audit.ts";
import { getCampaign } from "./campaigns.ts";
import { isUniqueViolation } from "./errors.ts";
import {
  createExperiment,
  type Experiment,
  type ExperimentSettings,
  getExperimentByKey,
  nextIteration,
  type Transition,
  transitionExperiment,
  updateDraft,
  updateExperimentMetrics,
  updateForced,
} from "./experiments.ts";
import { getLayer, lockLayerOf, runningInLayer } from "./layers.ts";
import { metricsByKeys } from "./metrics.ts";
import type { Db } from "./schema.ts";

/** Creates a draft in `input.bankId` (audited `experiment.create`); 409 `KEY_TAKEN`. */
export async function createDraft(
  db: Db,
  actor: Actor,
  input: NewExperiment & { bankId: string },
): Promise<Experiment> {
  const { key, bankId, ...patch } = input;
  const settings = newDraftSettings(patch);
  try {
    await inTransaction(db, async (trx) => {
      await checkCampaign(trx, bankId, settings);
      await checkMetrics(trx, bankId, settings);
      await checkLayer(trx, bankId, settings);
      const iteration = settings.campaignId ? await nextIteration(trx, settings.campaignId) : 1;
      await createExperiment(trx, {
        ...settings,
        bankId,
        key,
        iteration,
        createdBy: actor.actorUserId,
      });
      await appendAudit(trx, {
        ...actor,
        action: "experiment.create",
        bankId,
        target: key,
        details: { settings },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw keyTaken(key);
    throw error;
  }
  return await reload(db, bankId, key);
}

/**
 * Edits a draft (audited `experiment.update`). Once it has started only its QA units (while it
 * runs) or its metrics, not the primary, may change, each alone; anything else is 409
 * `NOT_DRAFT`.
 */
export async function editDraft(
  db: Db,
  actor: Actor,
  input: { experiment: Experiment; patch: ExperimentPatch; now: Date },
): Promise<Experiment> {
  const { experiment, patch, now } = input;
  if (experiment.status !== "draft") {
    const fields = Object.keys(patch);
    if (patch.forced && fields.length === 1) {
      return await editForced(db, actor, { experiment, forced: patch.forced, now });
    }
    if (patch.metrics && fields.length === 1) {
      return await editMetricsLater(db, actor, { experiment, metrics: patch.metrics, now });
    }
    throw startedEditRefused(experiment, fields);
  }
  const settings = mergeSettings(settingsOf(experiment), patch);
  return await auditedChange(db, actor, experiment, "experiment.update", { patch }, async (trx) => {
    await checkCampaign(trx, experiment.bankId, settings);
    if (patch.layer) await checkLayer(trx, experiment.bankId, settings);
    if (patch.metrics || patch.mode || patch.primaryMetric) {
      await checkMetrics(trx, experiment.bankId, settings);
    }
    if (!await updateDraft(trx, experiment, settings, now)) throw notDraft(experiment);
  });
}

/**
 * Secondary metrics and guardrails of a started, stopped or decided experiment (audited as
 * `experiment.metrics`): a metric added later is computed from the events already stored (its
 * snapshot does not exist yet, so the next read computes it). The primary metric stays (409
 * `PRIMARY_METRIC_LOCKED`).
 */
export async function editMetricsLater(
  db: Db,
  actor: Actor,
  input: {
    experiment: Experiment;
    metrics: NonNullable<ExperimentPatch["metrics"]>;
    now: Date;
  },
): Promise<Experiment> {
  const { experiment, now } = input;
  const metrics = normaliseMetrics(input.metrics);
  checkPrimaryKept(experiment, metrics);
  return await auditedChange(db, actor, experiment, "experiment.metrics", {
    before: experiment.metrics,
    after: metrics,
  }, async (trx) => {
    await checkMetrics(trx, experiment.bankId, { ...settingsOf(experiment), metrics });
    await updateExperimentMetrics(trx, experiment.id, metrics, now);
  });
}

/**
 * The QA units of a running experiment (testers join during a test; audited as
 * `experiment.forced` with the lists before and after). A stopped or decided experiment keeps
 * its units (409 `NOT_DRAFT`).
 */
export async function editForced(
  db: Db,
  actor: Actor,
  input: { experiment: Experiment; forced: ForcedUnit[]; now: Date },
): Promise<Experiment> {
  const { experiment, forced, now } = input;
  checkForced(forced, experiment.variants);
  if (experiment.status !== "running") throw forcedClosed(experiment);
  return await auditedChange(db, actor, experiment, "experiment.forced", {
    before: experiment.forced,
    after: forced,
  }, async (trx) => {
    if (!await updateForced(trx, experiment.id, forced, now)) throw forcedClosed(experiment);
  });
}

/**
 * Start, stop or decide (audited `experiment.<move>`); 409 `INVALID_TRANSITION` from any other
 * status, 400 `UNKNOWN_VARIANT` for a winner that is not an arm. Scheduled starts and stops
 * (routes/experiments/_schedule.ts) go through here too, acting as `system`.
 */
export async function moveExperiment(
  db: Db,
  actor: Actor,
  input: { experiment: Experiment; move: Transition; winner?: string; now: Date },
): Promise<Experiment> {
  const { experiment, move, winner, now } = input;
  checkMove(experiment, move, winner);
  return await auditedChange(
    db,
    actor,
    experiment,
    `experiment.${move}`,
    winner ? { winner } : {},
    async (trx) => {
      if (move === "start") await checkLayerFree(trx, experiment);
      if (!await transitionExperiment(trx, experiment.id, move, { now, winner })) {
        throw invalidTransition(experiment, move);
      }
    },
  );
}

/** The layer must be one of the bank's (400 `UNKNOWN_LAYER`). */
async function checkLayer(db: Db, bankId: string, settings: ExperimentSettings): Promise<void> {
  if (!settings.layer) return;
  if (await getLayer(db, bankId, settings.layer.key)) return;
  throw unknownLayer(bankId, settings.layer.key);
}

/** The campaign must be the bank's, and the experiment may only narrow its segment. */
async function checkCampaign(db: Db, bankId: string, settings: ExperimentSettings): Promise<void> {
  const { campaignId, targeting } = settings;
  if (!campaignId) return;
  const campaign = await getCampaign(db, bankScope(bankId), campaignId);
  if (!campaign || campaign.bankId !== bankId) throw unknownCampaign(bankId, campaignId);
  const outside = stagesOutside(campaign.segment, targeting);
  if (outside.length > 0) throw targetingOutside(outside[0]);
}

/**
 * Every metric key must be in the bank's library or built in (400 `UNKNOWN_METRIC`, naming the
 * first missing key), none twice (400 `DUPLICATE_METRIC`), and a bandit's primary must be
 * `conversion` (400 `BANDIT_PRIMARY_METRIC`).
 */
async function checkMetrics(db: Db, bankId: string, settings: ExperimentSettings): Promise<void> {
  const problem = metricsProblem(settings.metrics, settings.mode);
  if (problem) throw metricsError(problem);
  const keys = metricKeys(settings.metrics);
  const found = await metricsByKeys(db, bankId, keys);
  const missing = keys.find((key) => !found.has(key));
  if (missing) throw metricsError({ code: "UNKNOWN_METRIC", key: missing });
}

/**
 * Starting an experiment with a layer range: 409 `LAYER_RANGE_TAKEN` when a running experiment
 * of the same layer overlaps it, naming that experiment and its range. Runs inside the start's
 * transaction after the layer's row is locked (db/layers.ts `lockLayerOf`), so two concurrent
 * starts in one layer cannot both pass; scheduled starts go through here too.
 */
async function checkLayerFree(trx: Db, experiment: Experiment): Promise<void> {
  const layer = await lockLayerOf(trx, experiment.id);
  if (!layer) return;
  const taken = rangeTakenBy(layer.range, await runningInLayer(trx, layer, experiment.id));
  if (taken) throw layerRangeTaken(experiment.key, layer, taken);
}

/** The experiment as stored now (the caller has seen it, so its bank is in the caller's scope). */
/**
 * One change of a stored experiment: `write` and its audit entry (`action`, `details`, by
 * `actor`) in one transaction, then the experiment as stored.
 */
async function auditedChange(
  db: Db,
  actor: Actor,
  experiment: Experiment,
  action: string,
  details: Record<string, unknown>,
  write: (trx: Db) => Promise<void>,
): Promise<Experiment> {
  await inTransaction(db, async (trx) => {
    await write(trx);
    await appendAudit(trx, {
      ...actor,
      action,
      bankId: experiment.bankId,
      target: experiment.key,
      details,
    });
  });
  return await reload(db, experiment.bankId, experiment.key);
}

async function reload(db: Db, bankId: string, key: string): Promise<Experiment> {
  const found = await getExperimentByKey(db, bankScope(bankId), key, bankId);
  if (!found) throw notFound(`No experiment "${key}"`);
  return found;
}

async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return await work(db);
  return await db.transaction().execute(work);
}
