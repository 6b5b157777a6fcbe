import type { Context } from "hono";
import { streamHoldoutValues } from "../../db/holdout_report.ts";
import { metricsByKeys } from "../../db/metrics.ts";
import { governancePolicy } from "../../db/sdk_experiments.ts";
import { AppError, badRequest } from "../../lib/errors.ts";
import type { StoredHoldout } from "../../lib/governance/policy.ts";
import {
  analyseHoldout,
  type HoldoutMetric,
  HoldoutSplit,
  MAX_HOLDOUT_METRICS,
  populationOf,
} from "../../lib/governance/holdout_report.ts";
import { METRIC_KEY_PATTERN, type MetricDefinition } from "../../lib/metrics/definition.ts";
import type { MetricStats } from "../../lib/metrics/analysis.ts";
import type { AppEnv } from "../../plugins/context.ts";
import type { KeyUnder } from "../../lib/i18n/mod.ts";

type Ctx = Context<AppEnv>;

/** The report's significance level: each metric's interval is at 1 − α. */
export const HOLDOUT_ALPHA = 0.05;

export interface HoldoutReport {
  bankId: string;
  holdout: { percent: number; startedAt: string } | null;
  window: { from: string; to: string } | null;
  population: { total: number; holdout: number; rest: number } | null;
  alpha: number;
  metrics: HoldoutMetric[];
}

function refusal(code: string, message: string, key: KeyUnder<"holdoutError.">, params = {}) {
  const error = badRequest(code, message);
  error.translation = { key, params };
  return error;
}

/**
 * `metrics=a,b` read into the library's definitions: 400 `NO_METRICS` without any,
 * `TOO_MANY_METRICS` past the limit, `UNKNOWN_METRIC` for a key the bank lacks,
 * `METRIC_NOT_FOR_HOLDOUT` for a metric on experiment conversions. Repeated keys count once.
 */
export async function holdoutMetrics(
  c: Ctx,
  bankId: string,
  raw: string | undefined,
): Promise<MetricDefinition[]> {
  const keys = [...new Set((raw ?? "").split(",").map((k) => k.trim()).filter((k) => k))];
  if (keys.length === 0) {
    throw refusal(
      "NO_METRICS",
      "Choose at least one metric (metrics=key1,key2)",
      "holdoutError.NO_METRICS",
    );
  }
  if (keys.length > MAX_HOLDOUT_METRICS) {
    throw refusal(
      "TOO_MANY_METRICS",
      `At most ${MAX_HOLDOUT_METRICS} metrics at once (got ${keys.length})`,
      "holdoutError.TOO_MANY_METRICS",
      { max: MAX_HOLDOUT_METRICS, count: keys.length },
    );
  }
  const found = await metricsByKeys(
    c.var.db,
    bankId,
    keys.filter((k) => METRIC_KEY_PATTERN.test(k)),
  );
  const missing = keys.find((k) => !found.has(k));
  if (missing !== undefined) {
    const key = missing.slice(0, 64);
    const error = badRequest("UNKNOWN_METRIC", `The metric library has no "${key}"`);
    error.translation = { key: "metricApi.unknownMetric", params: { key } };
    throw error;
  }
  const definitions = keys.map((k) => found.get(k)!);
  const conversions = definitions.find((d) => d.source === "experiment_conversions");
  if (conversions) {
    throw refusal(
      "METRIC_NOT_FOR_HOLDOUT",
      `The metric "${conversions.key}" comes from the experiments' own conversion records and ` +
        "cannot be used for the holdout report",
      "holdoutError.NOT_APPLICABLE",
      { key: conversions.key },
    );
  }
  return definitions;
}

/** The bank's holdout as stored, or null without one (none set, or percent 0). */
export async function bankHoldout(c: Ctx, bankId: string): Promise<StoredHoldout | null> {
  const holdout = (await governancePolicy(c.var.db, bankId)).holdout;
  return holdout && holdout.percent > 0 ? holdout : null;
}

/** The report of `metrics` over the holdout's life until now. */
export async function holdoutReport(
  c: Ctx,
  bankId: string,
  holdout: StoredHoldout | null,
  metrics: readonly MetricDefinition[],
): Promise<HoldoutReport> {
  if (!holdout) {
    return {
      bankId,
      holdout: null,
      window: null,
      population: null,
      alpha: HOLDOUT_ALPHA,
      metrics: [],
    };
  }
  const from = new Date(holdout.startedAt);
  const to = c.var.now();
  if (!(from < to)) throw new AppError(409, "HOLDOUT_NOT_STARTED", "The holdout starts later");
  const analysed: { definition: MetricDefinition; stats: MetricStats }[] = [];
  for (const definition of metrics) {
    const split = new HoldoutSplit(holdout, definition.kind);
    const { capValue } = await streamHoldoutValues(
      c.var.db,
      { bankId, definition, from, to },
      (rows) => split.add(rows),
    );
    analysed.push({ definition, stats: split.stats(capValue, to) });
  }
  return {
    bankId,
    holdout: { percent: holdout.percent, startedAt: from.toISOString() },
    window: { from: from.toISOString(), to: to.toISOString() },
    population: analysed.length ? populationOf(analysed[0].stats) : null,
    alpha: HOLDOUT_ALPHA,
    metrics: analyseHoldout(analysed, { alpha: HOLDOUT_ALPHA }),
  };
}
