import type { Context } from "hono";
import type { Experiment } from "../../db/experiments.ts";
import { dailyStats, variantStats } from "../../db/results.ts";
import { type Readout, readout } from "../../lib/experiments/readout.ts";
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
  return {
    readout: readout(experiment, arms, { recentDailyUsers: recent }),
    timeline: cumulativeTimeline(daily, experiment.variants.map((v) => v.name)),
  };
}
