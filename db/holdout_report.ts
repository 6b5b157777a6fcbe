/**
 * The per-customer values of a metric over a bank's customers since its global holdout started,
 * streamed to the caller in batches (the holdout report, issue 17; docs/GOVERNANCE.md).
 *
 * Who: every customer of the bank with a customer record, or with a tracked event or an
 * experiment event since the holdout started (`from`). Membership of the holdout is decided in
 * TypeScript (lib/governance/policy.ts `inHoldout`, the hash the SDK answers with), so SQL
 * returns one row per customer and the caller splits and sums them
 * (lib/governance/holdout_report.ts). The rows come through a cursor, `batchSize` at a time, in
 * one read transaction: the caller's memory holds one batch, whatever the bank's size
 * (docs/SCALING.md gives the database's side).
 *
 * Each customer's value, by source, over [from, to) — the holdout's life, not the metric's own
 * window (a customer in the holdout has no exposure to start one from):
 * - `track`: db/metric_values.ts `trackValues`, the same per-customer aggregation the experiment
 *   read-outs use (proportion: 1 if any event; mean: Σ value or the count; ratio: both sides);
 * - `opt_outs`: 1 if the customer has an opt-out of any channel created in the window.
 * Caps (mean): absolute → least(x, cap); percentile → percentile_cont over every customer's x.
 * `experiment_conversions` metrics have no meaning here (the holdout has no experiment events):
 * the caller refuses them.
 */
import { type Kysely, sql } from "kysely";
import type { MetricDefinition } from "../lib/metrics/definition.ts";
import { trackValues } from "./metric_values.ts";
import type { Database, Db } from "./schema.ts";

export interface HoldoutUnitValue {
  unit: string;
  /** The customer's value (numerator for ratios), after the cap. */
  x: number;
  /** Ratios: the denominator; 0 otherwise. */
  y: number;
}

export interface HoldoutValuesQuery {
  bankId: string;
  definition: MetricDefinition;
  from: Date;
  to: Date;
}

interface Row {
  unit: string;
  x: number | string | null;
  y: number | string | null;
  cap: number | string | null;
}

/**
 * Calls `onBatch` with the customers' values, `batchSize` rows at a time (in no set order);
 * answers the cap applied (null without one).
 */
export async function streamHoldoutValues(
  db: Db,
  q: HoldoutValuesQuery,
  onBatch: (rows: HoldoutUnitValue[]) => void,
  { batchSize = 5_000 } = {},
): Promise<{ capValue: number | null }> {
  const d = q.definition;
  if (d.source === "experiment_conversions") {
    throw new Error(`Metric "${d.key}" reads experiment conversions: not for the holdout`);
  }
  const from = sql`cast(${q.from.toISOString()} as timestamptz)`;
  const to = sql`cast(${q.to.toISOString()} as timestamptz)`;
  let perUnit;
  if (d.source === "opt_outs") {
    perUnit = sql`select p.unit, case when count(o.unit) > 0 then 1.0 else 0.0 end as x, 0.0 as y
      from population p
      left join opt_outs o on o.bank_id = ${q.bankId} and o.unit = p.unit
        and o.created_at >= ${from} and o.created_at < ${to}
      group by p.unit`;
  } else {
    const v = trackValues(d);
    perUnit = sql`select p.unit, ${v.x} as x, ${v.y} as y
      from population p
      left join track_events t on t.bank_id = ${q.bankId}
        and t.event in (${sql.join(v.events.map((name) => sql`${name}`))})
        and t.unit = p.unit and t.occurred_at >= ${from} and t.occurred_at < ${to}
      group by p.unit`;
  }
  const cap = d.kind === "mean" && d.cap
    ? d.cap.type === "absolute"
      ? sql`select cast(${d.cap.value} as double precision) as c`
      : sql`select percentile_cont(cast(${d.cap.value} as double precision))
          within group (order by x) as c from unit_values`
    : sql`select cast(null as double precision) as c`;
  const run = async (trx: Db) => {
    await sql`declare holdout_units no scroll cursor for
      with population as (
        select unit from customers where bank_id = ${q.bankId}
        union
        select unit from track_events
        where bank_id = ${q.bankId} and occurred_at >= ${from} and occurred_at < ${to}
        union
        select unit from events
        where bank_id = ${q.bankId} and occurred_at >= ${from} and occurred_at < ${to}
      ),
      unit_values as (${perUnit}),
      cap as (${cap})
      select v.unit, case when cap.c is null then v.x else least(v.x, cap.c) end as x, v.y,
        cap.c as cap
      from unit_values v cross join cap`.execute(trx);
    let capValue: number | null = null;
    for (;;) {
      const { rows } = await sql<Row>`fetch forward ${sql.raw(String(Math.trunc(batchSize)))}
        from holdout_units`.execute(trx);
      if (rows.length === 0) break;
      capValue = rows[0].cap === null ? null : Number(rows[0].cap);
      onBatch(rows.map((r) => ({ unit: r.unit, x: Number(r.x ?? 0), y: Number(r.y ?? 0) })));
      if (rows.length < batchSize) break;
    }
    await sql`close holdout_units`.execute(trx);
    return { capValue };
  };
  if (db.isTransaction) return await run(db);
  return await (db as Kysely<Database>).transaction().execute(run);
}
