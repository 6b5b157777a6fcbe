/**
 * Evidence of assessment values at the edges (issue 19 part 6): the JSON value shapes, the
 * checks that need the caller and the platform's measurements, and what an import keeps.
 */
import type { Context } from "hono";
import { z } from "zod";
import { measuredIndicators } from "../../db/measured_indicators.ts";
import { AppError, badRequest } from "../../lib/errors.ts";
import {
  compactEvidence,
  evidenceIssues,
  sourceOf,
  VALUE_SOURCES,
  type ValueEvidence,
  withMeasuredFigures,
} from "../../lib/lens/evidence.ts";
import { formatNumber } from "../../lib/i18n/mod.ts";
import { indicatorById } from "../../lib/lens/model.ts";
import { VALUE_VERIFIERS } from "../../lib/roles.ts";
import { storableText } from "../../lib/text_schema.ts";
import { nameOf } from "../../components/lens/names.ts";
import type { AppEnv } from "../../plugins/context.ts";
import type { DraftIssue, Reader } from "./_save.ts";

/**
 * A value in a JSON body: a number or null (self-reported, as before), or an object with the
 * value and its `source`, `note` and `link`.
 */
export const valueEntry = z.union([
  z.number().nullable(),
  z.strictObject({
    value: z.number().nullable(),
    source: z.enum(VALUE_SOURCES).optional(),
    note: storableText().optional(),
    link: storableText().optional(),
  }),
]);

type ValueEntry = z.infer<typeof valueEntry>;

/**
 * Splits body values into numbers, notes (a value's `note` wins over `evidence[id]`) and
 * sources with links; null values are missing.
 */
export function splitValues(
  entries: Record<string, ValueEntry>,
  evidence: Record<string, string> = {},
): {
  values: Record<string, number>;
  notes: Record<string, string>;
  valueEvidence: Record<string, ValueEvidence>;
} {
  const values: Record<string, number> = {};
  const notes: Record<string, string> = { ...evidence };
  const valueEvidence: Record<string, ValueEvidence> = {};
  for (const [id, entry] of Object.entries(entries)) {
    const value = typeof entry === "object" && entry !== null ? entry.value : entry;
    if (value !== null) values[id] = value;
    if (typeof entry !== "object" || entry === null) continue;
    if (entry.note !== undefined && entry.note.trim() !== "") notes[id] = entry.note;
    if (entry.source !== undefined || entry.link) {
      valueEvidence[id] = {
        source: entry.source ?? "self_reported",
        ...(entry.link ? { link: entry.link } : {}),
      };
    }
  }
  return { values, notes, valueEvidence };
}

/** The platform's measurements of a bank (in scope), by indicator id. */
export async function measuredFigures(
  c: Context<AppEnv>,
  bankId: string,
): Promise<Record<string, number>> {
  const measured = await measuredIndicators(c.var.db, c.var.scope, bankId);
  return Object.fromEntries(Object.values(measured).map((m) => [m!.indicatorId, m!.value]));
}

/** Whether the caller may mark values verified (`VALUE_VERIFIERS`). */
export function mayVerify(c: Context<AppEnv>): boolean {
  return VALUE_VERIFIERS.includes(c.var.user?.role ?? ("" as never));
}

/**
 * Checks the evidence of values about to be saved for a bank: issues in the reader's language
 * (empty when fine), and the values with measured ones set to the platform's exact figure.
 */
export async function checkEvidence(
  c: Context<AppEnv>,
  bankId: string,
  draft: { values: Record<string, number>; valueEvidence: Record<string, ValueEvidence> },
): Promise<{ values: Record<string, number>; issues: DraftIssue[] }> {
  const wanted = Object.keys(draft.valueEvidence).some((id) =>
    sourceOf(draft.valueEvidence, id) === "measured"
  );
  const measured = wanted ? await measuredFigures(c, bankId) : {};
  const reader = { t: c.var.t, locale: c.var.locale };
  const issues = evidenceIssues(draft.values, draft.valueEvidence, {
    mayVerify: mayVerify(c),
    measured,
  }).map((issue) => localizeEvidence(issue, reader));
  return { values: withMeasuredFigures(draft.values, draft.valueEvidence, measured), issues };
}

/** An evidence issue in the reader's words, naming the indicator. */
export function localizeEvidence(issue: DraftIssue, { t, locale }: Reader): DraftIssue {
  const indicator = indicatorById(issue.indicatorId);
  if (!indicator) return issue;
  const p = issue.params as { measured?: number; value?: number } | undefined;
  const n = (v: number | undefined) => formatNumber(locale, v ?? null);
  const params = { name: nameOf(locale, indicator), measured: n(p?.measured), value: n(p?.value) };
  const code = issue.code as "LINK_NOT_HTTP";
  return { ...issue, message: t(`evidence.err.${code}`, params) };
}

/** The error a JSON endpoint answers for evidence issues: 403 for verifying, else 400. */
export function evidenceError(issues: DraftIssue[]): AppError {
  const message = issues.slice(0, 5).map((i) => i.message).join("; ");
  const forbidden = issues.find((i) => i.code === "VERIFY_FORBIDDEN");
  return forbidden
    ? new AppError(403, "VERIFY_FORBIDDEN", message)
    : badRequest(issues[0].code, message);
}

/**
 * What an imported row stores as notes and evidence: for indicators with evidence columns, the
 * row's; for the others, the stored notes and links, and the stored source only where the value
 * is unchanged (a changed figure is the bank's word again).
 */
export function importedEvidence(
  row: {
    values: Record<string, number>;
    notes: Record<string, string>;
    evidence: Record<string, ValueEvidence>;
    evidenceGiven: string[];
  },
  stored: {
    values: Record<string, number>;
    evidence: Record<string, string>;
    valueEvidence: Record<string, ValueEvidence>;
  } | null,
): { notes: Record<string, string>; valueEvidence: Record<string, ValueEvidence> } {
  const given = new Set(row.evidenceGiven);
  const notes: Record<string, string> = {};
  const valueEvidence: Record<string, ValueEvidence> = {};
  for (const [id, note] of Object.entries(stored?.evidence ?? {})) {
    if (!given.has(id)) notes[id] = note;
  }
  for (const [id, item] of Object.entries(stored?.valueEvidence ?? {})) {
    if (given.has(id)) continue;
    const same = Object.hasOwn(row.values, id) && stored?.values[id] === row.values[id];
    const source = same ? item.source : "self_reported";
    valueEvidence[id] = item.link ? { source, link: item.link } : { source };
  }
  return {
    notes: { ...notes, ...row.notes },
    valueEvidence: compactEvidence({ ...valueEvidence, ...row.evidence }),
  };
}
