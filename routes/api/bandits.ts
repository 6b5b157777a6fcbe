import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { thompsonAllocation } from "../../lib/stats/bandits.ts";
import type { AppEnv } from "../../plugins/context.ts";
import {
  sharedSimulationPool,
  SimulationOverBudget,
  SimulationsBusy,
} from "../../plugins/simulations.ts";
import { readJson } from "../../plugins/validate.ts";
import { conversionArms } from "./stats.ts";

/** Bound on simulated pulls per request (horizon × runs). */
export const MAX_SIMULATED_PULLS = 2_000_000;
/**
 * Bound on arms × horizon × runs: each pull looks at every arm (a Thompson pull draws from each
 * arm's posterior), so the work grows with the arms. 4,000,000 is the pulls bound at 2 arms;
 * 20 arms get 200,000 pulls (~2 s of CPU for Thompson instead of ~17 s).
 */
export const MAX_SIMULATED_ARM_PULLS = 4_000_000;

const seed = z.number().int().min(0).max(0xffffffff).optional();

export const allocateBody = z.strictObject({
  arms: conversionArms,
  policy: z.literal("thompson"),
  minShare: z.number().min(0).max(0.5).optional(),
  seed,
}).refine((b) => (b.minShare ?? 0.01) * b.arms.length <= 1, {
  message: "validation.custom.minShareTimesArms",
  path: ["minShare"],
});

export const simulateBody = z.strictObject({
  policy: z.enum(["thompson", "ucb1", "epsilon-greedy"]),
  armRates: z.array(z.number().min(0).max(1)).min(2, "At least 2 arms are needed").max(20),
  horizon: z.number().int().min(1).max(MAX_SIMULATED_PULLS),
  runs: z.number().int().min(1).max(MAX_SIMULATED_PULLS),
  seed,
  epsilon: z.number().min(0).max(1).optional(),
  batchSize: z.number().int().min(1).max(MAX_SIMULATED_PULLS).optional(),
}).refine((b) => b.horizon * b.runs <= MAX_SIMULATED_PULLS, {
  message: "validation.custom.pullsLimit",
  params: { max: MAX_SIMULATED_PULLS },
  path: ["runs"],
}).refine((b) => b.armRates.length * b.horizon * b.runs <= MAX_SIMULATED_ARM_PULLS, {
  message: "validation.custom.armPullsLimit",
  params: { max: MAX_SIMULATED_ARM_PULLS },
  path: ["runs"],
});

/**
 * Public bandit calculators, mounted at `/api/bandits`. Keep no data; bounded work. Simulations
 * run on worker threads (`plugins/simulations.ts`: a few at once, a short queue, a time budget),
 * never on the thread that answers requests.
 */
const bandits = new Hono<AppEnv>();

bandits.post("/allocate", async (c) => {
  const { arms, minShare, seed } = await readJson(c, allocateBody);
  const { probabilityBest, weights, reweighted, cut } = thompsonAllocation(arms, { minShare });
  return c.json({
    probabilityBest,
    weights,
    reweighted,
    cut,
    ...(seed === undefined ? {} : { seed }),
  });
});

bandits.post("/simulate", async (c) => {
  const spec = await readJson(c, simulateBody);
  // (`deps` is missing only where a test mounts these routes alone.)
  const pool = c.var.deps?.simulations ?? sharedSimulationPool();
  try {
    return c.json(await pool.run({ seed: 1, ...spec }, c.req.raw.signal));
  } catch (error) {
    if (error instanceof SimulationsBusy) {
      throw new AppError(429, "SIMULATIONS_BUSY", c.var.t("simulate.busy"), {
        "Retry-After": String(error.retryAfterSeconds),
      });
    }
    if (c.req.raw.signal.aborted) {
      // The caller went away and its simulation was dropped: nobody reads this answer.
      throw new AppError(503, "SIMULATION_CANCELLED", "The caller closed the connection");
    }
    if (error instanceof SimulationOverBudget) {
      throw new AppError(
        503,
        "SIMULATION_OVER_BUDGET",
        c.var.t("simulate.overBudget", { seconds: error.budgetMs / 1000 }),
      );
    }
    throw error;
  }
});

export default bandits;
