import type { Context } from "hono";
import type { Experiment } from "../../db/experiments.ts";
import { dailyStats, variantStats } from "../../db/results.ts";
import { exposedByPeriod, listAllocations } from "../../db/bandits.ts";
import { banditReadout } from "../../lib/experiments/bandit.ts";
import { type Readout, readout, withBandit } from "../../lib/experiments/readout.ts";
import {
  cumulativeTimeline,
  recentDailyUsers,
  type Timeline,
} from "../../lib/experiments/timeline.ts";
import type { AppEnv } from "../../plugins/context.ts";

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The read-out and the cumulative timeline of an experiment, from its sufficient statistics. */
export async function resultsOf(
  c: Context<AppEnv>,
  experiment: Experiment,
): Promise<{ readout: Readout; timeline: Timeline }> {
  const [arms, daily] = await Promise.all([
    variantStats(c.var.db, experiment.id),
    dailyStats(c.var.db, experiment.id),
  ]);
  const end = experiment.stoppedAt ?? c.var.now();
  const recent = experiment.status === "running"
    ? recentDailyUsers(daily, {
      today: isoDay(end),
      firstDay: experiment.startedAt ? isoDay(experiment.startedAt) : null,
    })
    : null;
  const base = readout(experiment, arms, { recentDailyUsers: recent });
  return {
    readout: experiment.mode === "bandit" ? await withBanditOf(c, experiment, base) : base,
    timeline: cumulativeTimeline(daily, experiment.variants.map((v) => v.name)),
  };
}

async function withBanditOf(c: Context<AppEnv>, experiment: Experiment, base: Readout) {
  const [allocations, exposed] = await Promise.all([
    listAllocations(c.var.db, experiment.id),
    exposedByPeriod(c.var.db, experiment.id),
  ]);
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
