/**
 * Step 3 of event ingestion (`events.ts`): each customer's outcome after the accepted events
 * (`lib/experiments/outcomes.ts` states the rule; it depends on the set of events, not on their
 * arrival order), `unit_outcomes` updated, and the difference between the new and the old
 * contribution added to `daily_stats`.
 *
 * The outcome is folded from the stored outcome and the new events — the stored outcome stands
 * in for the history as an exposure at its first exposure time (with its covariate) and one
 * conversion at its conversion time carrying its value sum — without reading the customer's
 * events back. That is exact unless a new exposure is earlier than the stored first exposure
 * (conversions not counted so far may start to count), a new exposure carries a covariate while
 * the stored outcome has one (which exposure holds the earliest is unknown), or the customer has
 * stored events but no exposure yet (`unit_pending`); those customers are recomputed from all
 * their events. `value_sum_squares` is kept by adding `new² − old²`; with values of ordinary
 * size the rounding drift is far below anything displayed.
 *
 * The batch's customers travel as a JSON recordset, and each is looked up through a `lateral
 * (… offset 0)` subquery: an index lookup per customer whatever the plan cache believes about
 * table sizes. (A plain join's plan, cached per connection while the tables were small, hashed
 * a sequential scan of all of `unit_outcomes` into every batch: ingestion slowed as it grew.)
 */
import { sql, type Transaction } from "kysely";
import {
  type Contribution,
  contribution,
  type OutcomeEvent,
  type UnitOutcome,
  unitOutcome,
} from "../lib/experiments/outcomes.ts";
import type { AcceptedEvent } from "./events.ts";
import type { Database } from "./schema.ts";

type Trx = Transaction<Database>;

/** A customer of an experiment touched by the batch. */
interface Touched {
  experimentId: string;
  unit: string;
  /** The server-assigned arm of the new events (a stored outcome keeps its own). */
  variant: string;
  events: OutcomeEvent[];
  stored?: UnitOutcome & { variant: string };
  pending: boolean;
}

type Delta = Contribution & { experimentId: string; variant: string };

export async function updateOutcomes(
  trx: Trx,
  bankId: string,
  accepted: readonly AcceptedEvent[],
): Promise<void> {
  if (accepted.length === 0) return;
  const touched = new Map<string, Touched>();
  for (const e of accepted) {
    const key = `${e.experimentId}\u0000${e.unit}`;
    const t = touched.get(key) ??
      {
        experimentId: e.experimentId,
        unit: e.unit,
        variant: e.variant,
        events: [],
        pending: false,
      };
    t.events.push({ type: e.type, value: e.value, covariate: e.covariate, at: e.at });
    touched.set(key, t);
  }
  await readStored(trx, touched);
  const history = await readHistory(trx, [...touched.values()].filter(needsHistory));

  const deltas = new Map<string, Delta>();
  const outcomes: Array<Touched & { outcome: UnitOutcome }> = [];
  const pendingAdd: Touched[] = [];
  const pendingDrop: Touched[] = [];
  for (const [key, t] of touched) {
    const events = history.get(key) ?? (t.stored ? [...asEvents(t.stored), ...t.events] : t.events);
    const outcome = unitOutcome(events);
    if (!outcome) {
      if (!t.pending) pendingAdd.push(t);
      continue;
    }
    if (t.pending) pendingDrop.push(t);
    if (t.stored && sameOutcome(t.stored, outcome)) continue;
    const variant = t.stored?.variant ?? t.variant;
    if (t.stored) addDelta(deltas, t.experimentId, variant, contribution(t.stored), -1);
    addDelta(deltas, t.experimentId, variant, contribution(outcome), 1);
    outcomes.push({ ...t, variant, outcome });
  }
  await writeOutcomes(trx, bankId, outcomes);
  await writePending(trx, bankId, pendingAdd, pendingDrop);
  await writeDailyStats(trx, bankId, [...deltas.values()]);
}

/** Stored outcomes and pending marks of the touched customers (one statement). */
async function readStored(trx: Trx, touched: Map<string, Touched>) {
  const json = JSON.stringify([...touched.values()].map((t) => ({ e: t.experimentId, u: t.unit })));
  const { rows } = await sql<{
    experiment_id: string;
    unit: string;
    variant: string | null;
    first_exposure_at: Date | null;
    converted_at: Date | null;
    value_sum: number | string | null;
    covariate: number | string | null;
    pending: boolean;
  }>`
    select p.e as experiment_id, p.u as unit, o.variant, o.first_exposure_at, o.converted_at,
      o.value_sum, o.covariate, m.unit is not null as pending
    from json_to_recordset(${json}::text::json) as p(e uuid, u text)
    left join lateral (select * from unit_outcomes o
      where o.experiment_id = p.e and o.unit = p.u offset 0) o on true
    left join lateral (select m.unit from unit_pending m
      where m.experiment_id = p.e and m.unit = p.u offset 0) m on true
    where o.unit is not null or m.unit is not null`.execute(trx);
  for (const r of rows) {
    const t = touched.get(`${r.experiment_id}\u0000${r.unit}`)!;
    t.pending = r.pending;
    if (r.variant !== null && r.first_exposure_at !== null) {
      t.stored = {
        variant: r.variant,
        firstExposureAt: new Date(r.first_exposure_at),
        convertedAt: r.converted_at ? new Date(r.converted_at) : null,
        valueSum: Number(r.value_sum),
        covariate: r.covariate === null ? null : Number(r.covariate),
      };
    }
  }
}

/** Whether folding the stored outcome with the new events could differ from a recount. */
function needsHistory(t: Touched): boolean {
  if (t.pending) return true;
  if (!t.stored) return false;
  return t.events.some((e) =>
    e.type === "exposure" &&
    (e.at < t.stored!.firstExposureAt || (t.stored!.covariate !== null && e.covariate != null))
  );
}

/** All stored events (the batch's included) of the customers that need a recount. */
async function readHistory(trx: Trx, customers: Touched[]): Promise<Map<string, OutcomeEvent[]>> {
  const history = new Map<string, OutcomeEvent[]>();
  if (customers.length === 0) return history;
  const json = JSON.stringify(customers.map((t) => ({ e: t.experimentId, u: t.unit })));
  const { rows } = await sql<{
    experiment_id: string;
    unit: string;
    type: "exposure" | "conversion";
    value: number | null;
    covariate: number | null;
    occurred_at: Date;
  }>`
    select e.experiment_id, e.unit, e.type, e.value, e.covariate, e.occurred_at
    from json_to_recordset(${json}::text::json) as p(e uuid, u text)
    cross join lateral (select * from events e
      where e.experiment_id = p.e and e.unit = p.u offset 0) e`.execute(trx);
  for (const r of rows) {
    const key = `${r.experiment_id}\u0000${r.unit}`;
    const list = history.get(key) ?? [];
    list.push({
      type: r.type,
      value: r.value === null ? null : Number(r.value),
      covariate: r.covariate === null ? null : Number(r.covariate),
      at: new Date(r.occurred_at),
    });
    history.set(key, list);
  }
  return history;
}

/** The stored outcome as the events that stand in for the history (see the module comment). */
function asEvents(stored: UnitOutcome): OutcomeEvent[] {
  const events: OutcomeEvent[] = [{
    type: "exposure",
    value: null,
    covariate: stored.covariate,
    at: stored.firstExposureAt,
  }];
  if (stored.convertedAt) {
    events.push({ type: "conversion", value: stored.valueSum, at: stored.convertedAt });
  }
  return events;
}

function sameOutcome(a: UnitOutcome, b: UnitOutcome): boolean {
  return a.firstExposureAt.getTime() === b.firstExposureAt.getTime() &&
    (a.convertedAt?.getTime() ?? null) === (b.convertedAt?.getTime() ?? null) &&
    a.valueSum === b.valueSum && a.covariate === b.covariate;
}

function addDelta(
  deltas: Map<string, Delta>,
  experimentId: string,
  variant: string,
  c: Contribution,
  sign: 1 | -1,
) {
  const key = `${experimentId}\u0000${variant}\u0000${c.day}`;
  const d = deltas.get(key) ?? {
    experimentId,
    variant,
    day: c.day,
    users: 0,
    converters: 0,
    valueSum: 0,
    valueSumSquares: 0,
    covariateSum: 0,
    covariateSumSquares: 0,
    covariateCross: 0,
  };
  d.users += sign * c.users;
  d.converters += sign * c.converters;
  d.valueSum += sign * c.valueSum;
  d.valueSumSquares += sign * c.valueSumSquares;
  d.covariateSum += sign * c.covariateSum;
  d.covariateSumSquares += sign * c.covariateSumSquares;
  d.covariateCross += sign * c.covariateCross;
  deltas.set(key, d);
}

async function writeOutcomes(
  trx: Trx,
  bankId: string,
  outcomes: Array<Touched & { outcome: UnitOutcome }>,
) {
  if (outcomes.length === 0) return;
  const json = JSON.stringify(outcomes.map((o) => ({
    e: o.experimentId,
    u: o.unit,
    v: o.variant,
    f: o.outcome.firstExposureAt.toISOString(),
    c: o.outcome.convertedAt?.toISOString() ?? null,
    s: o.outcome.valueSum,
    x: o.outcome.covariate,
  })));
  await sql`
    insert into unit_outcomes
      (experiment_id, bank_id, unit, variant, first_exposure_at, converted_at, value_sum, covariate)
    select e, ${bankId}, u, v, f, c, s, x
    from json_to_recordset(${json}::text::json)
      as r(e uuid, u text, v text, f timestamptz, c timestamptz, s float8, x float8)
    order by e, u
    on conflict (experiment_id, unit) do update set
      first_exposure_at = excluded.first_exposure_at,
      converted_at = excluded.converted_at,
      value_sum = excluded.value_sum,
      covariate = excluded.covariate`.execute(trx);
}

async function writePending(trx: Trx, bankId: string, add: Touched[], drop: Touched[]) {
  const json = (list: Touched[]) =>
    JSON.stringify(list.map((t) => ({ e: t.experimentId, u: t.unit })));
  if (add.length) {
    await sql`insert into unit_pending (experiment_id, bank_id, unit)
      select e, ${bankId}, u from json_to_recordset(${json(add)}::text::json) as r(e uuid, u text)
      on conflict do nothing`.execute(trx);
  }
  if (drop.length) {
    await sql`delete from unit_pending m
      using json_to_recordset(${json(drop)}::text::json) as r(e uuid, u text)
      where m.experiment_id = r.e and m.unit = r.u`.execute(trx);
  }
}

/** Adds the deltas, in (experiment, variant, day) order: concurrent batches cannot deadlock. */
async function writeDailyStats(trx: Trx, bankId: string, deltas: Delta[]) {
  const changed = deltas.filter((d) =>
    d.users !== 0 || d.converters !== 0 || d.valueSum !== 0 || d.valueSumSquares !== 0 ||
    d.covariateSum !== 0 || d.covariateSumSquares !== 0 || d.covariateCross !== 0
  );
  if (changed.length === 0) return;
  const json = JSON.stringify(changed.map((d) => ({
    e: d.experimentId,
    v: d.variant,
    d: d.day,
    n: d.users,
    k: d.converters,
    s: d.valueSum,
    q: d.valueSumSquares,
    x: d.covariateSum,
    xx: d.covariateSumSquares,
    xy: d.covariateCross,
  })));
  await sql`
    insert into daily_stats (experiment_id, bank_id, variant, day, users, converters, value_sum,
      value_sum_squares, covariate_sum, covariate_sum_squares, covariate_cross)
    select e, ${bankId}, v, d, n, k, s, q, x, xx, xy
    from json_to_recordset(${json}::text::json) as r(e uuid, v text, d date, n int8, k int8,
      s float8, q float8, x float8, xx float8, xy float8)
    order by e, v, d
    on conflict (experiment_id, variant, day) do update set
      users = daily_stats.users + excluded.users,
      converters = daily_stats.converters + excluded.converters,
      value_sum = daily_stats.value_sum + excluded.value_sum,
      value_sum_squares = daily_stats.value_sum_squares + excluded.value_sum_squares,
      covariate_sum = daily_stats.covariate_sum + excluded.covariate_sum,
      covariate_sum_squares = daily_stats.covariate_sum_squares + excluded.covariate_sum_squares,
      covariate_cross = daily_stats.covariate_cross + excluded.covariate_cross`.execute(trx);
}
