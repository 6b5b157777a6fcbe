/**
 * Peer clusters (issue 19 part 8): where a bank sits among the champions, fast followers,
 * adopters and latecomers of its peer group (as Deloitte's Digital Banking Maturity groups banks),
 * from the distribution of overall scores and levels. The rule (docs/LENS_PLAN.md):
 *
 * 1. The group is the bank's peer group with the usual fallback (`peerSummary` on the overall
 *    score): at least k_min (5) scored banks, or no clusters at all (`TOO_FEW_BANKS`).
 * 2. **Champion**: PRODUCT.md's champion — top decile (mid-rank percentile ≥ 90) of a group of at
 *    least 10 scored banks, and level ≥ 4.
 * 3. **Fast follower**: otherwise, overall score at or above the group's upper quartile (type 7),
 *    or level ≥ 4.
 * 4. **Adopter**: otherwise, score at or above the lower quartile and level ≥ 2.
 * 5. **Latecomer**: the rest (below the lower quartile, or level 1).
 *
 * Privacy: only the count of banks per cluster and the viewer's own bank's cluster come out; other
 * banks are never named, and no statistic of a cluster (which may hold a single bank) is given.
 * Pure.
 */
import { figureValue, type ScoredBank } from "./benchmark.ts";
import { MODEL } from "./model.ts";
import { groupMembers, midRankPercentile, peerSummary, quantile7 } from "./peers.ts";

export type Cluster = "champion" | "fast_follower" | "adopter" | "latecomer";
export const CLUSTERS: readonly Cluster[] = ["champion", "fast_follower", "adopter", "latecomer"];

export interface ClusterView {
  /** The group the clusters come from (after fallback), or null when too few banks. */
  group: string | null;
  reason: "OWN_GROUP" | "FALLBACK" | "TOO_FEW_BANKS";
  /** Scored banks in the group. */
  n: number;
  counts: Record<Cluster, number>;
  /** The bank's cluster, when a scored bank was given and clusters are shown. */
  bank: Cluster | null;
}

/** The cluster of one score among a group's scores (which include it). */
export function clusterOf(
  score: number,
  level: number,
  scores: readonly number[],
  kDeciles = MODEL.peer_statistics.k_deciles,
): Cluster {
  if (scores.length >= kDeciles && midRankPercentile(score, scores) >= 90 && level >= 4) {
    return "champion";
  }
  if (score >= quantile7(scores, 0.75) || level >= 4) return "fast_follower";
  if (score >= quantile7(scores, 0.25) && level >= 2) return "adopter";
  return "latecomer";
}

/** Clusters of `group` (with fallback) and, when given, `bank`'s cluster in it. */
export function peerClusters(
  banks: readonly ScoredBank[],
  group: string,
  bank?: ScoredBank,
  options: { kMin?: number } = {},
): ClusterView {
  const kMin = options.kMin ?? MODEL.peer_statistics.k_min;
  const counts: Record<Cluster, number> = {
    champion: 0,
    fast_follower: 0,
    adopter: 0,
    latecomer: 0,
  };
  const rows = banks.map((b) => ({
    bankId: b.bankId,
    peerGroup: b.peerGroup,
    value: figureValue(b.score, { kind: "overall", id: "overall" }),
  }));
  const summary = peerSummary(rows, group, { kMin });
  if (summary.group === null) {
    return { group: null, reason: "TOO_FEW_BANKS", n: 0, counts, bank: null };
  }
  const members = groupMembers(summary.group);
  const scored = banks.filter((b) =>
    members.includes(b.peerGroup) && b.score.overall.score !== null &&
    b.score.overall.level !== null
  );
  const scores = scored.map((b) => b.score.overall.score as number);
  for (const b of scored) {
    counts[clusterOf(b.score.overall.score!, b.score.overall.level!, scores)]++;
  }
  let own: Cluster | null = null;
  const o = bank?.score.overall;
  if (bank && o && o.score !== null && o.level !== null) {
    // the bank as shown (its period may not be its latest submitted one), counted once
    const others = scored.filter((b) => b.bankId !== bank.bankId);
    own = clusterOf(o.score, o.level, [...others.map((b) => b.score.overall.score!), o.score]);
  }
  return { group: summary.group, reason: summary.reason, n: scored.length, counts, bank: own };
}
