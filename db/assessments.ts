/**
 * Assessments: one per bank and period, scored with a recorded model version. Every change
 * appends a row to `assessment_revisions`, so history is kept.
 */
import type { Kysely, Transaction } from "kysely";
import type { Scope } from "../lib/scope.ts";
import type { Database } from "./schema.ts";
import { inBankScope } from "./scope.ts";

export interface Assessment {
  id: string;
  bankId: string;
  period: string;
  modelId: string;
  modelVersion: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  evidence: Record<string, string>;
  status: "draft" | "submitted";
  revision: number;
  updatedAt: Date;
}

export interface AssessmentInput {
  bankId: string;
  period: string;
  modelId: string;
  modelVersion: string;
  values: Record<string, number>;
  notApplicable?: Record<string, string>;
  evidence?: Record<string, string>;
  status: "draft" | "submitted";
  changedBy: string | null;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Creates or replaces the assessment of a bank and period; records a revision. */
export async function saveAssessment(db: Db, input: AssessmentInput): Promise<Assessment> {
  const now = new Date();
  const row = await db.insertInto("assessments").values({
    bank_id: input.bankId,
    period: input.period,
    model_id: input.modelId,
    model_version: input.modelVersion,
    values: input.values,
    not_applicable: input.notApplicable ?? {},
    evidence: input.evidence ?? {},
    status: input.status,
    created_by: input.changedBy,
    submitted_at: input.status === "submitted" ? now : null,
  }).onConflict((oc) =>
    oc.columns(["bank_id", "period"]).doUpdateSet((eb) => ({
      model_id: eb.ref("excluded.model_id"),
      model_version: eb.ref("excluded.model_version"),
      values: eb.ref("excluded.values"),
      not_applicable: eb.ref("excluded.not_applicable"),
      evidence: eb.ref("excluded.evidence"),
      status: eb.ref("excluded.status"),
      submitted_at: eb.ref("excluded.submitted_at"),
      revision: eb(eb.ref("assessments.revision"), "+", 1),
      updated_at: now,
    }))
  ).returningAll().executeTakeFirstOrThrow();
  await db.insertInto("assessment_revisions").values({
    assessment_id: row.id,
    revision: row.revision,
    bank_id: row.bank_id,
    values: row.values,
    not_applicable: row.not_applicable,
    evidence: row.evidence,
    status: row.status,
    changed_by: input.changedBy,
  }).execute();
  return toAssessment(row);
}

/** The most recent assessment of every bank in scope (by period, newest first per bank). */
export async function latestAssessments(db: Db, scope: Scope): Promise<Assessment[]> {
  const rows = await db.selectFrom("assessments").selectAll()
    .where((eb) => inBankScope(eb, "assessments.bank_id", scope))
    .orderBy("bank_id").orderBy("period", "desc").execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.bank_id) && seen.add(r.bank_id)).map(toAssessment);
}

export async function assessmentsOfBank(
  db: Db,
  scope: Scope,
  bankId: string,
): Promise<Assessment[]> {
  const rows = await db.selectFrom("assessments").selectAll().where("bank_id", "=", bankId)
    .where((eb) => inBankScope(eb, "assessments.bank_id", scope)).orderBy("period").execute();
  return rows.map(toAssessment);
}

function toAssessment(row: {
  id: string;
  bank_id: string;
  period: string;
  model_id: string;
  model_version: string;
  values: Record<string, number>;
  not_applicable: Record<string, string>;
  evidence: Record<string, string>;
  status: "draft" | "submitted";
  revision: number;
  updated_at: Date;
}): Assessment {
  return {
    id: row.id,
    bankId: row.bank_id,
    period: row.period,
    modelId: row.model_id,
    modelVersion: row.model_version,
    values: row.values,
    notApplicable: row.not_applicable,
    evidence: row.evidence,
    status: row.status,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}
