/**
 * Sufficient statistics of an experiment, read from `daily_stats` (maintained as events arrive
 * by `db/events.ts`), so a results page costs the same for ten thousand events as for ten
 * million.
 *
 * `daily_stats` rows are exposure cohorts: a customer counts once, in the arm the server
 * assigned, on the UTC day of their first exposure; their conversion and conversion values
 * (those at or after the first exposure) are added to that same row whenever they arrive.
 */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

/** One arm's totals. `valueSumSquares` is the sum over customers of (their value sum)². */
export interface VariantStats {
  variant: string;
  /** Customers exposed (first exposure seen). */
  users: number;
  /** Exposed customers with a conversion at or after their first exposure. */
  conversions: number;
  /** Sum over exposed customers of their conversion values. */
  valueSum: number;
  valueSumSquares: number;
  /** CUPED: Σx, Σx² and Σx·(value sum) over exposed customers, x the pre-period covariate. */
  covariateSum: number;
  covariateSumSquares: number;
  covariateCross: number;
}

/** One arm on one day (cohort of customers first exposed that UTC day). */
export interface DailyVariantStats extends VariantStats {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
}

/**
 * Totals per variant, in variant order (control first); a variant nobody was exposed to yet
 * has zeros.
 */
export async function variantStats(db: Db, experimentId: string): Promise<VariantStats[]> {
  const rows = await db.selectFrom("variants as v")
    .leftJoin(
      "daily_stats as d",
      (join) =>
        join.onRef("d.experiment_id", "=", "v.experiment_id").onRef("d.variant", "=", "v.name"),
    )
    .where("v.experiment_id", "=", experimentId)
    .groupBy(["v.position", "v.name"])
    .orderBy("v.position")
    .select([
      "v.name as variant",
      sql<string>`coalesce(sum(d.users), 0)`.as("users"),
      sql<string>`coalesce(sum(d.converters), 0)`.as("conversions"),
      sql<number>`coalesce(sum(d.value_sum), 0)`.as("valueSum"),
      sql<number>`coalesce(sum(d.value_sum_squares), 0)`.as("valueSumSquares"),
      sql<number>`coalesce(sum(d.covariate_sum), 0)`.as("covariateSum"),
      sql<number>`coalesce(sum(d.covariate_sum_squares), 0)`.as("covariateSumSquares"),
      sql<number>`coalesce(sum(d.covariate_cross), 0)`.as("covariateCross"),
    ])
    .execute();
  return rows.map((r) => ({
    variant: r.variant,
    users: Number(r.users),
    conversions: Number(r.conversions),
    valueSum: Number(r.valueSum),
    valueSumSquares: Number(r.valueSumSquares),
    covariateSum: Number(r.covariateSum),
    covariateSumSquares: Number(r.covariateSumSquares),
    covariateCross: Number(r.covariateCross),
  }));
}

/**
 * Per day and variant (not cumulative: add them up for a cumulative chart), ordered by day
 * then variant position. Days without any new exposure are absent.
 */
export async function dailyStats(db: Db, experimentId: string): Promise<DailyVariantStats[]> {
  const rows = await db.selectFrom("daily_stats as d")
    .innerJoin(
      "variants as v",
      (join) =>
        join.onRef("v.experiment_id", "=", "d.experiment_id").onRef("v.name", "=", "d.variant"),
    )
    .where("d.experiment_id", "=", experimentId)
    .orderBy("d.day").orderBy("v.position")
    .select([
      sql<string>`to_char(d.day, 'YYYY-MM-DD')`.as("day"),
      "d.variant",
      "d.users",
      "d.converters",
      "d.value_sum",
      "d.value_sum_squares",
      "d.covariate_sum",
      "d.covariate_sum_squares",
      "d.covariate_cross",
    ])
    .execute();
  return rows.map((r) => ({
    day: r.day,
    variant: r.variant,
    users: Number(r.users),
    conversions: Number(r.converters),
    valueSum: Number(r.value_sum),
    valueSumSquares: Number(r.value_sum_squares),
    covariateSum: Number(r.covariate_sum),
    covariateSumSquares: Number(r.covariate_sum_squares),
    covariateCross: Number(r.covariate_cross),
  }));
}
