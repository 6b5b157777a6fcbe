/**
 * Statistics engine timings, each beside a baseline in the same group (Deno reports "× slower
 * than baseline"): the baseline is the bare arithmetic of the same question, so the ratio is
 * what the engine's care (exact tails, Holm, omnibus, SRM, exact Bayesian integrals) costs.
 */
import { analyzeProportions } from "../lib/stats/analysis.ts";
import { simulateBandit, thompsonAllocation } from "../lib/stats/bandits.ts";

const two = [
  { name: "control", users: 1_000_000, conversions: 20_000 },
  { name: "coupon", users: 1_000_000, conversions: 20_900 },
];
const twenty = Array.from({ length: 20 }, (_, i) => ({
  name: `arm${i}`,
  users: 500_000,
  conversions: 10_000 + 37 * i,
}));

/** The least an analysis can do: one pooled z statistic per challenger, no p-value. */
function bareZ(arms: typeof two) {
  const [c, ...rest] = arms;
  return rest.map((v) => {
    const p = (c.conversions + v.conversions) / (c.users + v.users);
    const se = Math.sqrt(p * (1 - p) * (1 / c.users + 1 / v.users));
    return (v.conversions / v.users - c.conversions / c.users) / se;
  });
}

Deno.bench({
  name: "bare z statistic, 2 arms",
  group: "analysis-2",
  baseline: true,
  fn: () => void bareZ(two),
});
Deno.bench({
  name: "analyzeProportions, 2 arms",
  group: "analysis-2",
  fn: () => void analyzeProportions(two),
});
Deno.bench({
  name: "bare z statistic, 20 arms",
  group: "analysis-20",
  baseline: true,
  fn: () => void bareZ(twenty),
});
Deno.bench({
  name: "analyzeProportions, 20 arms",
  group: "analysis-20",
  fn: () => void analyzeProportions(twenty),
});
Deno.bench({
  name: "analyzeProportions, 2 arms, sequential",
  group: "analysis-2",
  fn: () => void analyzeProportions(two, { sequential: true }),
});

Deno.bench({
  name: "bare z statistic, 4 arms",
  group: "allocation",
  baseline: true,
  fn: () => void bareZ(twenty.slice(0, 4)),
});
Deno.bench({
  name: "thompsonAllocation, 4 arms",
  group: "allocation",
  fn: () => void thompsonAllocation(twenty.slice(0, 4)),
});

const PULLS = 200_000;
/** Uniform random pulls with a seeded-free Math.random: the floor of any simulator. */
function barePulls() {
  let regret = 0;
  const rates = [0.05, 0.1, 0.15, 0.2];
  for (let t = 0; t < PULLS; t++) {
    const arm = (Math.random() * 4) | 0;
    regret += 0.2 - rates[arm] + (Math.random() < rates[arm] ? 0 : 0);
  }
  return regret;
}
Deno.bench({
  name: `bare uniform pulls ×${PULLS}`,
  group: "simulator",
  baseline: true,
  fn: () => void barePulls(),
});
for (const policy of ["thompson", "ucb1", "epsilon-greedy"] as const) {
  Deno.bench({
    name: `simulateBandit ${policy} ×${PULLS} pulls`,
    group: "simulator",
    fn: () =>
      void simulateBandit({
        policy,
        armRates: [0.05, 0.1, 0.15, 0.2],
        horizon: 10_000,
        runs: PULLS / 10_000,
        seed: 3,
      }),
  });
}
