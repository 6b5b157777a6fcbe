import assert from "node:assert/strict";
import {
  regretCheckpoints,
  simulateBandit,
  simulationSteps,
  thompsonAllocation,
} from "./bandits.ts";
import { assertClose, assertJsonSafe, loadFixture } from "./_testing.ts";
import type { ConversionStats } from "./types.ts";

Deno.test("thompsonAllocation() without a cut: weights = minShare + (1 − k·minShare)·probabilityBest", async (t) => {
  const fixture = loadFixture<{ arms: ConversionStats[] }, { probabilityBest: number[] }>(
    "probability_best.json",
  );
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const k = input.arms.length;
      const result = thompsonAllocation(input.arms, { minShare: 0.01, burnIn: 0, cutBelow: 0 });
      assert.ok(result.reweighted);
      expected.probabilityBest.forEach((p, i) => {
        assertClose(result.probabilityBest[i], p, { absolute: 0.005 });
        assertClose(result.weights[i], 0.01 + (1 - k * 0.01) * p, { absolute: 1e-9 });
      });
    });
  }
});

Deno.test("thompsonAllocation() keeps equal weights until every arm has burnIn users", () => {
  const result = thompsonAllocation([{ users: 99, conversions: 9 }, {
    users: 500,
    conversions: 5,
  }]);
  assert.equal(result.reweighted, false);
  assert.deepEqual(result.weights, [0.5, 0.5]);
  assert.throws(
    () => thompsonAllocation([{ users: 1, conversions: 0 }], { minShare: 2 }),
    RangeError,
  );
});

Deno.test("simulateBandit() replays exactly for a seed and reports a sound curve", () => {
  const spec = {
    policy: "thompson" as const,
    armRates: [0.02, 0.03, 0.05],
    horizon: 2000,
    runs: 20,
    seed: 9,
  };
  const a = simulateBandit(spec), b = simulateBandit(spec);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, simulateBandit({ ...spec, seed: 10 }));
  assertJsonSafe(a);
  assert.ok(a.regretCurve.some((p) => p.t === 1000));
  assert.equal(a.regretCurve.at(-1)!.t, 2000);
  assert.equal(a.cumulativeRegret, a.regretCurve.at(-1)!.regret);
  assertClose(a.pullShares.reduce((s, x) => s + x, 0), 1, { absolute: 1e-12 });
  assert.ok(a.pullShares[2] > a.pullShares[0]);
});

Deno.test("uniform exploration has regret horizon × mean gap; learning policies do better", () => {
  const armRates = [0.02, 0.04, 0.1];
  const base = { armRates, horizon: 3000, runs: 40, seed: 5 };
  const random = simulateBandit({ ...base, policy: "epsilon-greedy", epsilon: 1 });
  const expected = 3000 * (0.08 + 0.06 + 0) / 3;
  assertClose(random.cumulativeRegret, expected, { relative: 0.03 });
  for (const policy of ["thompson", "ucb1", "epsilon-greedy"] as const) {
    const result = simulateBandit({ ...base, policy, batchSize: 50 });
    assert.ok(result.cumulativeRegret < 0.8 * expected, `${policy}: ${result.cumulativeRegret}`);
  }
});

Deno.test("simulationSteps() yields between chunks so a server can stay responsive", () => {
  const steps = simulationSteps({ policy: "ucb1", armRates: [0.1, 0.2], horizon: 1000, runs: 10 }, {
    chunkPulls: 1000,
  });
  let yields = 0;
  for (let step = steps.next(); !step.done; step = steps.next()) yields++;
  assert.equal(yields, 10);
  assert.deepEqual(regretCheckpoints(10).slice(0, 3), [1, 2, 3]);
});

Deno.test("Thompson sampling beats UCB1 in cumulative regret on a standard Bernoulli setting", () => {
  const base = { armRates: [0.05, 0.1, 0.15, 0.2], horizon: 5000, runs: 40, seed: 11 };
  const thompson = simulateBandit({ ...base, policy: "thompson" });
  const ucb1 = simulateBandit({ ...base, policy: "ucb1" });
  assert.ok(
    thompson.cumulativeRegret < ucb1.cumulativeRegret,
    `Thompson ${thompson.cumulativeRegret} vs UCB1 ${ucb1.cumulativeRegret}`,
  );
});
