// The metric library (issue 16): customer events tied to no experiment (`track_events`), the
// bank's metric definitions with their versions (`metrics`), and the metrics each experiment
// reads (`experiments.metrics`).
//
// - `track_events` has its own primary key (bank_id, event_id); ingestion also treats an id
//   already used by an exposure or conversion of the bank (table `events`) as a duplicate, so a
//   bank has one id space. The index serves the metric read-outs: one event name of one
//   customer within a time window.
// - `metrics`: one row per version; the latest version is the definition in force. Built-in
//   metrics (`opt_out`, `conversion`, `conversion_value`) are not stored (lib/metrics/definition.ts).
// - `experiments.metrics`: `{"primary": key, "secondary": [keys], "guardrails": [keys]}`. Stored
//   experiments keep measuring what they measured: a `value` primary becomes
//   `conversion_value`, any other `conversion`. Their old free-text guardrails stay in the
//   `guardrails` column, shown as not measured (they were never measured on their own data).
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table track_events (
    bank_id text not null references banks (id),
    event_id text not null,
    event text not null check (event ~ '^[a-z0-9_]{1,64}$'),
    unit text not null,
    value double precision,
    occurred_at timestamptz not null,
    received_at timestamptz not null default now(),
    primary key (bank_id, event_id)
  )`.execute(db);
  await sql`create index track_events_unit_idx
    on track_events (bank_id, event, unit, occurred_at)`.execute(db);
  await sql`create table metrics (
    bank_id text not null references banks (id),
    key text not null check (key ~ '^[a-z0-9_]{1,64}$'),
    version integer not null check (version > 0),
    definition jsonb not null,
    created_by uuid references users (id),
    created_at timestamptz not null default now(),
    primary key (bank_id, key, version)
  )`.execute(db);
  await sql`alter table experiments add column metrics jsonb not null
    default '{"primary": "conversion", "secondary": [], "guardrails": []}'`.execute(db);
  await sql`update experiments set metrics = jsonb_build_object(
      'primary', case when primary_metric->>'type' = 'value' then 'conversion_value'
        else 'conversion' end,
      'secondary', '[]'::jsonb, 'guardrails', '[]'::jsonb)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table experiments drop column if exists metrics`.execute(db);
  await sql`drop table if exists metrics`.execute(db);
  await sql`drop table if exists track_events`.execute(db);
}
