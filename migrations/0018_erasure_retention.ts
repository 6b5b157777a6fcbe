// The personal information lifecycle (issue 17, PIPL Art. 19 and 47). Self-contained: never
// imports app code.
//
// - The audit log stays append-only, except for erasure: a transaction that has set
//   `lensloop.erasure` to `on` (`set_config(…, true)`, so for itself only) may rewrite an entry's
//   `target` and `details` (to replace an erased customer's id by its token) and nothing else.
// - `experiments.raw_events_purged_at`: when the retention purge froze the experiment's metric
//   snapshots and removed its raw events; from then on its results are read from the snapshots
//   and never recomputed.
// - `retention_runs`: when the purge last ran for a bank (one run per bank per day, claimed
//   atomically, so any number of instances may try).
// - An index on `track_events (bank_id, occurred_at)` for the purge's range delete.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create or replace function audit_log_append_only() returns trigger
    language plpgsql as $$
  begin
    if tg_op = 'UPDATE' and current_setting('lensloop.erasure', true) = 'on'
      and new.id = old.id and new.at = old.at
      and new.actor_user_id is not distinct from old.actor_user_id
      and new.actor = old.actor and new.bank_id is not distinct from old.bank_id
      and new.action = old.action then
      return new;
    end if;
    raise exception 'audit_log is append-only';
  end
  $$`.execute(db);
  await sql`alter table experiments add column raw_events_purged_at timestamptz`.execute(db);
  await sql`create table retention_runs (
    bank_id text primary key references banks (id),
    ran_at timestamptz not null
  )`.execute(db);
  await sql`create index track_events_bank_time_idx on track_events (bank_id, occurred_at)`
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists track_events_bank_time_idx`.execute(db);
  await sql`drop table if exists retention_runs`.execute(db);
  await sql`alter table experiments drop column if exists raw_events_purged_at`.execute(db);
  await sql`create or replace function audit_log_append_only() returns trigger
    language plpgsql as $$
  begin
    raise exception 'audit_log is append-only';
  end
  $$`.execute(db);
}
