/**
 * Issue 13, item 2: a bandit's statistics are weighted by allocation period. Two identical arms
 * get 50/50 while the base rate is 10 %, then 10/90 while it is 2 % (a campaign's second week):
 * the pooled totals (7.7 % against 3.8 %) would make the first arm "best" with near certainty and
 * an A/B p-value of ~1e-40. Through the real assignment and ingestion path, on both backends, the
 * read-out, the recommendation and the next reweighting see two equal arms, and the stored
 * reweighting (inputs version 2, with the counts per period) replays.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { listAllocations, reweightExperiment } from "../db/bandits.ts";
import { reweight } from "../lib/experiments/bandit.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment } from "./helpers/sdk.ts";
import { simulateTraffic } from "./loop_test.ts";

const ARMS = [{ name: "control", weight: 0.5 }, { name: "cashback_10", weight: 0.5 }];
const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `C${String(from + i + 1).padStart(9, "0")}`);
// deno-lint-ignore no-explicit-any
const json = (value: unknown): any => sql`cast(cast(${JSON.stringify(value)} as text) as jsonb)`;

testBothBackends(
  "bandit statistics are weighted by allocation period (Simpson's paradox)",
  async (t, { db }) => {
    let clock = new Date("2026-03-01T08:00:00Z");
    const { app } = await createTestApp(db, { now: () => clock });
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const id = await makeExperiment(db, { key: "repay-bandit", mode: "bandit", variants: ARMS });
    const rates = (r: number) => Object.fromEntries(ARMS.map((a) => [a.name, r]));

    // Week 1: 50/50 at 10 %.
    await simulateTraffic(app, "repay-bandit", ids(0, 4000), rates(0.1), 1);
    // The weights moved to 10/90 (a reweighting stored the way rows were before issue 13:
    // inputs without a version, computed on the totals).
    const experiment = await db.selectFrom("experiments").select("bank_id").where("id", "=", id)
      .executeTakeFirstOrThrow();
    clock = new Date("2026-03-08T08:00:00Z");
    const oldInputs = {
      arms: [{ name: "control", users: 2000, conversions: 200 }, {
        name: "cashback_10",
        users: 2000,
        conversions: 200,
      }],
      minShare: 0.01,
      burnIn: 100,
      cutBelow: 0.01,
    };
    await db.insertInto("allocations").values({
      experiment_id: id,
      bank_id: experiment.bank_id,
      computed_at: clock,
      seed: "20260308",
      inputs: json(oldInputs),
      probability_best: json([0.1, 0.9]),
      weights: json([0.1, 0.9]),
      cut: json([false, false]),
      reason: "on_demand",
    }).execute();
    await db.updateTable("experiments")
      .set((eb) => ({ config_version: eb("config_version", "+", 1) }))
      .where("id", "=", id).execute();
    // Week 2: 10/90 at 2 %.
    clock = new Date("2026-03-09T08:00:00Z");
    const week2 = await simulateTraffic(app, "repay-bandit", ids(4000, 14000), rates(0.02), 2);
    const second = [...week2.values()].filter((a) => a === "cashback_10").length / week2.size;
    assert.ok(second > 0.87 && second < 0.93, `week 2 share of the second arm ${second}`);

    await t.step(
      "the read-out compares the arms period by period, not the pooled totals",
      async () => {
        const res = await app.request("/api/experiments/repay-bandit/results", {
          headers: { cookie: growth },
        });
        assert.equal(res.status, 200);
        const body = await res.json();
        const pooled = body.variants.map((v: { users: number; conversions: number }) =>
          v.conversions / v.users
        );
        assert.ok(pooled[0] > 1.6 * pooled[1], `pooled rates ${pooled} (the paradox is there)`);
        const [a, b] = body.bandit.probabilityBest;
        assert.ok(a > 0.1 && a < 0.9 && b > 0.1, `probability best ${a}, ${b}`);
        const [row] = body.comparisons;
        assert.ok(row.pValue > 0.001 && !row.significant, JSON.stringify(row));
        assert.ok(Math.abs(row.rate / row.controlRate - 1) < 0.25, JSON.stringify(row));
        assert.ok(row.relativeCi[0] < 0 && row.relativeCi[1] > 0 && row.relativeCi[0] >= -1);
        assert.ok(body.omnibus.pValue > 0.001);
        assert.deepEqual(body.bandit.periods.map((p: { users: number[] }) => p.users.length), [
          2,
          2,
        ]);
        assert.ok(Math.abs(body.bandit.periods[0].share - 4000 / 14000) < 1e-12);
        assert.notEqual(body.recommendation.action, "ship");
      },
    );

    await t.step("the page says the figures are weighted by period", async () => {
      const res = await app.request("/experiments/repay-bandit", { headers: { cookie: growth } });
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /data-testid="weighted-note"/);
    });

    await t.step(
      "the next reweighting sees two equal arms and replays from its inputs",
      async () => {
        clock = new Date("2026-03-10T08:00:00Z");
        const outcome = await reweightExperiment(db, id, {
          now: clock,
          seed: "4242",
          reason: "on_demand",
        });
        assert.equal(outcome.status, "stored");
        const [old, fresh] = await listAllocations(db, id);
        assert.equal(fresh.inputs.version, 2);
        assert.equal(fresh.inputs.periods!.length, 2);
        assert.equal(fresh.inputs.periods![1].allocationId, old.id);
        assert.ok(fresh.weights[0] > 0.1 && fresh.weights[1] > 0.1, `weights ${fresh.weights}`);
        assert.deepEqual(fresh.cut, [false, false]);
        const replay = reweight(fresh.inputs.arms, fresh.inputs);
        assert.deepEqual(replay.weights, fresh.weights);
        assert.deepEqual(replay.probabilityBest, fresh.probabilityBest);
        // An old row (no version, no periods) is computed on its totals, as it was stored.
        assert.equal(old.inputs.version, undefined);
        const pooled = reweight(old.inputs.arms, old.inputs);
        assert.ok(Math.abs(pooled.probabilityBest[0] - 0.5) < 1e-9);
      },
    );
  },
);
