// Bandits and the closed loop: each experiment's reweighting interval, the arms cut to the floor
// at each reweighting, and the allocation under which each sticky bandit arm was given (so the
// sample-ratio check can run per allocation period).
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table experiments
    add column reweight_minutes integer not null default 15
      check (reweight_minutes between 1 and 10080)`.execute(db);
  await sql`alter table allocations add column cut jsonb not null default '[]'`.execute(db);
  await sql`alter table assignments add column allocation_id bigint`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table assignments drop column allocation_id`.execute(db);
  await sql`alter table allocations drop column cut`.execute(db);
  await sql`alter table experiments drop column reweight_minutes`.execute(db);
}
