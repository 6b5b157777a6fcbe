/**
 * Peer statistics under the peer-privacy rule (PRODUCT.md "The lens model", model
 * `peer_statistics`): mid-rank percentiles, type-7 quantiles, group fallback, champions.
 * Pure functions over arrays; the caller loads the rows (one per bank) for one figure.
 */
import { type Direction, MODEL } from "./model.ts";

export type { Direction };

/** One bank's value of one figure (an indicator value or a score); null = no data. */
export interface PeerValue {
  bankId: string;
  peerGroup: string;
  value: number | null;
}

/**
 * Which figures a group shows. `reason`: OWN_GROUP (the requested group has at least k_min
 * banks with data), FALLBACK (it had fewer, so `group` is the first group along
 * `fallback_groups` that has enough), TOO_FEW_BANKS (not even "all" has enough: nothing is
 * shown, `group` null). `tried` lists each group looked at with its count of banks with data.
 * Quartiles always (when shown); deciles `p10`/`p90` only when n >= k_deciles (10);
 * never min or max. `q1`/`q3` are the lower and upper quartiles of the raw values; `leaders` is
 * the better of the two in the figure's direction (`q3`, or `q1` for a lower-is-better one,
 * e.g. latency or churn): the level the leading quarter of the group reaches.
 */
export interface PeerSummary {
  requestedGroup: string;
  group: string | null;
  reason: "OWN_GROUP" | "FALLBACK" | "TOO_FEW_BANKS";
  tried: { group: string; n: number }[];
  n: number;
  q1: number | null;
  median: number | null;
  q3: number | null;
  p10: number | null;
  p90: number | null;
  /** The direction the figure is better in (scores are always higher-is-better). */
  direction: Direction;
  /** The better quartile in `direction`: the leaders' level; null when nothing is shown. */
  leaders: number | null;
}

/** The peer groups (model ids) that make up an aggregate group. */
export const AGGREGATE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  national: ["large_state_owned", "joint_stock"],
  regional: ["city_commercial", "rural_commercial"],
  all: MODEL.peer_groups.map((g) => g.id),
};

/** Model peer-group ids belonging to a group: itself, or the members of an aggregate. */
export function groupMembers(group: string): readonly string[] {
  return Object.hasOwn(AGGREGATE_GROUPS, group) ? AGGREGATE_GROUPS[group] : [group];
}

/** The finite values of the banks of `group` (aggregates included), in row order. */
export function groupValues(rows: readonly PeerValue[], group: string): number[] {
  const members = groupMembers(group);
  return rows.flatMap((r) =>
    members.includes(r.peerGroup) && r.value !== null && Number.isFinite(r.value) ? [r.value] : []
  );
}

/**
 * Quantile p ∈ [0, 1] by linear interpolation between order statistics, Hyndman–Fan type 7
 * (R `quantile(type = 7)`, spreadsheet PERCENTILE/QUARTILE.INC): h = (n − 1)p,
 * Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]) on the sorted values. NaN for no values.
 */
export function quantile7(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo] + (h - lo) * (x[hi] - x[lo]);
}

/**
 * Mid-rank percentile of `value` in `population` (which should include the bank itself):
 * 100 × (below + 0.5 × equal) / n, where "below" counts the worse values: smaller ones, or
 * larger ones for lower-is-better figures. NaN for an empty population.
 */
export function midRankPercentile(
  value: number,
  population: readonly number[],
  direction: Direction = "higher_better",
): number {
  const sign = direction === "lower_better" ? -1 : 1;
  const below = population.filter((v) => sign * v < sign * value).length;
  const equal = population.filter((v) => v === value).length;
  return (100 * (below + 0.5 * equal)) / population.length;
}

/**
 * Statistics of one figure for `group`, falling back along the model's `fallback_groups`
 * (e.g. large_state_owned → national → all) until a group has at least `kMin` banks with
 * data (default `peer_statistics.k_min`, 5). `direction` (default higher-is-better) decides
 * which quartile the leaders are. See `PeerSummary` for what is shown.
 */
export function peerSummary(
  rows: readonly PeerValue[],
  group: string,
  options: { kMin?: number; kDeciles?: number; direction?: Direction } = {},
): PeerSummary {
  const direction = options.direction ?? "higher_better";
  const kMin = options.kMin ?? MODEL.peer_statistics.k_min;
  const kDeciles = options.kDeciles ?? MODEL.peer_statistics.k_deciles;
  const tried: { group: string; n: number }[] = [];
  for (let at: string | undefined = group; at !== undefined; at = nextGroup(at)) {
    const values = groupValues(rows, at);
    tried.push({ group: at, n: values.length });
    if (values.length < kMin) continue;
    const deciles = values.length >= kDeciles;
    const q1 = quantile7(values, 0.25), q3 = quantile7(values, 0.75);
    return {
      requestedGroup: group,
      group: at,
      reason: at === group ? "OWN_GROUP" : "FALLBACK",
      tried,
      n: values.length,
      q1,
      median: quantile7(values, 0.5),
      q3,
      p10: deciles ? quantile7(values, 0.1) : null,
      p90: deciles ? quantile7(values, 0.9) : null,
      direction,
      leaders: direction === "lower_better" ? q1 : q3,
    };
  }
  const none = {
    n: 0,
    q1: null,
    median: null,
    q3: null,
    p10: null,
    p90: null,
    direction,
    leaders: null,
  };
  return { requestedGroup: group, group: null, reason: "TOO_FEW_BANKS", tried, ...none };
}

function nextGroup(group: string): string | undefined {
  if (group === "all") return undefined;
  return Object.hasOwn(MODEL.fallback_groups, group) ? MODEL.fallback_groups[group] : "all";
}

/**
 * Champions of one group: banks in its top decile (mid-rank percentile of their score
 * >= 90) with level >= 4, in row order. Only for groups of at least `kDeciles` (10) scored
 * banks; otherwise none. Rows with a null score or level are neither counted nor chosen.
 */
export function champions(
  rows: readonly { bankId: string; score: number | null; level: number | null }[],
  options: { kDeciles?: number } = {},
): string[] {
  const kDeciles = options.kDeciles ?? MODEL.peer_statistics.k_deciles;
  const scored = rows.filter((r) => r.score !== null && Number.isFinite(r.score));
  if (scored.length < kDeciles) return [];
  const scores = scored.map((r) => r.score as number);
  return scored
    .filter((r) => midRankPercentile(r.score as number, scores) >= 90 && (r.level ?? 0) >= 4)
    .map((r) => r.bankId);
}
