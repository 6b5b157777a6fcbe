// The app instances sharing this database and the lease under which each may answer SDK calls
// from memory (db/config_cache.ts): an instance renews its lease every second, and only before
// it has confirmed that it has received every change committed until then. A call whose change
// must hold on every instance once it returns (an opt-out, a consent withdrawal) waits until each
// instance holding a live lease has acknowledged the change, or until that lease has run out.
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table app_instances (
    id text primary key,
    started_at timestamptz not null default now(),
    lease_until timestamptz not null
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists app_instances`.execute(db);
}
