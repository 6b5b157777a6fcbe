// Customers whose stored events hold no exposure yet (conversions that arrived first). Event
// ingestion folds each customer's new events into their stored outcome without reading their
// history back, except for these customers (and when the first exposure moves earlier), so it
// must know them: a row here while such a customer has events but no outcome.
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table unit_pending (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    unit text not null,
    primary key (experiment_id, unit)
  )`.execute(db);
  await sql`insert into unit_pending (experiment_id, bank_id, unit)
    select distinct e.experiment_id, e.bank_id, e.unit from events e
    where not exists (
      select 1 from unit_outcomes o where o.experiment_id = e.experiment_id and o.unit = e.unit
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists unit_pending`.execute(db);
}
