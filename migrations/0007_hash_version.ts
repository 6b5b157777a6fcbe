// The version of the A/B assignment rule each experiment uses (lib/experiments/assignment.ts,
// docs/SDK.md): 1 = plain FNV-1a, 2 = FNV-1a then MurmurHash3's fmix32. Every experiment that
// had started when this runs keeps version 1, so no running experiment's customers change arm; from
// then on a new row gets version 2 unless the insert says otherwise.
// A draft that never started has given nobody an arm, so it moves to version 2 too: started on
// the uneven rule it would raise false sample-ratio alarms on sequential customer ids.
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table experiments
    add column hash_version smallint not null default 1 check (hash_version in (1, 2))`
    .execute(db);
  await sql`update experiments set hash_version = 2 where status = 'draft' and started_at is null`
    .execute(db);
  await sql`alter table experiments alter column hash_version set default 2`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table experiments drop column hash_version`.execute(db);
}
