// The first schema: every table the product needs. Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

const statements = [
  `create table banks (
    id text primary key check (id ~ '^[A-Za-z0-9_-]{1,32}$'),
    name_zh text not null,
    name_en text not null,
    peer_group text not null,
    synthetic boolean not null default false,
    created_at timestamptz not null default now()
  )`,
  `create table users (
    id uuid primary key default gen_random_uuid(),
    email text not null,
    display_name text not null default '',
    password_hash text not null,
    role text not null check (role in ('admin', 'executive', 'growth', 'consultant')),
    bank_id text references banks (id),
    growth_lead boolean not null default false,
    disabled_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (role = 'admin' or bank_id is not null)
  )`,
  `create unique index users_email_key on users (lower(email))`,
  `create table consultant_banks (
    user_id uuid not null references users (id) on delete cascade,
    bank_id text not null references banks (id),
    primary key (user_id, bank_id)
  )`,
  `create table sessions (
    token_hash text primary key,
    user_id uuid not null references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz
  )`,
  `create index sessions_user_idx on sessions (user_id)`,
  `create table assessments (
    id uuid primary key default gen_random_uuid(),
    bank_id text not null references banks (id),
    period text not null check (period ~ '^([0-9]{4}(H[12]|Q[1-4])?|FY[0-9]{4})$'),
    model_id text not null,
    model_version text not null,
    values jsonb not null default '{}',
    not_applicable jsonb not null default '{}',
    evidence jsonb not null default '{}',
    status text not null default 'draft' check (status in ('draft', 'submitted')),
    revision integer not null default 1,
    created_by uuid references users (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    submitted_at timestamptz,
    unique (bank_id, period)
  )`,
  `create table assessment_revisions (
    assessment_id uuid not null references assessments (id) on delete cascade,
    revision integer not null,
    bank_id text not null references banks (id),
    values jsonb not null,
    not_applicable jsonb not null,
    evidence jsonb not null,
    status text not null,
    changed_by uuid references users (id),
    changed_at timestamptz not null default now(),
    primary key (assessment_id, revision)
  )`,
  `create table campaigns (
    id uuid primary key default gen_random_uuid(),
    bank_id text not null references banks (id),
    name text not null,
    channel text not null check (channel in ('sms', 'app_push', 'in_app_banner', 'coupon', 'outbound_call', 'wechat')),
    segment jsonb not null default '{}',
    description text not null default '',
    created_by uuid references users (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index campaigns_bank_idx on campaigns (bank_id)`,
  `create table experiments (
    id uuid primary key default gen_random_uuid(),
    bank_id text not null references banks (id),
    campaign_id uuid references campaigns (id),
    iteration integer not null default 1,
    parent_experiment_id uuid references experiments (id),
    key text not null check (key ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name text not null,
    mode text not null default 'ab' check (mode in ('ab', 'bandit')),
    status text not null default 'draft' check (status in ('draft', 'running', 'stopped', 'decided')),
    primary_metric jsonb not null default '{"type": "conversion"}',
    guardrails jsonb not null default '[]',
    targeting jsonb not null default '{}',
    alpha double precision not null default 0.05 check (alpha > 0 and alpha < 0.5),
    sequential boolean not null default false,
    sequential_tuning integer not null default 5000 check (sequential_tuning > 0),
    planned_sample_size integer check (planned_sample_size > 0),
    baseline_rate double precision check (baseline_rate >= 0 and baseline_rate <= 1),
    min_share double precision not null default 0.01,
    winner_variant text,
    config_version integer not null default 1,
    started_at timestamptz,
    stopped_at timestamptz,
    decided_at timestamptz,
    created_by uuid references users (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (bank_id, key),
    unique (bank_id, id)
  )`,
  `create unique index experiments_campaign_iteration_key on experiments (campaign_id, iteration)`,
  `create table variants (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    position integer not null check (position >= 0),
    name text not null check (name ~ '^[A-Za-z0-9_-]{1,64}$'),
    description text not null default '',
    weight double precision not null check (weight >= 0),
    primary key (experiment_id, position),
    unique (experiment_id, name)
  )`,
  `create table customers (
    bank_id text not null references banks (id),
    unit text not null,
    attributes jsonb not null default '{}',
    marketing_consent boolean not null default true,
    updated_at timestamptz not null default now(),
    primary key (bank_id, unit)
  )`,
  `create table opt_outs (
    bank_id text not null references banks (id),
    unit text not null,
    channel text not null default '*',
    created_at timestamptz not null default now(),
    primary key (bank_id, unit, channel)
  )`,
  `create table assignments (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    unit text not null,
    variant text not null,
    assigned_at timestamptz not null default now(),
    primary key (experiment_id, unit)
  )`,
  `create table events (
    bank_id text not null references banks (id),
    event_id text not null,
    experiment_id uuid not null references experiments (id),
    unit text not null,
    type text not null check (type in ('exposure', 'conversion')),
    value double precision,
    occurred_at timestamptz not null,
    received_at timestamptz not null default now(),
    primary key (bank_id, event_id)
  )`,
  `create index events_experiment_idx on events (experiment_id, occurred_at)`,
  `create table unit_outcomes (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    unit text not null,
    variant text not null,
    first_exposure_at timestamptz not null,
    converted_at timestamptz,
    value_sum double precision not null default 0,
    covariate double precision,
    primary key (experiment_id, unit)
  )`,
  `create table daily_stats (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    variant text not null,
    day date not null,
    users bigint not null default 0,
    converters bigint not null default 0,
    value_sum double precision not null default 0,
    value_sum_squares double precision not null default 0,
    covariate_sum double precision not null default 0,
    covariate_sum_squares double precision not null default 0,
    covariate_cross double precision not null default 0,
    primary key (experiment_id, variant, day)
  )`,
  `create table sdk_keys (
    id uuid primary key default gen_random_uuid(),
    bank_id text not null references banks (id),
    key_hash text not null unique,
    prefix text not null,
    label text not null default '',
    created_by uuid references users (id),
    created_at timestamptz not null default now(),
    revoked_at timestamptz,
    last_used_at timestamptz
  )`,
  `create index sdk_keys_bank_idx on sdk_keys (bank_id)`,
  `create table allocations (
    id bigserial primary key,
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    computed_at timestamptz not null default now(),
    seed text not null,
    inputs jsonb not null,
    probability_best jsonb not null,
    weights jsonb not null,
    reason text not null default 'scheduled'
  )`,
  `create index allocations_experiment_idx on allocations (experiment_id, computed_at)`,
  `create table audit_log (
    id bigserial primary key,
    at timestamptz not null default now(),
    actor_user_id uuid references users (id),
    actor text not null,
    bank_id text references banks (id),
    action text not null,
    target text not null default '',
    details jsonb not null default '{}'
  )`,
  `create index audit_log_bank_idx on audit_log (bank_id, at)`,
  `create function audit_log_append_only() returns trigger language plpgsql as $$
  begin
    raise exception 'audit_log is append-only';
  end
  $$`,
  `create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = [
    "audit_log",
    "allocations",
    "sdk_keys",
    "daily_stats",
    "unit_outcomes",
    "events",
    "assignments",
    "opt_outs",
    "customers",
    "variants",
    "experiments",
    "campaigns",
    "assessment_revisions",
    "assessments",
    "sessions",
    "consultant_banks",
    "users",
    "banks",
  ];
  for (const table of tables) await sql.raw(`drop table if exists ${table} cascade`).execute(db);
  await sql.raw("drop function if exists audit_log_append_only()").execute(db);
}
