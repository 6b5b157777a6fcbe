/**
 * Several assessors for one bank and period (issue 19 part 7): each enters a draft of their
 * own; the consensus shows, per indicator, the median of the assessors' values and flags the
 * indicators where they disagree by more than one level; reconciling turns chosen values (the
 * median by default) into the bank's submitted assessment. Pure.
 *
 * - Level of a value: the level band (model `levels`, rule 6) of the value's indicator score
 *   (rule 1), so a maturity level L is level L ((L − 1) × 25 falls in band L) and a metric's
 *   level follows its normalisation band, lower-is-better ones included.
 * - `disagree`: the highest and the lowest level among the assessors' values differ by more
 *   than 1 (levels 2 and 4 disagree; 2 and 3 do not).
 * - `median`: of the values given (N/A and missing left out); with an even count the mean of
 *   the two middle values (`quantile7(…, 0.5)`, R's `median`).
 * - `proposed`: the median, except for maturity indicators, whose value must be a whole level:
 *   the median rounded down (levels 2 and 3 propose 2; a conservative choice, never claiming a
 *   level no majority reached). With no values but some N/A, the indicator is proposed N/A with
 *   the first assessor's justification.
 * - Evidence of a reconciled value: that of the assessors it rests on (the chosen assessor; for
 *   the median those whose value equals it, else the two middle ones). Their source when they
 *   all agree, otherwise `self_reported`; their distinct notes joined (cut at `MAX_NOTE_CHARS`);
 *   the first link.
 */
import { indicatorScore } from "./rules.ts";
import { type Indicator, indicatorById, INDICATORS, levelOf } from "./model.ts";
import { quantile7 } from "./peers.ts";
import { MAX_NOTE_CHARS, sourceOf, type ValueEvidence } from "./evidence.ts";

/** One assessor's draft. */
export interface AssessorDraft {
  assessorId: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  /** Notes by indicator id. */
  notes: Record<string, string>;
  evidence: Record<string, ValueEvidence>;
}

/** One assessor's entry for an indicator: a value with its level, N/A, or nothing. */
export interface ConsensusEntry {
  assessorId: string;
  value: number | null;
  level: number | null;
  notApplicable: boolean;
}

export interface IndicatorConsensus {
  id: string;
  entries: ConsensusEntry[];
  median: number | null;
  proposed: number | null;
  proposedNotApplicable: boolean;
  /** Lowest and highest level among the values; null without values. */
  levels: { min: number; max: number } | null;
  disagree: boolean;
}

/** The level (1–5) a value of the indicator reaches. */
export function valueLevel(indicator: Indicator, value: number): number {
  return levelOf(indicatorScore(indicator, value));
}

/** Median of the values (mean of the two middle ones for an even count), null when none. */
export function medianOf(values: readonly number[]): number | null {
  return values.length ? quantile7(values, 0.5) : null;
}

/** The consensus of every indicator of the model, in model order. */
export function consensusOf(drafts: readonly AssessorDraft[]): IndicatorConsensus[] {
  return INDICATORS.map((indicator) => indicatorConsensus(indicator, drafts));
}

function indicatorConsensus(
  indicator: Indicator,
  drafts: readonly AssessorDraft[],
): IndicatorConsensus {
  const id = indicator.id;
  const entries = drafts.map((d): ConsensusEntry => {
    const value = Object.hasOwn(d.values, id) ? d.values[id] : null;
    return {
      assessorId: d.assessorId,
      value,
      level: value === null ? null : valueLevel(indicator, value),
      notApplicable: value === null && Object.hasOwn(d.notApplicable, id),
    };
  });
  const values = entries.flatMap((e) => e.value === null ? [] : [e.value]);
  const levels = entries.flatMap((e) => e.level === null ? [] : [e.level]);
  const median = medianOf(values);
  const proposed = median === null
    ? null
    : indicator.type === "maturity"
    ? Math.floor(median)
    : median;
  const range = levels.length ? { min: Math.min(...levels), max: Math.max(...levels) } : null;
  return {
    id,
    entries,
    median,
    proposed,
    proposedNotApplicable: values.length === 0 && entries.some((e) => e.notApplicable),
    levels: range,
    disagree: range !== null && range.max - range.min > 1,
  };
}

/** Per indicator: `"median"` (the default) or the id of the assessor whose entry to take. */
export type Choices = Record<string, string>;

export type ReconcileIssueCode = "UNKNOWN_INDICATOR" | "UNKNOWN_ASSESSOR";

export interface ReconcileIssue {
  code: ReconcileIssueCode;
  indicatorId: string;
  message: string;
}

/** The assessment reconciling produces (to be checked by `validateLensInput` and submitted). */
export interface Reconciled {
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  notes: Record<string, string>;
  evidence: Record<string, ValueEvidence>;
  /** Per indicator with a value or N/A: `"median"` or the assessor taken. */
  chosen: Record<string, string>;
}

/**
 * The assessment from the chosen entries (see the module comment for the median and the
 * evidence it carries). Choices naming an unknown indicator or an assessor without a draft
 * are issues; an assessor's entry that is empty leaves the indicator missing.
 */
export function reconcile(
  drafts: readonly AssessorDraft[],
  choices: Choices = {},
): { result: Reconciled; issues: ReconcileIssue[] } {
  const issues: ReconcileIssue[] = [];
  const byId = new Map(drafts.map((d) => [d.assessorId, d]));
  for (const [id, choice] of Object.entries(choices)) {
    if (!indicatorById(id)) {
      issues.push({
        code: "UNKNOWN_INDICATOR",
        indicatorId: id,
        message: `Unknown indicator "${id}"`,
      });
    } else if (choice !== "median" && !byId.has(choice)) {
      issues.push({
        code: "UNKNOWN_ASSESSOR",
        indicatorId: id,
        message: `Indicator "${id}": no draft of assessor "${choice}"`,
      });
    }
  }
  const result: Reconciled = { values: {}, notApplicable: {}, notes: {}, evidence: {}, chosen: {} };
  if (issues.length) return { result, issues };
  for (const c of consensusOf(drafts)) {
    const choice = Object.hasOwn(choices, c.id) ? choices[c.id] : "median";
    let basis: AssessorDraft[];
    if (choice !== "median") {
      const draft = byId.get(choice)!;
      basis = [draft];
      if (Object.hasOwn(draft.values, c.id)) result.values[c.id] = draft.values[c.id];
      else if (Object.hasOwn(draft.notApplicable, c.id)) {
        result.notApplicable[c.id] = draft.notApplicable[c.id];
      } else continue;
    } else if (c.proposed !== null) {
      result.values[c.id] = c.proposed;
      basis = medianBasis(c, byId);
    } else if (c.proposedNotApplicable) {
      const first = c.entries.find((e) => e.notApplicable)!;
      basis = [byId.get(first.assessorId)!];
      result.notApplicable[c.id] = basis[0].notApplicable[c.id];
    } else continue;
    result.chosen[c.id] = choice;
    carryEvidence(c.id, basis, result, Object.hasOwn(result.values, c.id));
  }
  return { result, issues };
}

/** The assessors a median rests on: those whose value equals it, else the middle one(s). */
function medianBasis(c: IndicatorConsensus, byId: Map<string, AssessorDraft>): AssessorDraft[] {
  const withValues = c.entries.filter((e) => e.value !== null)
    .sort((a, b) => (a.value as number) - (b.value as number));
  const equal = withValues.filter((e) => e.value === c.proposed);
  const n = withValues.length;
  const middle = n % 2 ? [withValues[(n - 1) / 2]] : [withValues[n / 2 - 1], withValues[n / 2]];
  return (equal.length ? equal : middle).map((e) => byId.get(e.assessorId)!);
}

function carryEvidence(
  id: string,
  basis: AssessorDraft[],
  result: Reconciled,
  hasValue: boolean,
): void {
  const notes = [...new Set(basis.flatMap((d) => d.notes[id]?.trim() ? [d.notes[id].trim()] : []))];
  if (notes.length) result.notes[id] = notes.join("\n").slice(0, MAX_NOTE_CHARS);
  const sources = new Set(basis.map((d) => sourceOf(d.evidence, id)));
  const source = hasValue && sources.size === 1 ? [...sources][0] : "self_reported";
  const link = basis.map((d) => d.evidence[id]?.link).find((l) => l);
  if (source !== "self_reported" || link) {
    result.evidence[id] = link ? { source, link } : { source };
  }
}
