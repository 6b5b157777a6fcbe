// Evidence and several assessors of the lens (issue 19, parts 6 and 7).
// - assessments.value_evidence, assessment_revisions.value_evidence: per indicator id the value's
//   source (self_reported | verified | measured) and an optional http(s) link, jsonb
//   {indicatorId: {source, link?}}; absent ids are self-reported. Notes stay in `evidence`.
// - assessor_drafts: one draft per bank, period and assessor (a consultant or an admin), with
//   the same shape as an assessment; the reconcile step writes the bank's submitted assessment
//   from them (audited assessment.reconcile).
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table assessments add column value_evidence jsonb not null default '{}'`
    .execute(db);
  await sql`alter table assessment_revisions
    add column value_evidence jsonb not null default '{}'`.execute(db);
  await sql`create table assessor_drafts (
    bank_id text not null references banks (id),
    period text not null,
    assessor_id uuid not null references users (id) on delete cascade,
    values jsonb not null default '{}',
    not_applicable jsonb not null default '{}',
    evidence jsonb not null default '{}',
    value_evidence jsonb not null default '{}',
    updated_at timestamptz not null default now(),
    primary key (bank_id, period, assessor_id)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists assessor_drafts`.execute(db);
  await sql`alter table assessment_revisions drop column if exists value_evidence`.execute(db);
  await sql`alter table assessments drop column if exists value_evidence`.execute(db);
}
