// Events are read back per (experiment, unit) when an event arrives, to recompute the unit's
// outcome (db/events.ts). Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index events_experiment_unit_idx on events (experiment_id, unit)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists events_experiment_unit_idx`.execute(db);
}
