/**
 * Benchmarks of scored banks against a peer group, for the scorecard and the peers page: every
 * figure (overall score, dimension and capability scores, indicator values) summarised under
 * the peer-privacy rule of `peers.ts`, a bank's mid-rank percentile in the group actually
 * shown, and a ranking that names only the banks a viewer may see. Pure.
 */
import { indicatorById, INDICATORS, MODEL } from "./model.ts";
import {
  type Direction,
  groupMembers,
  midRankPercentile,
  type PeerSummary,
  peerSummary,
} from "./peers.ts";
import type { LensScore } from "./scoring.ts";

export type FigureKind = "overall" | "dimension" | "capability" | "indicator";

/** One comparable figure: `id` is a model id ("overall" for the overall score). */
export interface Figure {
  kind: FigureKind;
  id: string;
}

/** A bank's scored latest assessment. */
export interface ScoredBank {
  bankId: string;
  peerGroup: string;
  score: LensScore;
}

/** A figure's group statistics and, when a bank is given and shown, its value and percentile. */
export interface FigureBenchmark extends Figure {
  direction: Direction;
  summary: PeerSummary;
  value: number | null;
  percentile: number | null;
}

/** The overall score, the 3 dimensions, the 14 capabilities and the 41 indicators. */
export const FIGURES: readonly Figure[] = [
  { kind: "overall", id: "overall" },
  ...MODEL.dimensions.map((d) => ({ kind: "dimension" as const, id: d.id })),
  ...MODEL.dimensions.flatMap((d) =>
    d.capabilities.map((c) => ({ kind: "capability" as const, id: c.id }))
  ),
  ...INDICATORS.map((i) => ({ kind: "indicator" as const, id: i.id })),
];

/** The value of a figure in one score: a 0–100 score, or the indicator's input value. */
export function figureValue(score: LensScore, figure: Figure): number | null {
  if (figure.kind === "overall") return score.overall.score;
  for (const dim of score.dimensions) {
    if (figure.kind === "dimension" && dim.id === figure.id) return dim.score;
    for (const cap of dim.capabilities) {
      if (figure.kind === "capability" && cap.id === figure.id) return cap.score;
      if (figure.kind !== "indicator") continue;
      const found = cap.indicators.find((i) => i.id === figure.id);
      if (found) return found.value;
    }
  }
  return null;
}

/** Scores are higher-is-better; an indicator's raw value goes the model's way. */
export function directionOf(figure: Figure): Direction {
  if (figure.kind !== "indicator") return "higher_better";
  const indicator = indicatorById(figure.id);
  return indicator?.type === "metric" ? indicator.direction : "higher_better";
}

/**
 * A figure summarised for `group` (with fallback). `bank`, when given, gets its value and its
 * mid-rank percentile among the banks of the group shown (null when nothing is shown or the
 * bank has no value).
 */
export function benchmarkFigure(
  banks: readonly ScoredBank[],
  group: string,
  figure: Figure,
  bank?: ScoredBank,
): FigureBenchmark {
  const rows = banks.map((b) => ({
    bankId: b.bankId,
    peerGroup: b.peerGroup,
    value: figureValue(b.score, figure),
  }));
  const direction = directionOf(figure);
  const summary = peerSummary(rows, group, { direction });
  const value = bank ? figureValue(bank.score, figure) : null;
  let percentile: number | null = null;
  if (summary.group !== null && value !== null) {
    const members = groupMembers(summary.group);
    const population = rows.flatMap((r) =>
      members.includes(r.peerGroup) && r.value !== null ? [r.value] : []
    );
    if (!members.includes(bank!.peerGroup)) population.push(value);
    percentile = midRankPercentile(value, population, direction);
  }
  return { ...figure, direction, summary, value, percentile };
}

/** Every figure of `FIGURES` (or those given) benchmarked. */
export function benchmarkAll(
  banks: readonly ScoredBank[],
  group: string,
  bank?: ScoredBank,
  figures: readonly Figure[] = FIGURES,
): FigureBenchmark[] {
  return figures.map((f) => benchmarkFigure(banks, group, f, bank));
}

/** A named entry of a ranking: `rank` 1 = best (ties share the better rank). */
export interface RankingEntry {
  bankId: string;
  rank: number;
  score: number;
  percentile: number;
}

/**
 * Ranks the overall scores of the group shown for `group` (with fallback). Only banks for
 * which `visible(bankId)` holds are listed; the others count in `n` but are never named and
 * their scores never appear. Empty when the group has too few scored banks.
 */
export function rankingOf(
  banks: readonly ScoredBank[],
  group: string,
  visible: (bankId: string) => boolean,
): { summary: PeerSummary; n: number; entries: RankingEntry[] } {
  const figure: Figure = { kind: "overall", id: "overall" };
  const { summary } = benchmarkFigure(banks, group, figure);
  if (summary.group === null) return { summary, n: 0, entries: [] };
  const members = groupMembers(summary.group);
  const scored = banks.flatMap((b) =>
    members.includes(b.peerGroup) && b.score.overall.score !== null
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
  return { summary, n: scored.length, entries };
}
