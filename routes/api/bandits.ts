import { Hono } from "hono";
import { z } from "zod";
import {
  type SimulationSpec,
  simulationSteps,
  thompsonAllocation,
} from "../../lib/stats/bandits.ts";
import { readJson } from "../../plugins/validate.ts";
import { conversionArms } from "./stats.ts";

/** Bound on simulated pulls per request (horizon × runs). */
export const MAX_SIMULATED_PULLS = 2_000_000;

const seed = z.number().int().min(0).max(0xffffffff).optional();

export const allocateBody = z.strictObject({
  arms: conversionArms,
  policy: z.literal("thompson"),
  minShare: z.number().min(0).max(0.5).optional(),
  seed,
}).refine((b) => (b.minShare ?? 0.01) * b.arms.length <= 1, {
  message: "minShare × arms must not exceed 1",
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
  message: "horizon × runs must be at most 2,000,000",
  path: ["runs"],
});

/** Runs the simulation, giving the event loop a turn every ~8 ms so other requests go on. */
async function simulateInChunks(spec: SimulationSpec) {
  const steps = simulationSteps(spec, { chunkPulls: 2_000 });
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since > 8) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    }
  }
}

/** Public bandit calculators, mounted at `/api/bandits`. Keep no data; bounded work. */
const bandits = new Hono();

bandits.post("/allocate", async (c) => {
  const { arms, minShare, seed } = await readJson(c, allocateBody);
  const { probabilityBest, weights, reweighted } = thompsonAllocation(arms, { minShare });
  return c.json({ probabilityBest, weights, reweighted, ...(seed === undefined ? {} : { seed }) });
});

bandits.post("/simulate", async (c) => {
  const spec = await readJson(c, simulateBody);
  return c.json(await simulateInChunks({ seed: 1, ...spec }));
});

export default bandits;
