/**
 * The bandit simulator's form fields: validation (the bounds of POST /api/bandits/simulate) into
 * one simulation spec per chosen policy.
 */
import type { Translate } from "../../lib/i18n/mod.ts";
import type { BanditPolicy, SimulationResult, SimulationSpec } from "../../lib/stats/bandits.ts";
import { parseInteger, parseNumber } from "./inputs.ts";

export const POLICIES: readonly BanditPolicy[] = ["thompson", "ucb1", "epsilon-greedy"];
export const MAX_SIMULATED_PULLS = 2_000_000;

export interface BanditInputs {
  [key: string]: unknown;
  policies: BanditPolicy[];
  epsilon: string;
  /** True rate of each arm in percent, as typed. */
  rates: string[];
  horizon: string;
  runs: string;
  seed: string;
}

export const DEFAULT_BANDIT: BanditInputs = {
  policies: ["thompson", "ucb1", "epsilon-greedy"],
  epsilon: "0.1",
  rates: ["4", "5", "6"],
  horizon: "5000",
  runs: "20",
  seed: "1",
};

/** One policy's simulated result, as the page shows it. */
export interface PolicyResult {
  [key: string]: unknown;
  policy: BanditPolicy;
  result: SimulationResult;
}

export type BanditPlan = { ok: true; specs: SimulationSpec[] } | { ok: false; errors: string[] };

export function banditSpecs(inputs: BanditInputs, t: Translate): BanditPlan {
  const errors: string[] = [];
  const armRates = inputs.rates.map((r) => parseNumber(r) / 100);
  const horizon = parseInteger(inputs.horizon, 1, MAX_SIMULATED_PULLS);
  const runs = parseInteger(inputs.runs, 1, MAX_SIMULATED_PULLS);
  const seed = parseInteger(inputs.seed, 0, 0xffffffff);
  const epsilon = parseNumber(inputs.epsilon);
  if (inputs.policies.length === 0) errors.push(t("tools.bandit.err.policies"));
  if (armRates.length < 2 || armRates.length > 20) errors.push(t("tools.bandit.err.arms"));
  if (armRates.some((r) => !(r >= 0 && r <= 1))) errors.push(t("tools.bandit.err.rate"));
  if (horizon === null) errors.push(t("tools.bandit.err.horizon"));
  if (runs === null) errors.push(t("tools.bandit.err.runs"));
  if (seed === null) errors.push(t("tools.bandit.err.seed"));
  if (inputs.policies.includes("epsilon-greedy") && !(epsilon >= 0 && epsilon <= 1)) {
    errors.push(t("tools.bandit.err.epsilon"));
  }
  if (horizon !== null && runs !== null && horizon * runs > MAX_SIMULATED_PULLS) {
    errors.push(t("tools.bandit.err.budget", { value: (horizon * runs).toLocaleString("en") }));
  }
  if (errors.length > 0 || horizon === null || runs === null || seed === null) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    specs: inputs.policies.map((policy) => ({ policy, armRates, horizon, runs, seed, epsilon })),
  };
}

/** The label of a policy, with its ε for ε-greedy. */
export function policyLabel(policy: BanditPolicy, epsilon: number, t: Translate): string {
  if (policy === "thompson") return t("tools.bandit.thompson");
  if (policy === "ucb1") return t("tools.bandit.ucb1");
  return `${t("tools.bandit.epsilon")} (ε = ${epsilon})`;
}
