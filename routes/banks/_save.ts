/** Saving and importing assessments, shared by the form pages and the JSON API. */
import type { Context } from "hono";
import { type Assessment, evidenceOf, saveAssessment } from "../../db/assessments.ts";
import { listBanks } from "../../db/banks.ts";
import { type CsvError, parseAssessmentCsv } from "../../lib/lens/csv.ts";
import { indicatorById, MODEL } from "../../lib/lens/model.ts";
import { describeTextProblem, printable, textProblem } from "../../lib/text.ts";
import { validateLensInput } from "../../lib/lens/scoring.ts";
import { inScope } from "../../lib/scope.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv, SessionUser } from "../../plugins/context.ts";

export const MAX_EVIDENCE_CHARS = 2000;

export interface AssessmentDraft {
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  evidence: Record<string, string>;
  status: "draft" | "submitted";
}

/** Consultants (of their assigned banks) and admins enter assessments; others only read. */
export function canEditAssessments(user: SessionUser | null): boolean {
  return user?.role === "consultant" || user?.role === "admin";
}

/** A problem with a draft, naming the indicator (lens input codes or `EVIDENCE_*`). */
export interface DraftIssue {
  code: string;
  indicatorId: string;
  message: string;
}

/**
 * Every problem with a draft: the lens input rules, then evidence notes (known ids, text the
 * database can store, length).
 */
export function draftIssues(draft: AssessmentDraft): DraftIssue[] {
  const issues: DraftIssue[] = validateLensInput(draft);
  for (const [id, note] of Object.entries(draft.evidence)) {
    const problem = textProblem(note);
    if (!indicatorById(id)) {
      issues.push({
        code: "UNKNOWN_INDICATOR",
        indicatorId: printable(id),
        message: `Unknown indicator "${printable(id)}"`,
      });
    } else if (problem) {
      issues.push({
        code: "INVALID_TEXT",
        indicatorId: id,
        message: `Indicator "${id}": the evidence note ${describeTextProblem(problem)}`,
      });
    } else if (note.length > MAX_EVIDENCE_CHARS) {
      issues.push({
        code: "EVIDENCE_TOO_LONG",
        indicatorId: id,
        message: `Indicator "${id}": evidence note longer than ${MAX_EVIDENCE_CHARS} characters`,
      });
    }
  }
  return issues;
}

/** Saves a checked draft with the current model version and audits it, in one transaction. */
export async function saveDraft(
  c: Context<AppEnv>,
  bankId: string,
  period: string,
  draft: AssessmentDraft,
): Promise<Assessment> {
  return await c.var.db.transaction().execute(async (trx) => {
    const saved = await saveAssessment(trx, {
      bankId,
      period,
      modelId: MODEL.model_id,
      modelVersion: MODEL.version,
      ...draft,
      changedBy: c.var.user?.id ?? null,
    });
    await audit(c, {
      bankId,
      action: draft.status === "submitted" ? "assessment.submit" : "assessment.save",
      target: `${bankId}/${period}`,
      details: { revision: saved.revision, values: Object.keys(draft.values).length },
    }, trx);
    return saved;
  });
}

/**
 * Imports a CSV all-or-nothing: every row is checked first (format, model rules, banks that
 * exist and are in the caller's scope: others are reported as unknown), then all rows are
 * saved in one transaction. Existing evidence notes of a bank and period are kept.
 */
export async function importCsv(
  c: Context<AppEnv>,
  text: string,
  status: "draft" | "submitted",
): Promise<
  { imported: { bankId: string; period: string; revision: number }[] } | { errors: CsvError[] }
> {
  const { rows, errors } = parseAssessmentCsv(text);
  const known = new Set((await listBanks(c.var.db)).map((b) => b.id));
  for (const row of rows) {
    if (!known.has(row.bankId) || !inScope(c.var.scope, row.bankId)) {
      errors.push({
        line: row.line,
        column: "bank_id",
        code: "UNKNOWN_BANK",
        message: `No bank "${row.bankId}" you may edit`,
      });
    }
  }
  if (errors.length) return { errors: errors.sort((a, b) => a.line - b.line) };
  const imported = await c.var.db.transaction().execute(async (trx) => {
    const done = [];
    for (const row of rows) {
      const saved = await saveAssessment(trx, {
        bankId: row.bankId,
        period: row.period,
        modelId: MODEL.model_id,
        modelVersion: MODEL.version,
        values: row.values,
        notApplicable: row.notApplicable,
        evidence: await evidenceOf(trx, row.bankId, row.period),
        status,
        changedBy: c.var.user?.id ?? null,
      });
      done.push({ bankId: saved.bankId, period: saved.period, revision: saved.revision });
      await audit(c, {
        bankId: row.bankId,
        action: "assessment.import",
        target: `${row.bankId}/${row.period}`,
        details: { revision: saved.revision, line: row.line, status, rows: rows.length },
      }, trx);
    }
    return done;
  });
  return { imported };
}
