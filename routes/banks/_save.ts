/** Saving and importing assessments, shared by the form pages and the JSON API. */
import type { Context } from "hono";
import { type Assessment, getAssessment, saveAssessment } from "../../db/assessments.ts";
import { listBanks } from "../../db/banks.ts";
import { type CsvError, parseAssessmentCsv } from "../../lib/lens/csv.ts";
import { nameOf } from "../../components/lens/names.ts";
import { unitLabel } from "../../lib/i18n/unit_messages.ts";
import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import type { LensInputIssue } from "../../lib/lens/input.ts";
import { capabilityById, indicatorById, MODEL } from "../../lib/lens/model.ts";
import { describeTextProblem, printable, textProblem } from "../../lib/text.ts";
import { validateLensInput } from "../../lib/lens/scoring.ts";
import { inScope } from "../../lib/scope.ts";
import { audit } from "../../plugins/audit.ts";
import { compactEvidence, evidenceIssues, type ValueEvidence } from "../../lib/lens/evidence.ts";
import { importedEvidence, localizeEvidence, mayVerify, measuredFigures } from "./_evidence.ts";
import type { AppEnv, SessionUser } from "../../plugins/context.ts";

export const MAX_EVIDENCE_CHARS = 2000;

export interface AssessmentDraft {
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  evidence: Record<string, string>;
  /** Each value's source and link (absent: self-reported; routes/banks/_evidence.ts checks). */
  valueEvidence?: Record<string, ValueEvidence>;
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
  capabilityId?: string;
  params?: LensInputIssue["params"];
}

/** The reader's language, for messages that name indicators and capabilities by their labels. */
export interface Reader {
  t: Translate;
  locale: Locale;
}

/**
 * A lens input issue said in the reader's language with the indicator's (or capability's) name
 * and unit; issues without a translation keep their message.
 */
export function localizeIssue<T extends DraftIssue>(issue: T, { t, locale }: Reader): T {
  const indicator = indicatorById(issue.indicatorId);
  const p = issue.params;
  if (!indicator) return { ...issue, message: t("lens.err.unknown", { name: issue.indicatorId }) };
  const name = nameOf(locale, indicator);
  const plain = issue.code === "NA_CRITICAL"
    ? t("lens.err.naCritical", { name })
    : issue.code === "NA_NOT_ALLOWED"
    ? t("lens.err.naNotAllowed", { name })
    : issue.code === "NA_JUSTIFICATION_EMPTY"
    ? t("lens.err.naJustification", { name })
    : issue.code === "VALUE_AND_NA"
    ? t("lens.err.valueAndNa", { name })
    : issue.code === "INVALID_TEXT"
    ? t("lens.err.evidenceText", { name })
    : issue.code === "EVIDENCE_TOO_LONG"
    ? t("lens.err.evidenceLong", { name })
    : issue.code === "VALUE_NOT_NUMBER" || issue.code === "NOT_A_NUMBER"
    ? t("lens.err.notNumber", { name, value: p?.value ?? issue.message.match(/"(.*)"/)?.[1] ?? "" })
    : null;
  if (plain !== null) return { ...issue, message: plain };
  if (!p) return issue;
  const n = (v: number | null | undefined) => formatNumber(locale, v ?? null);
  const unit = indicator.type === "metric" ? unitLabel(t, indicator.unit) : "1–5";
  const base = { name: nameOf(locale, indicator), unit, value: n(p.value), min: n(p.min) };
  const separator = locale === "zh-CN" ? "、" : ", ";
  const message = issue.code === "CAPABILITY_INSUFFICIENT"
    ? t("lens.err.insufficient", {
      name: nameOf(locale, capabilityById(issue.capabilityId ?? "")),
      missing: (p.missing ?? []).map((id) => nameOf(locale, indicatorById(id))).join(separator),
    })
    : issue.code === "MATURITY_OUT_OF_RANGE"
    ? t("lens.err.maturity", base)
    : issue.code === "VALUE_NOT_INTEGER"
    ? t("lens.err.integer", base)
    : issue.code === "VALUE_NEGATIVE" || issue.code === "VALUE_OUT_OF_RANGE"
    ? (p.max === null || p.max === undefined
      ? t("lens.err.min", base)
      : t("lens.err.range", { ...base, max: n(p.max) }))
    : issue.message;
  return { ...issue, message };
}

/**
 * Every problem with a draft: the lens input rules (a submission must leave no capability
 * insufficient), then evidence notes (known ids, text the database can store, length); the
 * lens rules' problems in the reader's language when given.
 */
export function draftIssues(draft: AssessmentDraft, reader?: Reader): DraftIssue[] {
  const issues: DraftIssue[] = validateLensInput(draft, { submit: draft.status === "submitted" })
    .map((issue) => reader ? localizeIssue(issue, reader) : issue);
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
  // The rules' issues are said already; the evidence issues after them are said here.
  const ruled = validateLensInput(draft, { submit: draft.status === "submitted" }).length;
  return reader
    ? issues.map((issue, i) => i < ruled ? issue : localizeIssue(issue, reader))
    : issues;
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
      valueEvidence: compactEvidence(draft.valueEvidence ?? {}),
      changedBy: c.var.user?.id ?? null,
    });
    await audit(c, {
      bankId,
      action: draft.status === "submitted" ? "assessment.submit" : "assessment.save",
      target: `${bankId}/${period}`,
      details: {
        revision: saved.revision,
        values: Object.keys(draft.values).length,
        ...sourceCounts(saved.valueEvidence),
      },
    }, trx);
    return saved;
  });
}

/**
 * Imports a CSV all-or-nothing: every row is checked first (format, model rules, banks that
 * exist and are in the caller's scope: others are reported as unknown), then all rows are
 * saved in one transaction. Evidence columns (`<id>:source`, `:note`, `:link`) are checked like
 * the form's (who may verify, the platform's measurements); for indicators without them the
 * stored notes and links are kept, and the stored source where the value is unchanged.
 */
export async function importCsv(
  c: Context<AppEnv>,
  text: string,
  status: "draft" | "submitted",
): Promise<
  { imported: { bankId: string; period: string; revision: number }[] } | { errors: CsvError[] }
> {
  return await importRows(c, parseAssessmentCsv(text, { submit: status === "submitted" }), status);
}

/** As `importCsv`, for rows parsed from another encoding (a workbook: lib/lens/xlsx.ts). */
export async function importRows(
  c: Context<AppEnv>,
  { rows, errors }: ReturnType<typeof parseAssessmentCsv>,
  status: "draft" | "submitted",
): Promise<
  { imported: { bankId: string; period: string; revision: number }[] } | { errors: CsvError[] }
> {
  const reader = { t: c.var.t, locale: c.var.locale };
  errors.forEach(({ issue, ...error }, i) => {
    errors[i] = issue ? { ...error, message: localizeIssue(issue, reader).message } : error;
  });
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
  await importEvidenceErrors(c, rows, errors);
  if (errors.length) return { errors: errors.sort((a, b) => a.line - b.line) };
  const imported = await c.var.db.transaction().execute(async (trx) => {
    const done = [];
    for (const row of rows) {
      const stored = await getAssessment(trx, c.var.scope, row.bankId, row.period);
      const { notes, valueEvidence } = importedEvidence(row, stored);
      const saved = await saveAssessment(trx, {
        bankId: row.bankId,
        period: row.period,
        modelId: MODEL.model_id,
        modelVersion: MODEL.version,
        values: row.values,
        notApplicable: row.notApplicable,
        evidence: notes,
        valueEvidence,
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

/** How many values of each checked source an assessment holds, for the audit log. */
export function sourceCounts(evidence: Record<string, ValueEvidence>) {
  const all = Object.values(evidence);
  return {
    verified: all.filter((e) => e.source === "verified").length,
    measured: all.filter((e) => e.source === "measured").length,
  };
}

/**
 * Adds the evidence problems of imported rows to `errors` (column `<id>:source` or `<id>:link`)
 * and sets measured values to the platform's exact figures.
 */
async function importEvidenceErrors(
  c: Context<AppEnv>,
  rows: ReturnType<typeof parseAssessmentCsv>["rows"],
  errors: CsvError[],
): Promise<void> {
  const measured = new Map<string, Record<string, number>>();
  const reader = { t: c.var.t, locale: c.var.locale };
  for (const row of rows) {
    const wanted = Object.values(row.evidence).some((e) => e.source === "measured");
    if (wanted && !measured.has(row.bankId) && inScope(c.var.scope, row.bankId)) {
      measured.set(row.bankId, await measuredFigures(c, row.bankId));
    }
    const figures = measured.get(row.bankId) ?? {};
    const issues = evidenceIssues(row.values, row.evidence, {
      mayVerify: mayVerify(c),
      measured: figures,
    });
    for (const issue of issues) {
      const column = `${issue.indicatorId}:${issue.code.startsWith("LINK") ? "link" : "source"}`;
      errors.push({
        line: row.line,
        column,
        code: issue.code,
        message: localizeEvidence(issue, reader).message,
      });
    }
    for (const [id, e] of Object.entries(row.evidence)) {
      if (e.source === "measured" && Object.hasOwn(figures, id)) row.values[id] = figures[id];
    }
  }
}
