/**
 * Bandit simulations run on worker threads (`plugins/simulations.ts`): the same results as the
 * simulator run in the thread, a budget that stops a simulation, a cap and a bounded queue that
 * answers 429 with `Retry-After`; and, through a real server, SDK assignments keep answering
 * while eight heavy simulations are queued or running (before, one thread did both: eight
 * simulations of 20 arms × 2,000,000 pulls held SDK answers back by seconds).
 */
import assert from "node:assert/strict";
import { createApp, createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { simulateBandit, type SimulationSpec } from "../lib/stats/bandits.ts";
import { SimulationOverBudget, SimulationPool, SimulationsBusy } from "../plugins/simulations.ts";
import { loadAssets } from "../plugins/assets.ts";
import { createTestApp, jsonRequest } from "./helpers/app.ts";
import { openTestDatabase, testBothBackends } from "./helpers/db.ts";
import { SDK_AUTH } from "./helpers/sdk.ts";

/** The largest Thompson simulation the API takes at 20 arms (~2 s of CPU on one core). */
const HEAVY: SimulationSpec = {
  policy: "thompson",
  armRates: Array.from({ length: 20 }, (_, i) => 0.01 + i / 1000),
  horizon: 20_000,
  runs: 10,
  seed: 42,
};

Deno.test("a simulation on a worker gives exactly what the simulator gives in the thread", async () => {
  const pool = new SimulationPool({ workers: 2, queue: 4 });
  try {
    const specs: SimulationSpec[] = [
      { policy: "thompson", armRates: [0.02, 0.025, 0.031], horizon: 5_000, runs: 4, seed: 7 },
      { policy: "ucb1", armRates: [0.1, 0.12], horizon: 3_000, runs: 3, seed: 0xffffffff },
      {
        policy: "epsilon-greedy",
        armRates: [0, 0.5, 1],
        horizon: 1_500,
        runs: 2,
        seed: 1,
        epsilon: 0.2,
        batchSize: 100,
      },
      { policy: "thompson", armRates: [0.3, 0.3], horizon: 1, runs: 1 },
    ];
    const results = await Promise.all(specs.map((spec) => pool.run(spec)));
    specs.forEach((spec, i) => assert.deepEqual(results[i], simulateBandit(spec)));
  } finally {
    pool.close();
  }
});

Deno.test("a simulation past its budget is stopped, and the pool goes on", async () => {
  const pool = new SimulationPool({ workers: 1, queue: 2, budgetMs: 150 });
  try {
    // 20 arms × 2,000,000 pulls: ~17 s of CPU (the pool itself has no bound on the work).
    const huge = { ...HEAVY, horizon: 200_000 };
    const started = performance.now();
    await assert.rejects(pool.run(huge), SimulationOverBudget);
    assert.ok(performance.now() - started < 5_000, "stopped at the budget, not at the end");
    const small = { policy: "ucb1" as const, armRates: [0.1, 0.2], horizon: 100, runs: 1 };
    assert.deepEqual(await pool.run(small), simulateBandit(small));
    await new Promise((resolve) => setTimeout(resolve, 0)); // the lane ends after the answer
    assert.deepEqual(pool.load, { running: 0, queued: 0 });
  } finally {
    pool.close();
  }
});

Deno.test("past the workers and the queue, a simulation is refused at once", async () => {
  const pool = new SimulationPool({ workers: 1, queue: 1, budgetMs: 60_000 });
  try {
    const accepted = [pool.run(HEAVY), pool.run({ ...HEAVY, seed: 2 })];
    assert.deepEqual(pool.load, { running: 1, queued: 1 });
    const refused = await pool.run(HEAVY).then(() => null, (error) => error);
    assert.ok(refused instanceof SimulationsBusy);
    assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
    // A waiting caller that goes away leaves the queue.
    const waiting = new AbortController();
    pool.close();
    await Promise.allSettled(accepted);
    const again = new SimulationPool({ workers: 1, queue: 1, budgetMs: 60_000 });
    try {
      const running = again.run({ ...HEAVY, runs: 1 });
      const queued = again.run(HEAVY, waiting.signal);
      waiting.abort(new Error("gone"));
      await assert.rejects(queued, /gone/);
      assert.deepEqual(again.load, { running: 1, queued: 0 });
      assert.deepEqual(await running, simulateBandit({ ...HEAVY, runs: 1 }));
    } finally {
      again.close();
    }
  } finally {
    pool.close();
  }
});

testBothBackends(
  "SDK assignments answer fast while eight heavy simulations wait or run",
  async (_t, database) => {
    const { config } = await createTestApp(database.db);
    const cache = await ConfigCache.open(database);
    const simulations = new SimulationPool({ workers: 1, queue: 2, budgetMs: 60_000 });
    const assets = await loadAssets(null);
    const deps = { db: database.db, config, assets, configCache: cache, simulations };
    const handler = createHandler(deps, createApp(deps));
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
    const origin = `http://127.0.0.1:${server.addr.port}`;
    try {
      const assign = (unit: string) =>
        fetch(`${origin}/api/v1/experiments/welcome-sms/assignment?unit=${unit}`, {
          headers: SDK_AUTH,
        }).then((res) => res.json());
      await assign("warm-up");

      const heavy = Array.from(
        { length: 8 },
        (_, i) =>
          fetch(`${origin}/api/bandits/simulate`, jsonRequest("POST", { ...HEAVY, seed: i })),
      );
      const latencies: number[] = [];
      for (let i = 0; i < 200; i++) {
        const started = performance.now();
        const answer = await assign(`C${String(i).padStart(9, "0")}`);
        latencies.push(performance.now() - started);
        assert.equal(answer.experiment, "welcome-sms");
      }
      const answers = await Promise.all(heavy);
      latencies.sort((a, b) => a - b);
      const p99 = latencies[Math.ceil(0.99 * latencies.length) - 1];
      assert.ok(p99 < 200, `SDK assignment p99 ${p99.toFixed(1)} ms during the simulations`);

      const statuses = answers.map((res) => res.status).sort();
      assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429, 429, 429]);
      for (const res of answers) {
        const body = await res.json();
        if (res.status === 429) {
          assert.equal(body.error.code, "SIMULATIONS_BUSY");
          assert.match(res.headers.get("retry-after") ?? "", /^[1-9]\d*$/);
        } else {
          const seed = answers.indexOf(res);
          assert.deepEqual(body, simulateBandit({ ...HEAVY, seed }));
        }
      }
    } finally {
      simulations.close();
      await server.shutdown();
      await cache.close();
    }
  },
);

Deno.test("POST /api/bandits/simulate: over budget is a coded 503, too much work a 400", async () => {
  const database = await openTestDatabase("pglite");
  try {
    const db = database.db;
    const simulations = new SimulationPool({ workers: 1, queue: 0, budgetMs: 100 });
    const { config } = await createTestApp(db);
    const app = createApp({ db, config, assets: await loadAssets(null), simulations });
    try {
      const res = await app.request("/api/bandits/simulate", jsonRequest("POST", HEAVY));
      assert.equal(res.status, 503);
      assert.equal((await res.json()).error.code, "SIMULATION_OVER_BUDGET");
      const en = await app.request(
        "/api/bandits/simulate",
        jsonRequest("POST", HEAVY, { "accept-language": "en" }),
      );
      assert.match((await en.json()).error.message, /longer than 0\.1 s/);
      // 20 arms × 2,000,000 pulls (17 s of CPU before) is more than the API takes now.
      const big = await app.request(
        "/api/bandits/simulate",
        jsonRequest("POST", { ...HEAVY, horizon: 200_000, runs: 10 }),
      );
      assert.equal(big.status, 400);
      assert.match((await big.json()).error.message, /arms × horizon × runs/);
    } finally {
      simulations.close();
    }
  } finally {
    await database.close();
  }
});

Deno.test("a caller that hangs up frees its worker", async () => {
  const database = await openTestDatabase("pglite");
  const simulations = new SimulationPool({ workers: 1, queue: 1, budgetMs: 60_000 });
  const { config } = await createTestApp(database.db);
  const app = createApp({ db: database.db, config, assets: await loadAssets(null), simulations });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  try {
    const hangUp = new AbortController();
    const call = fetch(`http://127.0.0.1:${server.addr.port}/api/bandits/simulate`, {
      ...jsonRequest("POST", HEAVY),
      signal: hangUp.signal,
    }).catch(() => "aborted");
    for (let i = 0; i < 100 && simulations.load.running === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(simulations.load.running, 1);
    hangUp.abort();
    assert.equal(await call, "aborted");
    const started = performance.now();
    while (simulations.load.running > 0 && performance.now() - started < 1_500) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(simulations.load, { running: 0, queued: 0 }, "the worker is stopped");
  } finally {
    simulations.close();
    await server.shutdown();
    await database.close();
  }
});
