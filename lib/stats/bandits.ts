/**
 * Multi-armed bandits on conversion rates: Thompson-sampling allocation, and a seeded
 * simulator that compares Thompson sampling, UCB1 and ε-greedy before a team picks one.
 *
 * Allocation, the rule live bandits follow (lib/experiments/bandit.ts `reweight` uses
 * `allocationWeights`, so the public calculator shows what a live bandit would do):
 * probabilityBest from exact integration (./bayes.ts); weights =
 * minShare + (1 − k·minShare)·probabilityBest / (mass of the arms kept), where an arm whose
 * probabilityBest is under `cutBelow` (1 %) is cut to exactly minShare; so every arm keeps
 * minShare of the traffic. No reweighting (equal weights) until every arm has `burnIn` users
 * (default 100). With `cutBelow: 0` no arm is cut and the weights are
 * minShare + (1 − k·minShare)·probabilityBest.
 * UCB1: Auer, Cesa-Bianchi & Fischer (2002), index x̄ᵢ + √(2 ln t / nᵢ). ε-greedy: a uniformly
 * random arm with probability ε, else the best observed rate. Regret is pseudo-regret:
 * Σ (best rate − rate of the arm pulled), a number of conversions.
 */
import { betaSample, createRng, type Rng } from "../random.ts";
import { probabilityBest } from "./bayes.ts";
import type { ConversionStats } from "./types.ts";
import { checkConversions } from "./guards.ts";

/** The allocation settings of live bandits (lib/experiments/bandit.ts BANDIT_DEFAULTS). */
export const ALLOCATION_DEFAULTS = {
  /** Exposed customers every arm needs before the first reweighting. */
  burnIn: 100,
  /** The floor share of every arm. */
  minShare: 0.01,
  /** Below this probability of being best (after burn-in) an arm is cut to the floor. */
  cutBelow: 0.01,
} as const;

/** Thompson allocation: probabilities in [0, 1] and weights summing to 1, one per arm. */
export interface Allocation {
  probabilityBest: number[];
  weights: number[];
  /** False while some arm has fewer than `burnIn` users: weights are then equal. */
  reweighted: boolean;
  /** Per arm: cut to the floor (probabilityBest under `cutBelow`); all false before burn-in. */
  cut: boolean[];
}

/**
 * The weights from the arms' probabilities of being best (the module comment's rule), after
 * burn-in. Requires 0 ≤ minShare ≤ 1/k (RangeError otherwise).
 */
export function allocationWeights(
  pBest: readonly number[],
  options: { minShare?: number; cutBelow?: number } = {},
): { weights: number[]; cut: boolean[] } {
  const { minShare = ALLOCATION_DEFAULTS.minShare, cutBelow = ALLOCATION_DEFAULTS.cutBelow } =
    options;
  const k = pBest.length;
  if (!(minShare >= 0 && k * minShare <= 1)) {
    throw new RangeError("minShare must lie between 0 and 1/arms");
  }
  const cut = pBest.map((p) => p < cutBelow);
  const keptMass = pBest.reduce((s, p, i) => s + (cut[i] ? 0 : p), 0);
  const spare = 1 - k * minShare;
  const weights = pBest.map((p, i) => cut[i] ? minShare : minShare + spare * p / keptMass);
  return { weights, cut };
}

/**
 * Thompson-sampling allocation on the arms' totals, as a live bandit would reweight them.
 * Requires 0 ≤ minShare ≤ 1/k (RangeError otherwise).
 */
export function thompsonAllocation(
  arms: readonly ConversionStats[],
  options: { minShare?: number; burnIn?: number; cutBelow?: number } = {},
): Allocation {
  checkConversions(arms);
  const { burnIn = ALLOCATION_DEFAULTS.burnIn } = options;
  return allocate(probabilityBest(arms), arms.every((a) => a.users >= burnIn), options);
}

/** Equal weights before burn-in, else `allocationWeights`. */
export function allocate(
  pBest: number[],
  burnedIn: boolean,
  options: { minShare?: number; cutBelow?: number } = {},
): Allocation {
  const k = pBest.length;
  if (!burnedIn) {
    allocationWeights(pBest, options); // the same RangeError for a bad minShare
    return {
      probabilityBest: pBest,
      weights: pBest.map(() => 1 / k),
      reweighted: false,
      cut: pBest.map(() => false),
    };
  }
  return { probabilityBest: pBest, reweighted: true, ...allocationWeights(pBest, options) };
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
