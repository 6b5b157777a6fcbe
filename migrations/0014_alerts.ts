// Alerts, notification channels and their deliveries (issue 18). Self-contained: never imports
// app code.
//
// - `notification_channels`: a bank's destinations (generic webhook, WeCom, DingTalk, Feishu).
//   The URL (WeCom's and DingTalk's carry their access key) and the signing secret are stored
//   encrypted (AES-GCM, lib/notify/secrets.ts); `url_hint` is what may be shown. Deleting keeps
//   the row (`deleted_at`) so the delivery log still names it.
// - `alerts`: one row per (experiment, type, cause): a cause is stored once, however often it
//   is seen again.
// - `notification_deliveries`: the outbox, one row per alert × channel, queued in the alert's
//   own transaction; `notification_attempts` logs every try with the answer.
// - `experiment_auto_stop`: the circuit breaker per experiment; `experiment_alert_settings`:
//   the hours without exposures before a `no_exposures` alert; `alert_checks`: when each
//   experiment was last checked and on what totals.
// - `app_secrets`: the key for the encrypted columns when SECRET_KEY is not set (development).
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table notification_channels (
    id uuid primary key,
    bank_id text not null references banks (id),
    kind text not null check (kind in ('webhook', 'wecom', 'dingtalk', 'feishu')),
    name text not null default '',
    url_encrypted text not null,
    url_hint text not null,
    secret_encrypted text,
    events jsonb,
    locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en')),
    created_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    deleted_at timestamptz
  )`.execute(db);
  await sql`create index notification_channels_bank_idx on notification_channels (bank_id)`
    .execute(db);
  await sql`create table alerts (
    id uuid primary key default gen_random_uuid(),
    bank_id text not null references banks (id),
    experiment_id uuid not null references experiments (id) on delete cascade,
    type text not null,
    cause text not null,
    summary jsonb not null,
    details jsonb not null default '{}'::jsonb,
    created_at timestamptz not null,
    acked_at timestamptz,
    acked_by uuid references users (id) on delete set null,
    unique (experiment_id, type, cause)
  )`.execute(db);
  await sql`create index alerts_bank_idx on alerts (bank_id, created_at desc)`.execute(db);
  await sql`create table notification_deliveries (
    id uuid primary key default gen_random_uuid(),
    bank_id text not null references banks (id),
    channel_id uuid not null references notification_channels (id),
    alert_id uuid references alerts (id) on delete cascade,
    message jsonb not null,
    status text not null default 'pending'
      check (status in ('pending', 'sent', 'failed', 'cancelled')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    locked_until timestamptz,
    last_status integer,
    last_answer text,
    created_at timestamptz not null,
    sent_at timestamptz,
    unique (alert_id, channel_id)
  )`.execute(db);
  await sql`create index notification_deliveries_due_idx
    on notification_deliveries (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create table notification_attempts (
    id bigserial primary key,
    delivery_id uuid not null references notification_deliveries (id) on delete cascade,
    attempt integer not null,
    at timestamptz not null,
    status_code integer,
    answer text not null default '',
    error text,
    ok boolean not null
  )`.execute(db);
  await sql`create table experiment_auto_stop (
    experiment_id uuid primary key references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    on_guardrail boolean not null default false,
    on_srm boolean not null default false,
    updated_at timestamptz not null,
    updated_by uuid references users (id) on delete set null
  )`.execute(db);
  await sql`create table experiment_alert_settings (
    experiment_id uuid primary key references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    no_exposure_hours integer not null check (no_exposure_hours between 1 and 720),
    updated_at timestamptz not null
  )`.execute(db);
  await sql`create table alert_checks (
    experiment_id uuid primary key references experiments (id) on delete cascade,
    totals text not null,
    checked_at timestamptz not null
  )`.execute(db);
  await sql`create table app_secrets (
    name text primary key,
    value text not null,
    created_at timestamptz not null default now()
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (
    const table of [
      "app_secrets",
      "alert_checks",
      "experiment_alert_settings",
      "experiment_auto_stop",
      "notification_attempts",
      "notification_deliveries",
      "alerts",
      "notification_channels",
    ]
  ) await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
