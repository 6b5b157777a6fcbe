// Scheduled start and stop of experiments, and scheduled digests (issue 18, parts 4 and 5).
// Self-contained: never imports app code.
//
// - `bank_settings`: per bank, the time zone its schedules and digests are read in (IANA name,
//   default Asia/Shanghai).
// - `experiment_schedules`: one row per experiment: when to start (`start_at`), when to stop
//   (`stop_at`) or whether to stop once the planned sample is reached. The scheduler claims a
//   due action with a conditional update (`*_claimed_at`, only while the experiment is still
//   draft/running), so one instance acts; `*_done_at` says the scheduler did it, `*_refused_at`
//   and `refusal` that the start/stop path refused it (shown on the experiment page).
// - `digests`: one row per bank, kind and period (`unique (bank_id, kind, period_start)`): the
//   first instance to insert produces it, the others' inserts do nothing.
// - `notification_deliveries.digest_id`: a digest's deliveries, one per channel, queued in the
//   digest's own transaction (the outbox of migration 0014).
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table bank_settings (
    bank_id text primary key references banks (id),
    time_zone text not null default 'Asia/Shanghai',
    updated_at timestamptz not null,
    updated_by uuid references users (id) on delete set null
  )`.execute(db);
  await sql`create table experiment_schedules (
    experiment_id uuid primary key references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    start_at timestamptz,
    stop_at timestamptz,
    stop_when_sample_reached boolean not null default false,
    start_claimed_at timestamptz,
    start_done_at timestamptz,
    start_refused_at timestamptz,
    stop_claimed_at timestamptz,
    stop_done_at timestamptz,
    stop_refused_at timestamptz,
    refusal jsonb,
    updated_at timestamptz not null,
    updated_by uuid references users (id) on delete set null,
    check (start_at is null or stop_at is null or stop_at > start_at)
  )`.execute(db);
  await sql`create index experiment_schedules_start_idx on experiment_schedules (start_at)
    where start_done_at is null and start_refused_at is null`.execute(db);
  await sql`create table digests (
    id uuid primary key default gen_random_uuid(),
    bank_id text not null references banks (id),
    kind text not null check (kind in ('weekly', 'daily')),
    period_start timestamptz not null,
    period_end timestamptz not null,
    label text not null,
    time_zone text not null,
    content jsonb not null,
    created_at timestamptz not null,
    unique (bank_id, kind, period_start)
  )`.execute(db);
  await sql`create index digests_bank_idx on digests (bank_id, period_start desc)`.execute(db);
  await sql`alter table notification_deliveries
    add column digest_id uuid references digests (id) on delete cascade`.execute(db);
  await sql`create unique index notification_deliveries_digest_idx
    on notification_deliveries (digest_id, channel_id) where digest_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists notification_deliveries_digest_idx`.execute(db);
  await sql`alter table notification_deliveries drop column if exists digest_id`.execute(db);
  for (const table of ["digests", "experiment_schedules", "bank_settings"]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
