/** Loads what the scorecard and the peers page show; scoring and statistics are lib/lens. */
import type { Context } from "hono";
import { type Assessment, assessmentsOfBank, peerInputs } from "../../db/assessments.ts";
import { type Bank, getBank } from "../../db/banks.ts";
import { measuredIndicators, type MeasuredValue } from "../../db/measured_indicators.ts";
import type { Db } from "../../db/schema.ts";
import { benchmarkAll, type FigureBenchmark, type ScoredBank } from "../../lib/lens/benchmark.ts";
import { type LensScore, scoreStoredAssessment } from "../../lib/lens/scoring.ts";
import type { Scope } from "../../lib/scope.ts";
import { NO_BANK, notFound } from "../../lib/errors.ts";
import { isPeriod } from "../../lib/lens/period.ts";
import type { AppEnv } from "../../plugins/context.ts";

/** Every bank's latest submitted assessment, scored (for aggregates only). */
export async function scoredPeers(db: Db): Promise<ScoredBank[]> {
  return (await peerInputs(db)).map((p) => ({
    bankId: p.bankId,
    peerGroup: p.peerGroup,
    score: scoreStoredAssessment({ values: p.values, notApplicable: p.notApplicable }),
  }));
}

/** Benchmarks keyed `kind:id`, e.g. `capability:data_foundation`. */
export function byFigure(list: FigureBenchmark[]): Map<string, FigureBenchmark> {
  return new Map(list.map((b) => [`${b.kind}:${b.id}`, b]));
}

export interface Scorecard {
  bank: Bank;
  assessments: Assessment[];
  current: Assessment | null;
  score: LensScore | null;
  benchmarks: Map<string, FigureBenchmark>;
  trend: { period: string; status: string; score: LensScore }[];
  measured: Partial<Record<string, MeasuredValue>>;
}

/**
 * The scorecard of a bank in scope for `period` (default: the latest submitted assessment,
 * else the latest draft), benchmarked against the bank's peer group.
 */
export async function loadScorecard(
  db: Db,
  scope: Scope,
  bank: Bank,
  period?: string,
): Promise<Scorecard> {
  const [assessments, peers, measured] = await Promise.all([
    assessmentsOfBank(db, scope, bank.id),
    scoredPeers(db),
    measuredIndicators(db, scope, bank.id),
  ]);
  const submitted = assessments.filter((a) => a.status === "submitted");
  const current = assessments.find((a) => a.period === period) ?? submitted.at(-1) ??
    assessments.at(-1) ?? null;
  const scoreOf = (a: Assessment) =>
    scoreStoredAssessment({ values: a.values, notApplicable: a.notApplicable });
  const score = current ? scoreOf(current) : null;
  const self = score ? { bankId: bank.id, peerGroup: bank.peerGroup, score } : undefined;
  const benchmarks = byFigure(benchmarkAll(peers, bank.peerGroup, self));
  const trend = assessments.map((a) => ({ period: a.period, status: a.status, score: scoreOf(a) }));
  return { bank, assessments, current, score, benchmarks, trend, measured };
}

/**
 * The scorecard a `/banks/:id…` page asks for: the bank, if the caller's scope holds it (else
 * 404), at `?period=` when that is a valid period, else the latest.
 */
export async function requestedScorecard(c: Context<AppEnv>): Promise<Scorecard> {
  const { db, scope } = c.var;
  const bank = await getBank(db, scope, c.req.param("id") ?? "");
  if (!bank) throw notFound("No such bank", NO_BANK);
  const period = c.req.query("period");
  return await loadScorecard(db, scope, bank, period && isPeriod(period) ? period : undefined);
}
