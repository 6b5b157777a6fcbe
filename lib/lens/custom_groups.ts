/**
 * Custom peer groups (issue 19 part 4): a consultant's named set of banks to benchmark against.
 * Bank names and peer groups are public, so a group may hold any bank of the platform; its
 * statistics follow the peer-privacy rule of `peers.ts` unchanged:
 *
 * - statistics only from `k_min` (5) banks with data for the figure, never a fallback to a wider
 *   group (a custom group is what the consultant asked for: too few → refused, `TOO_FEW_BANKS`);
 * - quartiles always, deciles only from `k_deciles` (10), never a minimum or maximum;
 * - no single bank's figure: the ranking names only banks in the viewer's scope.
 *
 * Custom groups add one risk the fixed groups do not have: two groups that differ by one bank
 * would let their medians be subtracted to isolate that bank's figure. So a group whose members
 * differ from a standard group or another of the owner's groups (deleted ones included) by 1 to
 * k_min − 1 banks is refused at creation (`GROUP_TOO_CLOSE`), and a figure whose banks *with
 * data* differ that little from such a group's is not shown (`TOO_CLOSE`). Pure.
 */
import { directionOf, type Figure, figureValue, type ScoredBank } from "./benchmark.ts";
import { MODEL } from "./model.ts";
import { groupMembers, midRankPercentile, type PeerSummary, quantile7 } from "./peers.ts";

/** Most banks a custom group may hold. */
export const MAX_MEMBERS = 200;

/** Every standard group a custom group is compared with: the model's and the aggregates. */
export const STANDARD_GROUPS: readonly string[] = [
  ...MODEL.peer_groups.map((g) => g.id),
  "national",
  "regional",
  "all",
];

/** The size of the symmetric difference of two sets of bank ids. */
export function symmetricDifference(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const x of a) if (!b.has(x)) n++;
  for (const x of b) if (!a.has(x)) n++;
  return n;
}

/** Another group's members, for the overlap rule: a standard group id or a custom group. */
export interface OtherGroup {
  /** A standard group id, or `custom:<id>`. */
  id: string;
  bankIds: ReadonlySet<string>;
}

/** The standard groups' members, from the banks' public peer groups. */
export function standardGroups(banks: readonly { id: string; peerGroup: string }[]): OtherGroup[] {
  return STANDARD_GROUPS.map((g) => {
    const members = groupMembers(g);
    return {
      id: g,
      bankIds: new Set(banks.filter((b) => members.includes(b.peerGroup)).map((b) => b.id)),
    };
  });
}

/** Why a new group is refused, or null. `GROUP_TOO_CLOSE` names the group it is too close to. */
export type GroupProblem =
  | { code: "GROUP_TOO_SMALL"; n: number; k: number }
  | { code: "GROUP_TOO_LARGE"; n: number; max: number }
  | { code: "UNKNOWN_BANK"; bankId: string }
  | { code: "GROUP_TOO_CLOSE"; other: string; difference: number; k: number };

/**
 * Checks a new group's distinct members: known banks, at least k_min and at most `MAX_MEMBERS`,
 * and never 1 to k_min − 1 banks away from another group (`others`).
 */
export function groupProblem(
  bankIds: readonly string[],
  known: ReadonlySet<string>,
  others: readonly OtherGroup[],
  kMin = MODEL.peer_statistics.k_min,
): GroupProblem | null {
  const members = new Set(bankIds);
  const unknown = [...members].find((id) => !known.has(id));
  if (unknown !== undefined) return { code: "UNKNOWN_BANK", bankId: unknown };
  if (members.size < kMin) return { code: "GROUP_TOO_SMALL", n: members.size, k: kMin };
  if (members.size > MAX_MEMBERS) {
    return { code: "GROUP_TOO_LARGE", n: members.size, max: MAX_MEMBERS };
  }
  for (const other of others) {
    const difference = symmetricDifference(members, other.bankIds);
    if (difference > 0 && difference < kMin) {
      return { code: "GROUP_TOO_CLOSE", other: other.id, difference, k: kMin };
    }
  }
  return null;
}

/** A figure of a custom group: `refusal` says why nothing is shown (then `summary.group` null). */
export interface CustomFigure extends Figure {
  direction: "higher_better" | "lower_better";
  summary: PeerSummary;
  value: number | null;
  percentile: number | null;
  refusal: null | "TOO_FEW_BANKS" | "TOO_CLOSE";
}

/**
 * One figure over a custom group's members (`label` names it in the summary). `bank`, when
 * given, gets its value and its mid-rank percentile among the members with data (itself added
 * when not a member).
 */
export function customFigure(
  banks: readonly ScoredBank[],
  group: { label: string; bankIds: ReadonlySet<string> },
  figure: Figure,
  options: { others?: readonly OtherGroup[]; bank?: ScoredBank; kMin?: number; kDeciles?: number } =
    {},
): CustomFigure {
  const kMin = options.kMin ?? MODEL.peer_statistics.k_min;
  const kDeciles = options.kDeciles ?? MODEL.peer_statistics.k_deciles;
  const direction = directionOf(figure);
  const withData = new Map<string, number>();
  for (const b of banks) {
    const v = figureValue(b.score, figure);
    if (v !== null && Number.isFinite(v)) withData.set(b.bankId, v);
  }
  const members = [...group.bankIds].filter((id) => withData.has(id));
  const values = members.map((id) => withData.get(id) as number);
  const present = new Set(members);
  const tooClose = (options.others ?? []).some((o) => {
    const d = symmetricDifference(
      present,
      new Set([...o.bankIds].filter((id) => withData.has(id))),
    );
    return d > 0 && d < kMin;
  });
  const refusal = values.length < kMin ? "TOO_FEW_BANKS" : tooClose ? "TOO_CLOSE" : null;
  const value = options.bank ? figureValue(options.bank.score, figure) : null;
  const base = {
    requestedGroup: group.label,
    tried: [{ group: group.label, n: values.length }],
    direction,
  };
  if (refusal) {
    return {
      ...figure,
      direction,
      value,
      percentile: null,
      refusal,
      summary: {
        ...base,
        group: null,
        reason: "TOO_FEW_BANKS",
        n: 0,
        q1: null,
        median: null,
        q3: null,
        p10: null,
        p90: null,
        leaders: null,
      },
    };
  }
  const q1 = quantile7(values, 0.25), q3 = quantile7(values, 0.75);
  const deciles = values.length >= kDeciles;
  let percentile: number | null = null;
  if (value !== null && options.bank) {
    const population = present.has(options.bank.bankId) ? values : [...values, value];
    percentile = midRankPercentile(value, population, direction);
  }
  return {
    ...figure,
    direction,
    value,
    percentile,
    refusal: null,
    summary: {
      ...base,
      group: group.label,
      reason: "OWN_GROUP",
      n: values.length,
      q1,
      median: quantile7(values, 0.5),
      q3,
      p10: deciles ? quantile7(values, 0.1) : null,
      p90: deciles ? quantile7(values, 0.9) : null,
      leaders: direction === "lower_better" ? q1 : q3,
    },
  };
}

/** Every figure of a custom group. */
export function customBenchmark(
  banks: readonly ScoredBank[],
  group: { label: string; bankIds: ReadonlySet<string> },
  figures: readonly Figure[],
  options: { others?: readonly OtherGroup[]; bank?: ScoredBank } = {},
): CustomFigure[] {
  return figures.map((f) => customFigure(banks, group, f, options));
}

/**
 * The overall-score ranking of a custom group when its overall figure is shown: ranks among the
 * members with a score; only banks for which `visible(bankId)` holds are listed.
 */
export function customRanking(
  banks: readonly ScoredBank[],
  overall: CustomFigure,
  bankIds: ReadonlySet<string>,
  visible: (bankId: string) => boolean,
): { n: number; entries: { bankId: string; rank: number; score: number; percentile: number }[] } {
  if (overall.refusal) return { n: 0, entries: [] };
  const scored = banks.flatMap((b) =>
    bankIds.has(b.bankId) && b.score.overall.score !== null
      ? [{ bankId: b.bankId, score: b.score.overall.score }]
      : []
  );
  const scores = scored.map((s) => s.score);
  const entries = scored.filter((s) => visible(s.bankId)).map((s) => ({
    bankId: s.bankId,
    score: s.score,
    rank: 1 + scores.filter((x) => x > s.score).length,
    percentile: midRankPercentile(s.score, scores),
  })).sort((a, b) => a.rank - b.rank || a.bankId.localeCompare(b.bankId));
  return { n: scored.length, entries };
}
