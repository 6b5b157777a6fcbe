// Targets and custom peer groups of the lens (issue 19, parts 3 and 4).
// - lens_targets: one target per bank (the telescope's ambition): per dimension a target level or
//   score (jsonb {dimensionId: {kind: "level" | "score", value}}), and the date to reach it by.
//   Changes are audited (lens.target.set / lens.target.clear).
// - peer_groups + peer_group_members: a consultant's named set of banks to benchmark against.
//   A deleted group keeps its row (deleted_at): new groups are checked against every group the
//   owner ever made, so that two groups differing by a bank or two cannot isolate its figures.
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table lens_targets (
    bank_id text primary key references banks (id),
    target_date text not null check (target_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    dimensions jsonb not null,
    note text not null default '',
    updated_by uuid references users (id),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create table peer_groups (
    id uuid primary key default gen_random_uuid(),
    owner_id uuid not null references users (id) on delete cascade,
    name text not null,
    created_at timestamptz not null default now(),
    deleted_at timestamptz
  )`.execute(db);
  await sql`create unique index peer_groups_owner_name on peer_groups (owner_id, name)
    where deleted_at is null`.execute(db);
  await sql`create table peer_group_members (
    group_id uuid not null references peer_groups (id) on delete cascade,
    bank_id text not null references banks (id),
    primary key (group_id, bank_id)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists peer_group_members`.execute(db);
  await sql`drop table if exists peer_groups`.execute(db);
  await sql`drop table if exists lens_targets`.execute(db);
}
