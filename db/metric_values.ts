/**
 * A metric's sufficient statistics per arm, computed from the raw rows in one SQL statement (the
 * same text on PGlite and PostgreSQL): lib/metrics/analysis.ts turns them into results.
 *
 * The customers are the experiment's exposed customers (`unit_outcomes`: arm and first exposure
 * t₀). Each customer's window is [t₀, t₀ + windowHours), or [t₀, end) when windowHours is null,
 * end = the experiment's stop (or now while it runs). Per customer, by source:
 *
 * - `track`: their `track_events` of the bank with the metric's event name(s) in the window
 *   (index `track_events_unit_idx`: bank, event, unit, time) —
 *   proportion x = 1 if any; mean x = Σ value (null values count 0) or the count; ratio x, y =
 *   the numerator's and the denominator's aggregate;
 * - `opt_outs`: x = 1 if the customer has an opt-out, all channels (`*`) or the experiment's
 *   campaign channel, created in the window;
 * - `experiment_conversions` (built-ins `conversion`, `conversion_value`): the figures the
 *   read-out has always used, from `daily_stats` (db/results.ts), so they keep today's numbers.
 *
 * Caps (mean): absolute → least(x, cap); percentile → cap = percentile_cont(p) of every exposed
 * customer's x (all arms pooled), then least(x, cap). The cap used is returned.
 *
 * Per arm (and allocation period for bandits): n, Σx, Σx², and for ratios Σy, Σy², Σx·y.
 */
import { type RawBuilder, sql } from "kysely";
import type { ArmMetricStats, MetricStats } from "../lib/metrics/analysis.ts";
import type { EventAggregate, MetricDefinition } from "../lib/metrics/definition.ts";
import type { PeriodCounts } from "../lib/stats/stratified.ts";
import { periodCounts } from "../lib/experiments/bandit.ts";
import { exposedByPeriod } from "./bandits.ts";
import { variantStats } from "./results.ts";
import type { Db } from "./schema.ts";

/** What to compute: one metric of one experiment. */
export interface MetricValuesQuery {
  bankId: string;
  experimentId: string;
  /** The arms, control first. */
  variants: readonly string[];
  definition: MetricDefinition;
  /** End of windows without a length: the experiment's stop, or now. */
  end: Date;
  /** Bandits: the allocation ids in period order (proportions are counted per period). */
  allocationIds?: readonly string[] | null;
  now: Date;
}

/** One row of {@link perArmSums}. */
export interface MetricSumsRow {
  variant: string;
  period: string | null;
  n: string | number;
  sx: number | null;
  sxx: number | null;
  sy: number | null;
  syy: number | null;
  sxy: number | null;
  cap: number | null;
}

/**
 * The per-customer value(s) of a `track` metric, as SQL over the joined events `t` grouped by
 * customer (also the holdout report's, db/holdout_report.ts).
 */
export function trackValues(d: MetricDefinition) {
  if (d.kind === "proportion") {
    return {
      events: [d.event!],
      x: sql`case when count(t.event_id) > 0 then 1.0 else 0.0 end`,
      y: sql`0.0`,
    };
  }
  if (d.kind === "mean") {
    return {
      events: [d.event!],
      x: d.aggregate === "count"
        ? sql`cast(count(t.event_id) as double precision)`
        : sql`coalesce(sum(t.value), 0.0)`,
      y: sql`0.0`,
    };
  }
  const side = (s: EventAggregate) =>
    s.aggregate === "count"
      ? sql`cast(count(case when t.event = ${s.event} then 1 end) as double precision)`
      : s.aggregate === "customers"
      ? sql`case when count(case when t.event = ${s.event} then 1 end) > 0 then 1.0 else 0.0 end`
      : sql`coalesce(sum(case when t.event = ${s.event} then t.value end), 0.0)`;
  return {
    events: [...new Set([d.numerator!.event, d.denominator!.event])],
    x: side(d.numerator!),
    y: side(d.denominator!),
  };
}

/**
 * The common table expressions `exposed` and `unit_values` (unit, variant, period, x, y: one row
 * per exposed customer) of a `track` or `opt_outs` metric; `only`, when given, is a query of
 * `unit`s and restricts them to those customers (the incremental refresh,
 * db/metric_unit_values.ts). The same text computes a full read-out and a customer's update, so
 * both give the same x and y.
 */
export function perUnitValues(q: MetricValuesQuery, only?: RawBuilder<unknown>) {
  const d = q.definition;
  const byPeriod = !!q.allocationIds && d.kind === "proportion";
  const windowEnd = d.windowHours === null
    ? sql`cast(${q.end.toISOString()} as timestamptz)`
    : sql`u.first_exposure_at + cast(${d.windowHours} as integer) * interval '1 hour'`;
  const period = byPeriod ? sql`cast(a.allocation_id as text)` : sql`cast(null as text)`;
  const assignments = byPeriod
    ? sql`left join assignments a on a.experiment_id = u.experiment_id and a.unit = u.unit`
    : sql``;
  const restrict = only ? sql`and u.unit in (${only})` : sql``;
  let perUnit;
  if (d.source === "opt_outs") {
    perUnit = sql`select e.unit, e.variant, e.period,
        case when count(o.unit) > 0 then 1.0 else 0.0 end as x, 0.0 as y
      from exposed e
      left join opt_outs o on o.bank_id = ${q.bankId} and o.unit = e.unit
        and (o.channel = '*' or o.channel = (
          select c.channel from experiments x join campaigns c on c.id = x.campaign_id
          where x.id = ${q.experimentId}))
        and o.created_at >= e.t0 and o.created_at < e.t1
      group by e.unit, e.variant, e.period`;
  } else {
    const v = trackValues(d);
    perUnit = sql`select e.unit, e.variant, e.period, ${v.x} as x, ${v.y} as y
      from exposed e
      left join track_events t on t.bank_id = ${q.bankId}
        and t.event in (${sql.join(v.events.map((name) => sql`${name}`))})
        and t.unit = e.unit and t.occurred_at >= e.t0 and t.occurred_at < e.t1
      group by e.unit, e.variant, e.period`;
  }
  return {
    byPeriod,
    ctes: sql`exposed as (
      select u.unit, u.variant, ${period} as period, u.first_exposure_at as t0,
        ${windowEnd} as t1
      from unit_outcomes u ${assignments}
      where u.experiment_id = ${q.experimentId} ${restrict}
    ),
    unit_values as (${perUnit})`,
  };
}

/**
 * The per-arm sums of `unit_values` (a CTE or table of variant, period, x, y) after the cap:
 * absolute → least(x, cap); percentile → percentile_cont of every customer's x, all arms pooled.
 */
export function perArmSums(d: MetricDefinition, unitValues: RawBuilder<unknown>) {
  const cap = d.kind === "mean" && d.cap
    ? d.cap.type === "absolute"
      ? sql`select cast(${d.cap.value} as double precision) as c`
      : sql`select percentile_cont(cast(${d.cap.value} as double precision))
          within group (order by x) as c from ${unitValues}`
    : sql`select cast(null as double precision) as c`;
  return sql`cap as (${cap}),
    capped as (
      select v.variant, v.period,
        case when cap.c is null then v.x else least(v.x, cap.c) end as x, v.y
      from ${unitValues} v cross join cap
    )
    select variant, period, count(*) as n, sum(x) as sx, sum(x * x) as sxx, sum(y) as sy,
      sum(y * y) as syy, sum(x * y) as sxy, (select c from cap) as cap
    from capped group by variant, period`;
}

/** The statistics of one metric read from the events (`track` and `opt_outs` sources). */
export async function computeMetricValues(db: Db, q: MetricValuesQuery): Promise<MetricStats> {
  const d = q.definition;
  if (d.source === "experiment_conversions") return await conversionValues(db, q);
  const { byPeriod, ctes } = perUnitValues(q);
  const result = await sql<MetricSumsRow>`with ${ctes},
    ${perArmSums(d, sql`unit_values`)}`.execute(db);
  return toStats(result.rows, q, byPeriod);
}

export function toStats(
  rows: readonly MetricSumsRow[],
  q: MetricValuesQuery,
  byPeriod: boolean,
): MetricStats {
  const arms: ArmMetricStats[] = q.variants.map((variant) => ({
    variant,
    units: 0,
    sum: 0,
    sumSquares: 0,
    ...(q.definition.kind === "ratio"
      ? { denominatorSum: 0, denominatorSumSquares: 0, crossSum: 0 }
      : {}),
  }));
  const index = new Map(q.variants.map((v, i) => [v, i]));
  const periodIndex = new Map(["", ...(q.allocationIds ?? [])].map((id, i) => [id, i]));
  const periods: PeriodCounts[] = byPeriod
    ? [...periodIndex.keys()].map(() => ({
      users: q.variants.map(() => 0),
      conversions: q.variants.map(() => 0),
    }))
    : [];
  let cap: number | null = null;
  for (const r of rows) {
    cap = r.cap === null ? null : Number(r.cap);
    const i = index.get(r.variant);
    if (i === undefined) continue;
    const a = arms[i];
    const n = Number(r.n);
    a.units += n;
    a.sum += Number(r.sx ?? 0);
    a.sumSquares += Number(r.sxx ?? 0);
    if (q.definition.kind === "ratio") {
      a.denominatorSum! += Number(r.sy ?? 0);
      a.denominatorSumSquares! += Number(r.syy ?? 0);
      a.crossSum! += Number(r.sxy ?? 0);
    }
    if (byPeriod) {
      const p = periods[periodIndex.get(r.period ?? "") ?? 0];
      (p.users as number[])[i] += n;
      (p.conversions as number[])[i] += Math.round(Number(r.sx ?? 0));
    }
  }
  return {
    arms,
    periods: byPeriod ? periods : null,
    capValue: cap,
    computedAt: q.now.toISOString(),
  };
}

/** `conversion` and `conversion_value`: the read-out's own sums (daily_stats). */
async function conversionValues(db: Db, q: MetricValuesQuery): Promise<MetricStats> {
  const stats = await variantStats(db, q.experimentId);
  const of = new Map(stats.map((s) => [s.variant, s]));
  const arms = q.variants.map((variant): ArmMetricStats => {
    const s = of.get(variant);
    if (!s) return { variant, units: 0, sum: 0, sumSquares: 0 };
    return q.definition.kind === "proportion"
      ? { variant, units: s.users, sum: s.conversions, sumSquares: s.conversions }
      : {
        variant,
        units: s.users,
        sum: s.valueSum,
        sumSquares: s.valueSumSquares,
        covariateSum: s.covariateSum,
        covariateSumSquares: s.covariateSumSquares,
        covariateCross: s.covariateCross,
      };
  });
  let periods: PeriodCounts[] | null = null;
  if (q.allocationIds && q.definition.kind === "proportion") {
    const totals = await exposedByPeriod(db, q.experimentId);
    periods = periodCounts(q.variants.map((name) => ({ name })), q.allocationIds, totals);
  }
  return { arms, periods, capValue: null, computedAt: q.now.toISOString() };
}
