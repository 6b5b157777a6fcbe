/**
 * Multi-armed bandits on conversion rates: Thompson-sampling allocation, and a seeded
 * simulator that compares Thompson sampling, UCB1 and ε-greedy before a team picks one.
 *
 * Allocation: probabilityBest from exact integration (./bayes.ts); weights =
 * minShare + (1 − k·minShare)·probabilityBest, so every arm keeps minShare of the traffic; no
 * reweighting (equal weights) until every arm has `burnIn` users (default 100).
 * UCB1: Auer, Cesa-Bianchi & Fischer (2002), index x̄ᵢ + √(2 ln t / nᵢ). ε-greedy: a uniformly
 * random arm with probability ε, else the best observed rate. Regret is pseudo-regret:
 * Σ (best rate − rate of the arm pulled), a number of conversions.
 */
import { betaSample, createRng, type Rng } from "../random.ts";
import { probabilityBest } from "./bayes.ts";
import type { ConversionStats } from "./types.ts";
import { checkConversions } from "./guards.ts";

/** Thompson allocation: probabilities in [0, 1] and weights summing to 1, one per arm. */
export interface Allocation {
  probabilityBest: number[];
  weights: number[];
  /** False while some arm has fewer than `burnIn` users: weights are then equal. */
  reweighted: boolean;
}

/** Thompson-sampling allocation; requires 0 ≤ minShare ≤ 1/k (RangeError otherwise). */
export function thompsonAllocation(
  arms: readonly ConversionStats[],
  options: { minShare?: number; burnIn?: number } = {},
): Allocation {
  checkConversions(arms);
  const { minShare = 0.01, burnIn = 100 } = options;
  const k = arms.length;
  if (!(minShare >= 0 && k * minShare <= 1)) {
    throw new RangeError("minShare must lie between 0 and 1/arms");
  }
  const pBest = probabilityBest(arms);
  const reweighted = arms.every((a) => a.users >= burnIn);
  const weights = reweighted
    ? pBest.map((p) => minShare + (1 - k * minShare) * p)
    : pBest.map(() => 1 / k);
  const sum = weights.reduce((s, w) => s + w, 0);
  return { probabilityBest: pBest, weights: weights.map((w) => w / sum), reweighted };
}

export type BanditPolicy = "thompson" | "ucb1" | "epsilon-greedy";

/** A simulation: true arm rates in [0, 1], pulls per run, runs; policies see batched data. */
export interface SimulationSpec {
  policy: BanditPolicy;
  armRates: readonly number[];
  horizon: number;
  runs: number;
  /** Seed of the generator; the same spec and seed give the same result. Default 1. */
  seed?: number;
  /** ε for ε-greedy, default 0.1. */
  epsilon?: number;
  /** The policy's statistics are refreshed every batchSize pulls (default 1: every pull). */
  batchSize?: number;
}

/** Mean pseudo-regret over runs at the horizon and along the way, and the share of pulls. */
export interface SimulationResult {
  cumulativeRegret: number;
  regretCurve: { t: number; regret: number }[];
  pullShares: number[];
}

/** Where the regret curve is sampled: 50 even steps, t = 1000 if reached, and the horizon. */
export function regretCheckpoints(horizon: number): number[] {
  const points = new Set<number>();
  for (let i = 1; i <= 50; i++) points.add(Math.max(1, Math.round((horizon * i) / 50)));
  if (horizon >= 1000) points.add(1000);
  points.add(horizon);
  return [...points].sort((a, b) => a - b);
}

type Chooser = (pulls: Float64Array, wins: Float64Array, step: number) => number;

function chooser(spec: SimulationSpec, rng: Rng): Chooser {
  const k = spec.armRates.length;
  const epsilon = spec.epsilon ?? 0.1;
  const bestObserved = (pulls: Float64Array, wins: Float64Array, bonus: (n: number) => number) => {
    let best = 0, bestValue = -Infinity;
    for (let i = 0; i < k; i++) {
      const value = pulls[i] === 0 ? Infinity : wins[i] / pulls[i] + bonus(pulls[i]);
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    return best;
  };
  if (spec.policy === "thompson") {
    return (pulls, wins) => {
      let best = 0, bestDraw = -1;
      for (let i = 0; i < k; i++) {
        const draw = betaSample(rng, 1 + wins[i], 1 + pulls[i] - wins[i]);
        if (draw > bestDraw) [best, bestDraw] = [i, draw];
      }
      return best;
    };
  }
  if (spec.policy === "ucb1") {
    return (pulls, wins, step) => {
      let total = 0, untried = 0;
      for (let i = 0; i < k; i++) {
        total += pulls[i];
        if (pulls[i] === 0) untried++;
      }
      if (untried > 0) {
        let skip = step % untried;
        for (let i = 0; i < k; i++) if (pulls[i] === 0 && skip-- === 0) return i;
      }
      const twoLogTotal = 2 * Math.log(total);
      return bestObserved(pulls, wins, (n) => Math.sqrt(twoLogTotal / n));
    };
  }
  return (pulls, wins) =>
    rng() < epsilon ? Math.min(k - 1, Math.floor(rng() * k)) : bestObserved(pulls, wins, () => 0);
}

/**
 * The simulation as a generator: it yields the number of pulls done so far every `chunkPulls`
 * pulls (default 20,000) and returns the result, so a server can give the event loop a turn
 * between chunks. Pure: all randomness comes from `createRng(spec.seed)`.
 */
export function* simulationSteps(
  spec: SimulationSpec,
  options: { chunkPulls?: number } = {},
): Generator<number, SimulationResult> {
  const { chunkPulls = 20_000 } = options;
  const { armRates, horizon, runs, seed = 1, batchSize = 1 } = spec;
  const k = armRates.length;
  const rng = createRng(seed);
  const choose = chooser(spec, rng);
  const bestRate = Math.max(...armRates);
  const checkpoints = regretCheckpoints(horizon);
  const curve = new Float64Array(checkpoints.length);
  const pullTotals = new Float64Array(k);
  const pulls = new Float64Array(k), wins = new Float64Array(k);
  const seenPulls = new Float64Array(k), seenWins = new Float64Array(k);
  let done = 0;
  for (let run = 0; run < runs; run++) {
    for (const counts of [pulls, wins, seenPulls, seenWins]) counts.fill(0);
    let regret = 0, next = 0;
    for (let t = 1; t <= horizon; t++) {
      const arm = choose(seenPulls, seenWins, t);
      pulls[arm]++;
      if (rng() < armRates[arm]) wins[arm]++;
      regret += bestRate - armRates[arm];
      if (t % batchSize === 0) {
        seenPulls.set(pulls);
        seenWins.set(wins);
      }
      if (t === checkpoints[next]) curve[next++] += regret;
      if (++done % chunkPulls === 0) yield done;
    }
    for (let i = 0; i < k; i++) pullTotals[i] += pulls[i];
  }
  const regretCurve = checkpoints.map((t, i) => ({ t, regret: curve[i] / runs }));
  return {
    cumulativeRegret: regretCurve[regretCurve.length - 1].regret,
    regretCurve,
    pullShares: [...pullTotals].map((n) => n / (runs * horizon)),
  };
}

/** Runs {@link simulationSteps} to completion (tests, scripts). */
export function simulateBandit(spec: SimulationSpec): SimulationResult {
  const steps = simulationSteps(spec);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
