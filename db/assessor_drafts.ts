/**
 * Assessors' own drafts (issue 19 part 7): one per bank, period and assessor, in the shape of an
 * assessment. Reading is scoped by bank like every bank-owned row, so an assessor of one bank
 * never reads another bank's drafts; the reconcile step writes the submitted assessment with
 * `saveAssessment` (db/assessments.ts).
 */
import type { ValueEvidence } from "../lib/lens/evidence.ts";
import type { Scope } from "../lib/scope.ts";
import type { Db } from "./schema.ts";
import { inBankScope } from "./scope.ts";

/** One assessor's draft; `assessor` names the user (email and display name). */
export interface StoredAssessorDraft {
  bankId: string;
  period: string;
  assessorId: string;
  assessorEmail: string;
  assessorName: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  /** Notes by indicator id. */
  evidence: Record<string, string>;
  valueEvidence: Record<string, ValueEvidence>;
  updatedAt: Date;
}

export interface AssessorDraftInput {
  bankId: string;
  period: string;
  assessorId: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  evidence: Record<string, string>;
  valueEvidence: Record<string, ValueEvidence>;
}

/** Creates or replaces the assessor's draft of the bank and period. */
export async function saveAssessorDraft(db: Db, input: AssessorDraftInput): Promise<void> {
  const row = {
    values: input.values,
    not_applicable: input.notApplicable,
    evidence: input.evidence,
    value_evidence: input.valueEvidence,
    updated_at: new Date(),
  };
  await db.insertInto("assessor_drafts").values({
    bank_id: input.bankId,
    period: input.period,
    assessor_id: input.assessorId,
    ...row,
  }).onConflict((oc) => oc.columns(["bank_id", "period", "assessor_id"]).doUpdateSet(row))
    .execute();
}

/** The drafts of a bank and period in scope, by assessor email (empty out of scope). */
export async function assessorDrafts(
  db: Db,
  scope: Scope,
  bankId: string,
  period: string,
): Promise<StoredAssessorDraft[]> {
  const rows = await db.selectFrom("assessor_drafts as d")
    .innerJoin("users as u", "u.id", "d.assessor_id")
    .select([
      "d.bank_id",
      "d.period",
      "d.assessor_id",
      "u.email",
      "u.display_name",
      "d.values",
      "d.not_applicable",
      "d.evidence",
      "d.value_evidence",
      "d.updated_at",
    ])
    .where("d.bank_id", "=", bankId).where("d.period", "=", period)
    .where((eb) => inBankScope(eb, "d.bank_id", scope))
    .orderBy("u.email").execute();
  return rows.map((r) => ({
    bankId: r.bank_id,
    period: r.period,
    assessorId: r.assessor_id,
    assessorEmail: r.email,
    assessorName: r.display_name,
    values: r.values,
    notApplicable: r.not_applicable,
    evidence: r.evidence,
    valueEvidence: r.value_evidence,
    updatedAt: r.updated_at,
  }));
}
