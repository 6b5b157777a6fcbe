/**
 * Event ingestion with its aggregates. In the caller's transaction:
 *
 * 1. an advisory lock per touched (experiment, unit), taken in sorted order, so concurrent
 *    batches about the same customer apply one after the other (no lost update);
 * 2. the events, multi-row `insert … on conflict (bank_id, event_id) do nothing returning
 *    event_id`: what comes back was accepted, the rest are duplicates (an id seen before, or
 *    earlier in the same batch);
 * 3. for each customer an accepted event touches, the outcome is recomputed from all of their
 *    stored events (`lib/experiments/outcomes.ts` states the rule, which does not depend on
 *    arrival order), `unit_outcomes` is replaced, and the difference between the new and the
 *    old contribution is added to `daily_stats`.
 *
 * So aggregates change exactly once per accepted event, never for a duplicate, and a results
 * page reads `daily_stats` only. `value_sum_squares` is kept by adding `new² − old²`; with
 * values of ordinary size the rounding drift is far below anything displayed.
 */
import { sql, type Transaction } from "kysely";
import { fnv1a32 } from "../lib/experiments/assignment.ts";
import {
  type Contribution,
  contribution,
  type OutcomeEvent,
  unitOutcome,
} from "../lib/experiments/outcomes.ts";
import type { Database } from "./schema.ts";

/** An event that passed validation and eligibility; `variant` is the server-assigned arm. */
export interface AcceptedEvent {
  id: string;
  experimentId: string;
  unit: string;
  variant: string;
  type: "exposure" | "conversion";
  value: number | null;
  /** Exposures only: the pre-period value of the metric (CUPED covariate). */
  covariate: number | null;
  at: Date;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** Namespace of the advisory locks taken here (first key of `pg_advisory_xact_lock(int, int)`). */
const LOCK_NAMESPACE = 0x4c4c;

/** Stores a batch of events of one bank and updates the aggregates (see the module comment). */
export async function ingestEvents(
  trx: Transaction<Database>,
  bankId: string,
  events: readonly AcceptedEvent[],
  now: Date,
): Promise<IngestResult> {
  const firstById = new Map<string, AcceptedEvent>();
  for (const e of events) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const unique = [...firstById.values()];
  if (unique.length === 0) return { accepted: 0, duplicates: events.length };

  await lockUnits(trx, unique);
  const insertedIds = new Set<string>();
  for (const part of chunks(unique, 1000)) {
    const rows = await trx.insertInto("events")
      .values(part.map((e) => ({
        bank_id: bankId,
        event_id: e.id,
        experiment_id: e.experimentId,
        unit: e.unit,
        type: e.type,
        value: e.value,
        covariate: e.covariate,
        occurred_at: e.at,
        received_at: now,
      })))
      .onConflict((oc) => oc.columns(["bank_id", "event_id"]).doNothing())
      .returning("event_id")
      .execute();
    for (const r of rows) insertedIds.add(r.event_id);
  }
  const accepted = unique.filter((e) => insertedIds.has(e.id));
  await updateOutcomes(trx, bankId, accepted);
  return { accepted: accepted.length, duplicates: events.length - accepted.length };
}

async function lockUnits(trx: Transaction<Database>, events: readonly AcceptedEvent[]) {
  const keys = [...new Set(events.map((e) => fnv1a32(`${e.experimentId}:${e.unit}`) | 0))]
    .sort((a, b) => a - b);
  for (const part of chunks(keys, 5000)) {
    const values = sql.join(part.map((k) => sql`(${k}::int4)`));
    await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int4, k)
      from (values ${values}) as t(k)`.execute(trx);
  }
}

/** Recomputes the outcome of every (experiment, unit) the accepted events touch. */
async function updateOutcomes(
  trx: Transaction<Database>,
  bankId: string,
  accepted: readonly AcceptedEvent[],
): Promise<void> {
  const byExperiment = new Map<string, Map<string, string>>(); // experiment → unit → variant
  for (const e of accepted) {
    const units = byExperiment.get(e.experimentId) ?? new Map<string, string>();
    units.set(e.unit, e.variant);
    byExperiment.set(e.experimentId, units);
  }
  const deltas = new Map<string, Contribution & { experimentId: string; variant: string }>();
  const addDelta = (experimentId: string, variant: string, c: Contribution, sign: 1 | -1) => {
    const key = `${experimentId}\u0000${variant}\u0000${c.day}`;
    const d = deltas.get(key) ??
      {
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
  };

  for (const [experimentId, unitVariants] of byExperiment) {
    for (const units of chunks([...unitVariants.keys()], 2000)) {
      const [events, previous] = await Promise.all([
        trx.selectFrom("events")
          .where("experiment_id", "=", experimentId).where("unit", "in", units)
          .select(["unit", "type", "value", "covariate", "occurred_at"]).execute(),
        trx.selectFrom("unit_outcomes")
          .where("experiment_id", "=", experimentId).where("unit", "in", units)
          .select([
            "unit",
            "variant",
            "first_exposure_at",
            "converted_at",
            "value_sum",
            "covariate",
          ])
          .execute(),
      ]);
      const eventsOf = new Map<string, OutcomeEvent[]>();
      for (const e of events) {
        const list = eventsOf.get(e.unit) ?? [];
        list.push({
          type: e.type,
          value: e.value,
          covariate: e.covariate,
          at: new Date(e.occurred_at),
        });
        eventsOf.set(e.unit, list);
      }
      const previousOf = new Map(previous.map((p) => [p.unit, p]));
      const rows = [];
      for (const unit of units) {
        const outcome = unitOutcome(eventsOf.get(unit) ?? []);
        if (!outcome) continue; // no exposure yet: nothing counts
        const old = previousOf.get(unit);
        const variant = old?.variant ?? unitVariants.get(unit)!;
        if (old) {
          addDelta(
            experimentId,
            variant,
            contribution({
              firstExposureAt: new Date(old.first_exposure_at),
              convertedAt: old.converted_at ? new Date(old.converted_at) : null,
              valueSum: Number(old.value_sum),
              covariate: old.covariate === null ? null : Number(old.covariate),
            }),
            -1,
          );
        }
        addDelta(experimentId, variant, contribution(outcome), 1);
        rows.push({
          experiment_id: experimentId,
          bank_id: bankId,
          unit,
          variant,
          first_exposure_at: outcome.firstExposureAt,
          converted_at: outcome.convertedAt,
          value_sum: outcome.valueSum,
          covariate: outcome.covariate,
        });
      }
      for (const part of chunks(rows, 1000)) {
        await trx.insertInto("unit_outcomes").values(part)
          .onConflict((oc) =>
            oc.columns(["experiment_id", "unit"]).doUpdateSet({
              first_exposure_at: sql`excluded.first_exposure_at`,
              converted_at: sql`excluded.converted_at`,
              value_sum: sql`excluded.value_sum`,
              covariate: sql`excluded.covariate`,
            })
          )
          .execute();
      }
    }
  }

  const changed = [...deltas.values()].filter((d) =>
    d.users !== 0 || d.converters !== 0 || d.valueSum !== 0 || d.valueSumSquares !== 0 ||
    d.covariateSum !== 0 || d.covariateSumSquares !== 0 || d.covariateCross !== 0
  );
  for (const part of chunks(changed, 1000)) {
    await trx.insertInto("daily_stats")
      .values(part.map((d) => ({
        experiment_id: d.experimentId,
        bank_id: bankId,
        variant: d.variant,
        day: d.day,
        users: d.users,
        converters: d.converters,
        value_sum: d.valueSum,
        value_sum_squares: d.valueSumSquares,
        covariate_sum: d.covariateSum,
        covariate_sum_squares: d.covariateSumSquares,
        covariate_cross: d.covariateCross,
      })))
      .onConflict((oc) =>
        oc.columns(["experiment_id", "variant", "day"]).doUpdateSet({
          users: sql`daily_stats.users + excluded.users`,
          converters: sql`daily_stats.converters + excluded.converters`,
          value_sum: sql`daily_stats.value_sum + excluded.value_sum`,
          value_sum_squares: sql`daily_stats.value_sum_squares + excluded.value_sum_squares`,
          covariate_sum: sql`daily_stats.covariate_sum + excluded.covariate_sum`,
          covariate_sum_squares:
            sql`daily_stats.covariate_sum_squares + excluded.covariate_sum_squares`,
          covariate_cross: sql`daily_stats.covariate_cross + excluded.covariate_cross`,
        })
      )
      .execute();
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
