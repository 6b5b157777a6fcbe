// Exposures may carry the customer's pre-period value of the metric (CUPED covariate).
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table events add column covariate double precision`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table events drop column covariate`.execute(db);
}
