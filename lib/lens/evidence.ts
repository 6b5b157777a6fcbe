/**
 * Evidence behind an assessment's values (issue 19 part 6). Pure.
 *
 * Every value has a source:
 * - `self_reported`: the bank's word (the default: a value stored without a source is this);
 * - `verified`: a consultant (or an admin) checked it against evidence (`mayVerify`);
 * - `measured`: the platform measured it itself (`db/measured_indicators.ts`); only where the
 *   platform has a measurement, and only its figure.
 *
 * A value may also carry a note (stored as the assessment's evidence note) and a link to the
 * evidence: an absolute `http:` or `https:` URL of at most 2,000 characters.
 *
 * How much of a score rests on checked values (`confidenceShares`): each scored indicator's
 * share of the overall score's weight is the product of its renormalised weights down the tree
 * (indicator within its capability, capability within its dimension, dimension within the
 * overall), exactly as the scoring rules weigh it; the shares of the scored indicators add up
 * to 1. The verified share is the sum over verified indicators, the measured share over
 * measured ones.
 */
import type { LensScore } from "./scoring.ts";
import { capabilityById, indicatorById, MODEL } from "./model.ts";

export const VALUE_SOURCES = ["self_reported", "verified", "measured"] as const;
export type ValueSource = typeof VALUE_SOURCES[number];

/** Longest link accepted. */
export const MAX_LINK_CHARS = 2000;

/** Where a value came from; stored by indicator id (`self_reported` with no link may be omitted). */
export interface ValueEvidence {
  source: ValueSource;
  link?: string;
}

export type EvidenceIssueCode =
  | "LINK_NOT_HTTP"
  | "LINK_INVALID"
  | "LINK_TOO_LONG"
  | "SOURCE_WITHOUT_VALUE"
  | "VERIFY_FORBIDDEN"
  | "MEASURED_NOT_AVAILABLE"
  | "MEASURED_MISMATCH";

/** One problem with a value's evidence; `message` is English, `params` for translations. */
export interface EvidenceIssue {
  code: EvidenceIssueCode;
  indicatorId: string;
  message: string;
  params?: { measured?: number; value?: number };
}

/** The source of a stored value: `self_reported` unless recorded otherwise. */
export function sourceOf(
  evidence: Readonly<Record<string, ValueEvidence>> | undefined,
  id: string,
): ValueSource {
  const source = evidence && Object.hasOwn(evidence, id) ? evidence[id]?.source : undefined;
  return (VALUE_SOURCES as readonly string[]).includes(source as string)
    ? source as ValueSource
    : "self_reported";
}

/** Why a link is refused, or null: absolute http(s) URLs only, at most `MAX_LINK_CHARS`. */
export function linkProblem(
  link: string,
): "LINK_NOT_HTTP" | "LINK_INVALID" | "LINK_TOO_LONG" | null {
  if (link.length > MAX_LINK_CHARS) return "LINK_TOO_LONG";
  if (!URL.canParse(link) || /\s/.test(link)) {
    return /^[a-z][a-z0-9+.-]*:/i.test(link) && !/^https?:/i.test(link)
      ? "LINK_NOT_HTTP"
      : "LINK_INVALID";
  }
  const url = new URL(link);
  if (url.protocol !== "http:" && url.protocol !== "https:") return "LINK_NOT_HTTP";
  if (!url.hostname) return "LINK_INVALID";
  return null;
}

/** Tolerance between a value sent as `measured` and the platform's figure (display rounding). */
export const MEASURED_TOLERANCE = 0.01;

/**
 * Every problem with the evidence of a set of values: links (http/https only), sources on
 * indicators with no value, `verified` from a caller who may not verify, `measured` where the
 * platform has no measurement or another figure (within `MEASURED_TOLERANCE`).
 */
export function evidenceIssues(
  values: Readonly<Record<string, number>>,
  evidence: Readonly<Record<string, ValueEvidence>>,
  context: { mayVerify: boolean; measured: Readonly<Record<string, number>> },
): EvidenceIssue[] {
  const issues: EvidenceIssue[] = [];
  for (const [id, item] of Object.entries(evidence)) {
    const say = (code: EvidenceIssueCode, message: string, params?: EvidenceIssue["params"]) =>
      issues.push({ code, indicatorId: id, message: `Indicator "${id}": ${message}`, params });
    if (item.link !== undefined) {
      const problem = linkProblem(item.link);
      if (problem === "LINK_NOT_HTTP") say(problem, "the link must start with http:// or https://");
      if (problem === "LINK_INVALID") say(problem, "the link is not a valid URL");
      if (problem === "LINK_TOO_LONG") {
        say(problem, `the link is over ${MAX_LINK_CHARS} characters`);
      }
    }
    if (item.source === "self_reported") continue;
    if (!Object.hasOwn(values, id)) {
      say("SOURCE_WITHOUT_VALUE", `"${item.source}" needs a value`);
    } else if (item.source === "verified" && !context.mayVerify) {
      say("VERIFY_FORBIDDEN", "only a consultant or an admin may mark a value verified");
    } else if (item.source === "measured") {
      const measured = Object.hasOwn(context.measured, id) ? context.measured[id] : undefined;
      if (measured === undefined) {
        say("MEASURED_NOT_AVAILABLE", "the platform has no measurement of this indicator");
      } else if (Math.abs(values[id] - measured) > MEASURED_TOLERANCE) {
        say("MEASURED_MISMATCH", `the platform measured ${measured}, not ${values[id]}`, {
          measured,
          value: values[id],
        });
      }
    }
  }
  return issues;
}

/**
 * The values with each `measured` one replaced by the platform's exact figure (the client may
 * send it rounded); call after `evidenceIssues` found nothing.
 */
export function withMeasuredFigures(
  values: Readonly<Record<string, number>>,
  evidence: Readonly<Record<string, ValueEvidence>>,
  measured: Readonly<Record<string, number>>,
): Record<string, number> {
  const out = { ...values };
  for (const id of Object.keys(evidence)) {
    if (sourceOf(evidence, id) === "measured" && Object.hasOwn(measured, id)) {
      out[id] = measured[id];
    }
  }
  return out;
}

/** Drops entries that say nothing (`self_reported` without a link), so stored rows stay small. */
export function compactEvidence(
  evidence: Readonly<Record<string, ValueEvidence>>,
): Record<string, ValueEvidence> {
  return Object.fromEntries(
    Object.entries(evidence).filter(([, e]) => e.source !== "self_reported" || e.link)
      .map(([id, e]) => [id, e.link ? { source: e.source, link: e.link } : { source: e.source }]),
  );
}

/**
 * Shares (0–1) of the overall score's weight resting on verified and on measured values, and
 * their sum (`checked`); null when the overall score is null (insufficient). See the module
 * comment for how an indicator's share of the weight is found.
 */
export interface ConfidenceShares {
  verified: number;
  measured: number;
  checked: number;
}

export function confidenceShares(
  score: LensScore,
  evidence: Readonly<Record<string, ValueEvidence>>,
): ConfidenceShares | null {
  if (score.overall.rawScore === null) return null;
  const shares = indicatorWeightShares(score);
  let verified = 0;
  let measured = 0;
  for (const [id, share] of shares) {
    const source = sourceOf(evidence, id);
    if (source === "verified") verified += share;
    if (source === "measured") measured += share;
  }
  return { verified, measured, checked: verified + measured };
}

/**
 * Each scored indicator's share of the overall score's weight (summing to 1 when the overall
 * score exists): the product of its renormalised weights down the tree. Indicators that are
 * missing (not critical), N/A or in insufficient capabilities have no share.
 */
export function indicatorWeightShares(score: LensScore): Map<string, number> {
  const shares = new Map<string, number>();
  const dims = score.dimensions.filter((d) => d.score !== null);
  const dimTotal = dims.reduce((s, d) => s + dimensionWeight(d.id), 0);
  for (const dim of dims) {
    const caps = dim.capabilities.filter((c) => c.score !== null);
    const capTotal = caps.reduce((s, c) => s + (capabilityById(c.id)?.weight ?? 0), 0);
    for (const cap of caps) {
      const scored = cap.indicators.filter((i) => i.score !== null);
      const indTotal = scored.reduce((s, i) => s + (indicatorById(i.id)?.weight ?? 0), 0);
      const capShare = (dimensionWeight(dim.id) / dimTotal) *
        ((capabilityById(cap.id)?.weight ?? 0) / capTotal);
      for (const ind of scored) {
        shares.set(ind.id, capShare * (indicatorById(ind.id)?.weight ?? 0) / indTotal);
      }
    }
  }
  return shares;
}

function dimensionWeight(id: string): number {
  return MODEL.dimensions.find((d) => d.id === id)?.weight ?? 0;
}

/** Longest note kept with a value (as the assessment form's evidence note). */
export const MAX_NOTE_CHARS = 2000;
