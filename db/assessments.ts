/**
 * Assessments: one per bank and period, scored with a recorded model version. Every change
 * appends a row to `assessment_revisions`, so history is kept.
 */
import type { ValueEvidence } from "../lib/lens/evidence.ts";
import { comparePeriods } from "../lib/lens/period.ts";
import type { Scope } from "../lib/scope.ts";
import type { Db } from "./schema.ts";
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
  /** Per indicator: the value's source and link (absent: self-reported; lib/lens/evidence.ts). */
  valueEvidence: Record<string, ValueEvidence>;
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
  valueEvidence?: Record<string, ValueEvidence>;
  status: "draft" | "submitted";
  changedBy: string | null;
}

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
    value_evidence: input.valueEvidence ?? {},
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
      value_evidence: eb.ref("excluded.value_evidence"),
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
    value_evidence: row.value_evidence,
    status: row.status,
    changed_by: input.changedBy,
  }).execute();
  return toAssessment(row);
}

/** Newest period first within each bank (periods compare by `comparePeriods`, not as text). */
function newestFirst<T extends { bank_id: string; period: string }>(rows: T[]): T[] {
  return rows.sort((a, b) =>
    a.bank_id.localeCompare(b.bank_id) || comparePeriods(b.period, a.period)
  );
}

/** The most recent assessment of every bank in scope (by period, newest first per bank). */
export async function latestAssessments(db: Db, scope: Scope): Promise<Assessment[]> {
  const rows = await db.selectFrom("assessments").selectAll()
    .where((eb) => inBankScope(eb, "assessments.bank_id", scope)).execute();
  const seen = new Set<string>();
  return newestFirst(rows).filter((r) => !seen.has(r.bank_id) && seen.add(r.bank_id))
    .map(toAssessment);
}

export async function assessmentsOfBank(
  db: Db,
  scope: Scope,
  bankId: string,
): Promise<Assessment[]> {
  const rows = await db.selectFrom("assessments").selectAll().where("bank_id", "=", bankId)
    .where((eb) => inBankScope(eb, "assessments.bank_id", scope)).execute();
  return rows.sort((a, b) => comparePeriods(a.period, b.period)).map(toAssessment);
}

/** The assessment of a bank and period, or null when there is none or the bank is out of scope. */
export async function getAssessment(
  db: Db,
  scope: Scope,
  bankId: string,
  period: string,
): Promise<Assessment | null> {
  const row = await db.selectFrom("assessments").selectAll().where("bank_id", "=", bankId)
    .where("period", "=", period).where((eb) => inBankScope(eb, "assessments.bank_id", scope))
    .executeTakeFirst();
  return row ? toAssessment(row) : null;
}

/** Every assessment in scope, by bank then period; optionally of one period. */
export async function listAssessments(
  db: Db,
  scope: Scope,
  filter: { period?: string } = {},
): Promise<Assessment[]> {
  let query = db.selectFrom("assessments").selectAll()
    .where((eb) => inBankScope(eb, "assessments.bank_id", scope));
  if (filter.period) query = query.where("period", "=", filter.period);
  const rows = await query.execute();
  return rows.sort((a, b) =>
    a.bank_id.localeCompare(b.bank_id) || comparePeriods(a.period, b.period)
  ).map(toAssessment);
}

/** The evidence notes stored for a bank and period ({} when none); callers check scope. */
export async function evidenceOf(
  db: Db,
  bankId: string,
  period: string,
): Promise<Record<string, string>> {
  const row = await db.selectFrom("assessments").select("evidence").where("bank_id", "=", bankId)
    .where("period", "=", period).executeTakeFirst();
  return row?.evidence ?? {};
}

/** One stored revision of an assessment; `changedBy` is the user's email when known. */
export interface AssessmentRevision {
  revision: number;
  status: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  evidence: Record<string, string>;
  valueEvidence: Record<string, ValueEvidence>;
  changedBy: string | null;
  changedAt: Date;
}

/** The revisions of a bank's assessment of a period, newest first (empty out of scope). */
export async function listRevisions(
  db: Db,
  scope: Scope,
  bankId: string,
  period: string,
): Promise<AssessmentRevision[]> {
  const rows = await db.selectFrom("assessment_revisions as r")
    .innerJoin("assessments as a", "a.id", "r.assessment_id")
    .leftJoin("users as u", "u.id", "r.changed_by")
    .select([
      "r.revision",
      "r.status",
      "r.values",
      "r.not_applicable",
      "r.evidence",
      "r.value_evidence",
      "r.changed_at",
      "u.email",
    ])
    .where("a.bank_id", "=", bankId).where("a.period", "=", period)
    .where((eb) => inBankScope(eb, "a.bank_id", scope))
    .orderBy("r.revision", "desc").execute();
  return rows.map((r) => ({
    revision: r.revision,
    status: r.status,
    values: r.values,
    notApplicable: r.not_applicable,
    evidence: r.evidence,
    valueEvidence: r.value_evidence,
    changedBy: r.email,
    changedAt: r.changed_at,
  }));
}

/** A bank's latest submitted figures with its peer group, for aggregates only. */
export interface PeerInput {
  bankId: string;
  peerGroup: string;
  period: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
}

/**
 * The latest submitted assessment of EVERY bank, unscoped on purpose: it feeds only the peer
 * aggregates of `lib/lens/peers.ts` (k-min, no min/max), never a page or export row naming a
 * bank outside the viewer's scope. Drafts are left out.
 */
export async function peerInputs(db: Db): Promise<PeerInput[]> {
  const rows = await db.selectFrom("assessments as a").innerJoin("banks as b", "b.id", "a.bank_id")
    .select(["a.bank_id", "b.peer_group", "a.period", "a.values", "a.not_applicable"])
    .where("a.status", "=", "submitted").execute();
  const seen = new Set<string>();
  return newestFirst(rows).filter((r) => !seen.has(r.bank_id) && seen.add(r.bank_id)).map((r) => ({
    bankId: r.bank_id,
    peerGroup: r.peer_group,
    period: r.period,
    values: r.values,
    notApplicable: r.not_applicable,
  }));
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
  value_evidence: Record<string, ValueEvidence>;
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
    valueEvidence: row.value_evidence,
    status: row.status,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}
