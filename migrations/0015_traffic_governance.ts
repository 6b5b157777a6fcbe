// Traffic governance (issue 17). Self-contained: never imports app code.
//
// - `contact_policies`: one row per bank — contact caps, quiet hours, the global holdout and the
//   raw-event retention (lib/governance/policy.ts gives the shapes). A change notifies `e:<bank>`
//   (migration 0005's function), so every instance reloads the bank's experiments, which carry
//   the policy.
// - `contacts`: the contact ledger, one row per (experiment, customer) handed an arm on a capped
//   channel; the caps count these rows (db/contacts.ts).
// - `layers`: a bank's mutual-exclusion layers; experiments take a range [layer_lo, layer_hi) of
//   one (`layer_key`). `forced` holds QA units' arms: [{unit, variant}].
// - `customer_suppressions`: erased customers (PIPL), kept as a keyed hash of their id only, so
//   they are never enrolled again; a change notifies `c:<bank>`.
// - `assignment_reason_counts`: how many answers each reason gave, per experiment.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table contact_policies (
    bank_id text primary key references banks (id),
    caps jsonb not null default '[]'::jsonb,
    quiet_hours jsonb,
    holdout jsonb,
    retention_days integer check (retention_days between 1 and 3650),
    updated_by uuid references users (id) on delete set null,
    updated_at timestamptz not null
  )`.execute(db);
  await sql`create trigger contact_policies_notify after insert or update or delete
    on contact_policies for each row execute function lensloop_notify_bank()`.execute(db);

  await sql`create table contacts (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    unit text not null,
    channel text not null,
    contacted_at timestamptz not null,
    primary key (experiment_id, unit)
  )`.execute(db);
  await sql`create index contacts_unit_idx on contacts (bank_id, unit, contacted_at)`.execute(db);
  await sql`create index contacts_bank_time_idx on contacts (bank_id, contacted_at)`.execute(db);

  await sql`create table layers (
    bank_id text not null references banks (id),
    key text not null check (key ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name text not null,
    created_by uuid references users (id) on delete set null,
    created_at timestamptz not null,
    primary key (bank_id, key)
  )`.execute(db);
  await sql`alter table experiments
    add column layer_key text,
    add column layer_lo double precision,
    add column layer_hi double precision,
    add column forced jsonb not null default '[]'::jsonb,
    add constraint experiments_layer_fk foreign key (bank_id, layer_key)
      references layers (bank_id, key),
    add constraint experiments_layer_range check (
      (layer_key is null and layer_lo is null and layer_hi is null) or
      (layer_key is not null and layer_lo >= 0 and layer_hi <= 1 and layer_lo < layer_hi))`
    .execute(db);

  await sql`create function lensloop_notify_bank_customers() returns trigger
    language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      perform pg_notify('lensloop_config', 'c:' || old.bank_id);
    else
      perform pg_notify('lensloop_config', 'c:' || new.bank_id);
    end if;
    return null;
  end
  $$`.execute(db);
  await sql`create table customer_suppressions (
    bank_id text not null references banks (id),
    unit_hash text not null,
    erased_at timestamptz not null,
    primary key (bank_id, unit_hash)
  )`.execute(db);
  await sql`create trigger customer_suppressions_notify after insert or update or delete
    on customer_suppressions for each row execute function lensloop_notify_bank_customers()`
    .execute(db);

  await sql`create table assignment_reason_counts (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    reason text not null,
    answers bigint not null default 0,
    updated_at timestamptz not null,
    primary key (experiment_id, reason)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists assignment_reason_counts`.execute(db);
  await sql`drop table if exists customer_suppressions`.execute(db);
  await sql`drop function if exists lensloop_notify_bank_customers()`.execute(db);
  await sql`alter table experiments drop constraint if exists experiments_layer_range,
    drop constraint if exists experiments_layer_fk, drop column if exists forced,
    drop column if exists layer_hi, drop column if exists layer_lo,
    drop column if exists layer_key`.execute(db);
  await sql`drop table if exists layers`.execute(db);
  await sql`drop table if exists contacts`.execute(db);
  await sql`drop table if exists contact_policies`.execute(db);
}
