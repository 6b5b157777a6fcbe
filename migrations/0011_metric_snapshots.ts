// Snapshots of the metric library's read-outs (issue 16): each experiment's per-arm sufficient
// statistics of each metric (db/metric_values.ts), with the definition's version and the time they
// were read from the events. Results read a fresh snapshot (db/metric_snapshots.ts) instead of
// scanning millions of events per request; a refresher keeps running experiments fresh. A metric
// added later, or a new version of a definition, has no snapshot yet: it is computed on demand
// from the events already stored. Snapshots are derived data: dropping them loses nothing.
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table metric_snapshots (
    experiment_id uuid not null references experiments (id) on delete cascade,
    bank_id text not null references banks (id),
    metric_key text not null,
    version integer not null,
    stats jsonb not null,
    computed_at timestamptz not null,
    primary key (experiment_id, metric_key, version)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists metric_snapshots`.execute(db);
}
