/**
 * The global holdout's report (issue 17; docs/GOVERNANCE.md): the whole programme's incremental
 * effect, customers in the holdout against everyone else who was eligible ("the rest"), on
 * metrics of the library, over the holdout's life.
 *
 * The two groups are treated as the two arms of an experiment: the holdout is the control and
 * the rest the challenger, so a positive lift means the programme raised the metric. The
 * statistics are lib/metrics/analysis.ts's, unchanged (proportions: pooled z-test with score
 * intervals; means: Welch, Fieller for the relative interval; ratios: the delta method), each
 * metric at the level α on its own (one comparison per metric: Holm over one challenger is no
 * correction; no correction across metrics, which the page says).
 *
 * `HoldoutSplit` sums the per-customer values db/holdout_report.ts streams into the sufficient
 * statistics per group, deciding membership with `inHoldout`: constant memory per metric.
 */
import {
  analyzeMetrics,
  type ArmMetricStats,
  type MetricComparison,
  type MetricResult,
  type MetricStats,
} from "../metrics/analysis.ts";
import type { MetricDefinition } from "../metrics/definition.ts";
import { inHoldout, type StoredHoldout } from "./policy.ts";

/** The arms' names, control first. */
export const HOLDOUT_ARMS = ["holdout", "rest"] as const;

/** At most this many metrics in one report. */
export const MAX_HOLDOUT_METRICS = 10;

/** Sums of one metric's per-customer values per group. */
export class HoldoutSplit {
  readonly arms: [ArmMetricStats, ArmMetricStats];
  readonly #holdout: StoredHoldout;

  constructor(holdout: StoredHoldout, kind: MetricDefinition["kind"]) {
    this.#holdout = holdout;
    const arm = (variant: string): ArmMetricStats => ({
      variant,
      units: 0,
      sum: 0,
      sumSquares: 0,
      ...(kind === "ratio" ? { denominatorSum: 0, denominatorSumSquares: 0, crossSum: 0 } : {}),
    });
    this.arms = [arm(HOLDOUT_ARMS[0]), arm(HOLDOUT_ARMS[1])];
  }

  /** Adds customers' values: x (the numerator for ratios) and y (the denominator, or 0). */
  add(rows: readonly { unit: string; x: number; y: number }[]): void {
    for (const { unit, x, y } of rows) {
      const a = this.arms[inHoldout(this.#holdout, unit) ? 0 : 1];
      a.units++;
      a.sum += x;
      a.sumSquares += x * x;
      if (a.denominatorSum !== undefined) {
        a.denominatorSum += y;
        a.denominatorSumSquares! += y * y;
        a.crossSum! += x * y;
      }
    }
  }

  /** The statistics as lib/metrics/analysis.ts reads them. */
  stats(capValue: number | null, computedAt: Date): MetricStats {
    return { arms: this.arms, periods: null, capValue, computedAt: computedAt.toISOString() };
  }
}

/** One metric of the report. */
export interface HoldoutMetric
  extends Omit<MetricResult, "role" | "correction" | "comparisons" | "breached" | "sequential"> {
  /** The rest against the holdout; null when it could not be computed. */
  comparison: MetricComparison | null;
}

/** Every metric analysed, in the order given. */
export function analyseHoldout(
  metrics: readonly { definition: MetricDefinition; stats: MetricStats }[],
  options: { alpha: number },
): HoldoutMetric[] {
  const results = analyzeMetrics(
    metrics.map((m) => ({
      key: m.definition.key,
      role: "primary" as const,
      definition: m.definition,
      stats: m.stats,
    })),
    {
      alpha: options.alpha,
      sequential: false,
      sequentialTuning: 0,
      bandit: false,
      variants: HOLDOUT_ARMS,
    },
  );
  return results.map((r) => {
    const { role: _role, correction: _c, comparisons, breached: _b, sequential: _s, ...rest } = r;
    return { ...rest, comparison: comparisons[0] ?? null };
  });
}

/** Customers in each group, from any metric's sums (every metric reads the same customers). */
export function populationOf(stats: MetricStats | null): {
  total: number;
  holdout: number;
  rest: number;
} {
  const holdout = stats?.arms[0]?.units ?? 0;
  const rest = stats?.arms[1]?.units ?? 0;
  return { total: holdout + rest, holdout, rest };
}
