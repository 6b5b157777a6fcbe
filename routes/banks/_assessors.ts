/**
 * Several assessors of a bank and period (issue 19 part 7), shared by the pages and the JSON
 * API: who may do what (lib/roles.ts `ASSESSORS`, `ASSESSMENT_RECONCILERS`), saving one's own
 * draft, and reconciling the drafts into the bank's submitted assessment (audited).
 */
import type { Context } from "hono";
import { type Assessment, saveAssessment } from "../../db/assessments.ts";
import {
  assessorDrafts,
  saveAssessorDraft,
  type StoredAssessorDraft,
} from "../../db/assessor_drafts.ts";
import { type Bank, getBank } from "../../db/banks.ts";
import {
  AppError,
  badPeriod,
  badRequest,
  conflict,
  forbidden,
  NO_BANK,
  notFound,
} from "../../lib/errors.ts";
import {
  type AssessorDraft,
  type Choices,
  consensusOf,
  reconcile,
} from "../../lib/lens/consensus.ts";
import { compactEvidence } from "../../lib/lens/evidence.ts";
import { MODEL } from "../../lib/lens/model.ts";
import { isPeriod } from "../../lib/lens/period.ts";
import { ASSESSMENT_RECONCILERS, ASSESSORS, type Role } from "../../lib/roles.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { checkEvidence } from "./_evidence.ts";
import { type AssessmentDraft, type DraftIssue, draftIssues, sourceCounts } from "./_save.ts";

function hasRole(c: Context<AppEnv>, roles: readonly Role[]): boolean {
  const role = c.var.user?.role;
  return role !== undefined && roles.includes(role);
}

export const isAssessor = (c: Context<AppEnv>) => hasRole(c, ASSESSORS);
export const isReconciler = (c: Context<AppEnv>) => hasRole(c, ASSESSMENT_RECONCILERS);

/**
 * The bank (in the caller's scope, else 404) and period (else 404) of a request with `:id` or
 * `:bankId` and `:period`; 403 unless the caller is an assessor or (with `readers`) a reconciler.
 */
export async function assessorTarget(
  c: Context<AppEnv>,
  who: "assessor" | "reader" | "reconciler",
): Promise<{ bank: Bank; period: string }> {
  const bank = await getBank(
    c.var.db,
    c.var.scope,
    c.req.param("id") ?? c.req.param("bankId") ?? "",
  );
  const period = c.req.param("period") ?? "";
  if (!bank) throw notFound("No such bank", NO_BANK);
  if (!isPeriod(period)) {
    throw badRequest("BAD_PERIOD", `Bad period "${period}"`, badPeriod(period));
  }
  const allowed = who === "assessor"
    ? isAssessor(c)
    : who === "reconciler"
    ? isReconciler(c)
    : isAssessor(c) || isReconciler(c);
  if (!allowed) {
    throw forbidden("Your role may not do this with assessors' drafts", {
      key: "error.api.role.drafts",
    });
  }
  return { bank, period };
}

/** A stored draft as lib/lens/consensus.ts takes it. */
export function toDraft(d: StoredAssessorDraft): AssessorDraft {
  return {
    assessorId: d.assessorId,
    values: d.values,
    notApplicable: d.notApplicable,
    notes: d.evidence,
    evidence: d.valueEvidence,
  };
}

/** The drafts of a bank and period with their consensus (every indicator, model order). */
export async function loadConsensus(c: Context<AppEnv>, bankId: string, period: string) {
  const drafts = await assessorDrafts(c.var.db, c.var.scope, bankId, period);
  return { drafts, indicators: consensusOf(drafts.map(toDraft)) };
}

/**
 * Saves the caller's own draft after the checks of an assessment draft (model rules, notes,
 * evidence); returns the issues instead when there are any.
 */
export async function saveMine(
  c: Context<AppEnv>,
  bankId: string,
  period: string,
  draft: AssessmentDraft,
): Promise<DraftIssue[]> {
  const reader = { t: c.var.t, locale: c.var.locale };
  const issues = draftIssues({ ...draft, status: "draft" }, reader);
  const checked = await checkEvidence(c, bankId, {
    values: draft.values,
    valueEvidence: draft.valueEvidence ?? {},
  });
  if (issues.length || checked.issues.length) return [...issues, ...checked.issues];
  await c.var.db.transaction().execute(async (trx) => {
    const valueEvidence = compactEvidence(draft.valueEvidence ?? {});
    await saveAssessorDraft(trx, {
      bankId,
      period,
      assessorId: c.var.user!.id,
      values: checked.values,
      notApplicable: draft.notApplicable,
      evidence: draft.evidence,
      valueEvidence,
    });
    await audit(c, {
      bankId,
      action: "assessment.assessor_draft",
      target: `${bankId}/${period}`,
      details: { values: Object.keys(checked.values).length, ...sourceCounts(valueEvidence) },
    }, trx);
  });
  return [];
}

/**
 * Reconciles the drafts of a bank and period into its submitted assessment (the median of each
 * indicator unless `choices` names an assessor), in one transaction with its audit entry
 * (`assessment.reconcile`: revision, assessors, the choices that were not the median, the
 * indicators in disagreement). 409 `NO_DRAFTS` without drafts; 400 for a bad choice or when
 * the result cannot be submitted (e.g. `CAPABILITY_INSUFFICIENT`), in the reader's language.
 */
export async function reconcileAndSubmit(
  c: Context<AppEnv>,
  bankId: string,
  period: string,
  choices: Choices,
): Promise<Assessment> {
  const { drafts, indicators } = await loadConsensus(c, bankId, period);
  if (drafts.length === 0) {
    throw conflict("NO_DRAFTS", "No assessor has entered a draft yet", {
      key: "error.api.noDrafts",
    });
  }
  const { result, issues } = reconcile(drafts.map(toDraft), choices);
  if (issues.length) {
    throw badRequest(issues[0].code, issues.map((i) => i.message).join("; "), {
      say: (t) =>
        issues.map((i) =>
          i.code === "UNKNOWN_INDICATOR"
            ? t("error.api.unknownIndicator", { id: i.indicatorId })
            : t("error.api.unknownAssessor", {
              id: i.indicatorId,
              assessor: choices[i.indicatorId],
            })
        ).join("; "),
    });
  }
  const draft: AssessmentDraft = {
    values: result.values,
    notApplicable: result.notApplicable,
    evidence: result.notes,
    valueEvidence: result.evidence,
    status: "submitted",
  };
  const refused = draftIssues(draft, { t: c.var.t, locale: c.var.locale });
  if (refused.length) {
    const error = new AppError(
      400,
      refused[0].code,
      refused.slice(0, 5).map((i) => i.message).join("; "),
    );
    throw error;
  }
  return await c.var.db.transaction().execute(async (trx) => {
    const saved = await saveAssessment(trx, {
      bankId,
      period,
      modelId: MODEL.model_id,
      modelVersion: MODEL.version,
      ...draft,
      valueEvidence: compactEvidence(result.evidence),
      changedBy: c.var.user?.id ?? null,
    });
    const picked = Object.entries(result.chosen).filter(([, how]) => how !== "median");
    await audit(c, {
      bankId,
      action: "assessment.reconcile",
      target: `${bankId}/${period}`,
      details: {
        revision: saved.revision,
        assessors: drafts.map((d) => d.assessorEmail),
        chosen: Object.fromEntries(
          picked.map(([id, who]) => [id, drafts.find((d) => d.assessorId === who)?.assessorEmail]),
        ),
        disagreements: indicators.filter((i) => i.disagree).map((i) => i.id),
      },
    }, trx);
    return saved;
  });
}
