/**
 * Reads the assessment form post (`v:<id>`, `na:<id>`, `naj:<id>`, `e:<id>` the note, `s:<id>`
 * the value's source, `l:<id>` its link, `status`).
 */
import type { FormState } from "../../components/lens/AssessmentForm.tsx";
import type { Assessment } from "../../db/assessments.ts";
import { indicatorById } from "../../lib/lens/model.ts";
import { VALUE_SOURCES, type ValueSource } from "../../lib/lens/evidence.ts";
import { printable } from "../../lib/text.ts";
import {
  type AssessmentDraft,
  type DraftIssue,
  draftIssues,
  localizeIssue,
  type Reader,
} from "./_save.ts";

type Body = Record<string, string | File | (string | File)[]>;

function text(body: Body, key: string): string {
  const value = body[key];
  return typeof value === "string" ? value.trim() : "";
}

/** The state of a stored assessment, as the form shows it. */
export function stateOf(
  a: Pick<Assessment, "values" | "notApplicable" | "evidence"> & {
    valueEvidence?: Assessment["valueEvidence"];
  },
): FormState {
  const given = Object.entries(a.valueEvidence ?? {});
  return {
    values: Object.fromEntries(Object.entries(a.values).map(([k, v]) => [k, String(v)])),
    notApplicable: { ...a.notApplicable },
    evidence: { ...a.evidence },
    sources: Object.fromEntries(given.map(([id, e]) => [id, e.source])),
    links: Object.fromEntries(given.flatMap(([id, e]) => e.link ? [[id, e.link]] : [])),
  };
}

/**
 * Parses a form post into a draft and the typed state, with every issue by indicator: a field
 * naming an unknown indicator (`v:constructor`) is an `UNKNOWN_INDICATOR` issue, and text the
 * database cannot store is refused by `draftIssues` (`INVALID_TEXT`); the page answers 400.
 */
export function readForm(
  body: Body,
  reader?: Reader,
): { draft: AssessmentDraft; state: FormState; issues: DraftIssue[] } {
  const state: FormState = { values: {}, notApplicable: {}, evidence: {}, sources: {}, links: {} };
  const draft: AssessmentDraft = {
    values: {},
    notApplicable: {},
    evidence: {},
    valueEvidence: {},
    status: text(body, "status") === "submitted" ? "submitted" : "draft",
  };
  const issues: DraftIssue[] = [];
  for (const key of Object.keys(body)) {
    const [kind, id] = key.split(":", 2);
    if (!id || !["v", "na", "naj", "e", "s", "l"].includes(kind)) continue;
    if (!indicatorById(id)) {
      issues.push({
        code: "UNKNOWN_INDICATOR",
        indicatorId: printable(id),
        message: `Unknown indicator "${printable(id)}"`,
      });
      continue;
    }
    const value = text(body, key);
    if (kind === "v" && value !== "") {
      state.values[id] = value;
      const number = Number(value);
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value) && Number.isFinite(number)) {
        draft.values[id] = number;
      } else {
        const issue: DraftIssue = {
          code: "NOT_A_NUMBER",
          indicatorId: id,
          message: `"${printable(value)}" is not a number`,
        };
        issues.push(reader ? localizeIssue(issue, reader) : issue);
      }
    }
    if (kind === "na" && value !== "") {
      state.notApplicable[id] = draft.notApplicable[id] = text(body, `naj:${id}`);
    }
    if (kind === "e" && value !== "") state.evidence[id] = draft.evidence[id] = value;
    if (kind === "s" && (VALUE_SOURCES as readonly string[]).includes(value)) {
      state.sources[id] = value as ValueSource;
    }
    if (kind === "l" && value !== "") state.links[id] = value;
  }
  // A source or link of a field left empty says nothing and is dropped, as an empty note is.
  for (const id of new Set([...Object.keys(state.sources), ...Object.keys(state.links)])) {
    if (!Object.hasOwn(draft.values, id) && !state.links[id]) continue;
    const source = Object.hasOwn(draft.values, id)
      ? state.sources[id] ?? "self_reported"
      : "self_reported";
    draft.valueEvidence![id] = state.links[id] ? { source, link: state.links[id] } : { source };
  }
  issues.push(...draftIssues(draft, reader));
  return { draft, state, issues };
}
