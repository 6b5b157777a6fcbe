// Failed sign-ins counted in the database, so every app instance sees the same counts: one row
// per (account, client address) with the failures of its current window and the last success
// from that address. Blocks are per pair and per address; the account-wide limit spares the
// addresses the owner signed in from (see plugins/sign_in.ts).
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table login_attempts (
    account text not null,
    address text not null,
    window_start timestamptz not null,
    failures integer not null default 0 check (failures >= 0),
    last_success_at timestamptz,
    primary key (account, address)
  )`.execute(db);
  await sql`create index login_attempts_address on login_attempts (address)`.execute(db);
  await sql`create index login_attempts_window on login_attempts (window_start)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists login_attempts`.execute(db);
}
