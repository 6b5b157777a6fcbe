import type { Context } from "hono";
import type { Experiment } from "../../db/experiments.ts";
import { dailyStats, variantStats } from "../../db/results.ts";
import { exposedByPeriod, listAllocations, type StoredAllocation } from "../../db/bandits.ts";
import { metricsByKeys } from "../../db/metrics.ts";
import { experimentMetricStats } from "../../db/metric_snapshots.ts";
import { banditReadout } from "../../lib/experiments/bandit.ts";
import { type Readout, readout, withBandit } from "../../lib/experiments/readout.ts";
import {
  cumulativeTimeline,
  recentDailyUsers,
  type Timeline,
} from "../../lib/experiments/timeline.ts";
import {
  analyzeMetrics,
  type MetricInput,
  type MetricResult,
  metricRoles,
} from "../../lib/metrics/analysis.ts";
import type { AppEnv } from "../../plugins/context.ts";

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The read-out and the cumulative timeline of an experiment, from its sufficient statistics;
 * the metric library's results from their snapshots (db/metric_snapshots.ts).
 */
export async function resultsOf(
  c: Context<AppEnv>,
  experiment: Experiment,
): Promise<{ readout: Readout; timeline: Timeline }> {
  const db = c.var.db;
  const bandit = experiment.mode === "bandit";
  const [arms, daily, allocations] = await Promise.all([
    variantStats(db, experiment.id),
    dailyStats(db, experiment.id),
    bandit ? listAllocations(db, experiment.id) : Promise.resolve([] as StoredAllocation[]),
  ]);
  const now = c.var.now();
  const end = experiment.stoppedAt ?? now;
  const recent = experiment.status === "running"
    ? recentDailyUsers(daily, {
      today: isoDay(end),
      firstDay: experiment.startedAt ? isoDay(experiment.startedAt) : null,
    })
    : null;
  const metrics = await metricResultsOf(c, experiment, allocations, now);
  const base = readout(experiment, arms, { recentDailyUsers: recent, metrics });
  return {
    readout: bandit ? await withBanditOf(c, experiment, base, allocations) : base,
    timeline: cumulativeTimeline(daily, experiment.variants.map((v) => v.name)),
  };
}

/** The library metrics of the experiment, analysed: primary, secondary, guardrails. */
async function metricResultsOf(
  c: Context<AppEnv>,
  experiment: Experiment,
  allocations: readonly StoredAllocation[],
  now: Date,
): Promise<MetricResult[]> {
  const db = c.var.db;
  const wanted = metricRoles(experiment.metrics);
  const definitions = await metricsByKeys(db, experiment.bankId, wanted.map((m) => m.key));
  const variants = experiment.variants.map((v) => v.name);
  const stats = await experimentMetricStats(
    db,
    {
      id: experiment.id,
      bankId: experiment.bankId,
      mode: experiment.mode,
      stoppedAt: experiment.stoppedAt,
      variants,
      allocationIds: experiment.mode === "bandit" ? allocations.map((a) => a.id) : null,
    },
    [...definitions.values()],
    { now },
  );
  const inputs: MetricInput[] = wanted.map(({ key, role }) => ({
    key,
    role,
    definition: definitions.get(key) ?? null,
    stats: stats.get(key) ?? null,
  }));
  return analyzeMetrics(inputs, {
    alpha: experiment.alpha,
    sequential: experiment.sequential,
    sequentialTuning: experiment.sequentialTuning,
    bandit: experiment.mode === "bandit",
    variants,
  });
}

async function withBanditOf(
  c: Context<AppEnv>,
  experiment: Experiment,
  base: Readout,
  allocations: readonly StoredAllocation[],
) {
  const exposed = await exposedByPeriod(c.var.db, experiment.id);
  const arms = base.variants.map((v) => ({
    name: v.name,
    users: v.users,
    conversions: v.conversions,
  }));
  const views = allocations.map((a) => ({
    id: a.id,
    computedAt: a.computedAt.toISOString(),
    reason: a.reason,
    seed: a.seed,
    weights: a.weights,
    probabilityBest: a.probabilityBest,
    cut: a.cut,
  }));
  const configured = experiment.variants.map((v) => v.weight);
  return withBandit(base, banditReadout(arms, configured, views, exposed), {
    sequentialTuning: experiment.sequentialTuning,
  });
}
