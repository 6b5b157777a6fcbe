// Incremental metric snapshots (issue 16: a new event shows in results within 60 s at ten million
// events). Self-contained: never imports app code.
//
// - `metric_unit_values`: each exposed customer's value of a metric of an experiment (definition
//   version): arm, allocation period (bandit proportions), x and, for ratios, y — what
//   db/metric_values.ts computes per customer before summing per arm. A refresh recomputes only
//   the customers whose inputs changed since the last one, then sums the table per arm (and takes
//   the percentile cap from it). Derived data: dropping it only costs one full build.
//   `bank_id` and `unit` make erasure (db/erasure.ts, every table with both columns) rewrite its
//   rows like every other customer table; the (experiment_id, unit) index serves that rewrite.
// - `metric_unit_builds`: per (experiment, metric, version) the refresh's watermark (events
//   received from then on are read again) and the window end it used (metrics without a window
//   end at the experiment's stop, or at the refresh's now while it runs).
// - BRIN indexes on `track_events.received_at` and `events.received_at` (rows are appended in
//   about received order, so a few hundred bytes find the last minutes' rows among millions;
//   `autosummarize`: autovacuum summarizes each block range once it is full — an unsummarized
//   range is read whole by every round), and
//   a B-tree on `opt_outs (bank_id, created_at)`.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table metric_unit_values (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    metric_key text not null,
    version integer not null,
    unit text not null,
    variant text not null,
    period text,
    x double precision not null,
    y double precision not null,
    primary key (experiment_id, metric_key, version, unit)
  )`.execute(db);
  await sql`create index metric_unit_values_unit_idx on metric_unit_values (experiment_id, unit)`
    .execute(db);
  await sql`create table metric_unit_builds (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    metric_key text not null,
    version integer not null,
    watermark timestamptz not null,
    window_end timestamptz not null,
    built_at timestamptz not null,
    refreshed_at timestamptz not null,
    primary key (experiment_id, metric_key, version)
  )`.execute(db);
  await sql`create index track_events_received_brin on track_events using brin (received_at)
    with (autosummarize = on)`.execute(db);
  await sql`create index events_received_brin on events using brin (received_at)
    with (autosummarize = on)`.execute(db);
  await sql`create index opt_outs_created_idx on opt_outs (bank_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists opt_outs_created_idx`.execute(db);
  await sql`drop index if exists events_received_brin`.execute(db);
  await sql`drop index if exists track_events_received_brin`.execute(db);
  await sql`drop table if exists metric_unit_builds`.execute(db);
  await sql`drop table if exists metric_unit_values`.execute(db);
}
