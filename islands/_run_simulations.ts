/**
 * Runs simulations in the browser, one policy after another, in chunks of `simulationSteps`
 * that hand the event loop back every ~12 ms. Chosen over calling POST /api/bandits/simulate per
 * policy: the progress bar moves within a policy, not only between policies, the page stays
 * responsive, and neither the public API's rate limit nor the server's CPU is spent. The code
 * and seed are the server's, so the results are the same.
 */
import type { SimulationSpec } from "../lib/stats/bandits.ts";
import { simulationSteps } from "../lib/stats/bandits.ts";
import type { PolicyResult } from "../components/tools/bandit_inputs.ts";

export async function runSimulations(
  specs: readonly SimulationSpec[],
  onProgress: (progress: { spec: SimulationSpec; done: number; total: number }) => void,
): Promise<PolicyResult[]> {
  const total = specs.reduce((n, s) => n + s.horizon * s.runs, 0);
  const out: PolicyResult[] = [];
  let before = 0;
  for (const spec of specs) {
    onProgress({ spec, done: before, total });
    const steps = simulationSteps(spec, { chunkPulls: 2_000 });
    let since = performance.now();
    for (let step = steps.next();; step = steps.next()) {
      if (step.done) {
        out.push({ policy: spec.policy, result: step.value });
        break;
      }
      if (performance.now() - since > 12) {
        onProgress({ spec, done: before + step.value, total });
        await new Promise((resolve) => setTimeout(resolve, 0));
        since = performance.now();
      }
    }
    before += spec.horizon * spec.runs;
  }
  return out;
}
