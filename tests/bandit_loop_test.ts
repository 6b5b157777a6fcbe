/**
 * A bandit under simulated traffic, on both backends: rounds of new customers through batch
 * assignment, their exposures and conversions (true rates 4 %, 10 %, 1 %), a reweighting after
 * each round. The allocation moves toward the best arm, the hopeless arm is cut to the floor and
 * flagged, no customer ever changes arm, every stored reweighting replays from its inputs and
 * seed (weights and the arms given in its period), the split of each period matches its weights,
 * and the winner is promoted into a confirming A/B against the former control.
 */
import assert from "node:assert/strict";
import { listAllocations, reweightExperiment, startBanditScheduler } from "../db/bandits.ts";
import { banditArm, reweight } from "../lib/experiments/bandit.ts";
import { createTestApp, DEMO_USERS, jsonRequest, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";
import { simulateTraffic } from "./loop_test.ts";

const RATES = { control: 0.04, coupon: 0.1, call: 0.01 };
const ARMS = Object.keys(RATES).map((name) => ({ name, weight: 1 / 3 }));

testBothBackends(
  "a bandit moves traffic to the best arm and cuts a hopeless one",
  async (t, { db }) => {
    let clock = new Date("2026-03-01T08:00:00Z");
    const { app } = await createTestApp(db, { now: () => clock });
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const id = await makeExperiment(db, { key: "bind-bandit", mode: "bandit", variants: ARMS });
    const first = new Map<string, string>();
    const sharesOfBest: number[] = [];

    await t.step("no reweighting before every arm has its burn-in", async () => {
      await simulateTraffic(app, "bind-bandit", units(0, 150), RATES, 100);
      for (const [u, arm] of await armsOf(units(0, 150))) first.set(u, arm);
      const res = await app.request(
        "/api/experiments/bind-bandit/reweight",
        jsonRequest("POST", {}, { cookie: growth }),
      );
      assert.equal(res.status, 409);
      assert.equal((await res.json()).error.code, "BURN_IN_NOT_REACHED");
      assert.equal((await listAllocations(db, id)).length, 0);
    });

    for (let round = 1; round <= 6; round++) {
      const fresh = units(150 + (round - 1) * 900, 150 + round * 900);
      const arms = await simulateTraffic(app, "bind-bandit", fresh, RATES, round);
      sharesOfBest.push([...arms.values()].filter((a) => a === "coupon").length / fresh.length);
      for (const [u, arm] of arms) first.set(u, arm);
      clock = new Date(clock.getTime() + 15 * 60_000);
      const outcome = await reweightExperiment(db, id, {
        now: clock,
        seed: String(1000 + round),
        reason: "scheduled",
      });
      assert.equal(outcome.status, "stored", `round ${round}`);
    }

    await t.step("traffic moves toward the best arm", () => {
      assert.ok(
        sharesOfBest.at(-1)! > 0.85 && sharesOfBest.at(-1)! > sharesOfBest[0] + 0.3,
        `shares of the best arm by round: ${sharesOfBest.join(", ")}`,
      );
    });

    const allocations = await listAllocations(db, id);

    await t.step("the hopeless arm is cut to the floor and flagged", async () => {
      const last = allocations.at(-1)!;
      assert.equal(last.cut[2], true, "the 1 % arm is cut");
      assert.equal(last.cut[1], false, "the best arm is not");
      assert.equal(last.weights[2], 0.01, "a cut arm keeps exactly the floor");
      assert.ok(last.weights[1] > 0.9);
      const results = await (await app.request("/api/experiments/bind-bandit/results", {
        headers: { cookie: growth },
      })).json();
      assert.ok(results.bandit.offline.includes("call"));
      assert.ok(!results.bandit.offline.includes("coupon"));
      assert.deepEqual(results.bandit.weights, last.weights);
    });

    await t.step("no customer ever changes arm", async () => {
      const again = await armsOf([...first.keys()]);
      for (const [u, arm] of first) assert.equal(again.get(u), arm, u);
      const stored = await db.selectFrom("assignments").select(["unit", "variant"])
        .where("experiment_id", "=", id).execute();
      assert.equal(stored.length, first.size);
      for (const s of stored) assert.equal(first.get(s.unit), s.variant);
    });

    await t.step("each stored reweighting replays from its inputs and seed", async () => {
      assert.equal(allocations.length, 6);
      for (const a of allocations) {
        const replay = reweight(a.inputs.arms, a.inputs);
        assert.deepEqual(replay.weights, a.weights);
        assert.deepEqual(replay.probabilityBest, a.probabilityBest);
        assert.deepEqual(replay.cut, a.cut);
        const given = await db.selectFrom("assignments").select(["unit", "variant"])
          .where("experiment_id", "=", id).where("allocation_id", "=", a.id).execute();
        const variants = ARMS.map((arm, i) => ({ name: arm.name, weight: a.weights[i] }));
        for (const g of given) {
          assert.equal(banditArm("bind-bandit", a.seed, g.unit, variants), g.variant);
        }
      }
    });

    await t.step(
      "each allocation period splits as its weights say; the winner is named",
      async () => {
        const results = await (await app.request("/api/experiments/bind-bandit/results", {
          headers: { cookie: growth },
        })).json();
        assert.equal(results.bandit.periods.length, 7);
        for (const p of results.bandit.periods) {
          assert.equal(
            p.srm.mismatch,
            false,
            JSON.stringify(p),
          );
        }
        assert.equal(results.recommendation.action, "ship");
        assert.equal(results.recommendation.winner, "coupon");
        assert.deepEqual(results.recommendation.reasons, ["BANDIT_CONFIDENT"]);
      },
    );

    await t.step("a scheduled round stores nothing before the interval has passed", async () => {
      const early = await reweightExperiment(db, id, {
        now: new Date(clock.getTime() + 60_000),
        seed: "1",
        reason: "scheduled",
      });
      assert.equal(early.status, "not_due");
      const stop = startBanditScheduler(db, {
        everyMs: 20,
        now: () => new Date(clock.getTime() + 16 * 60_000),
        seed: () => "77",
      });
      for (let i = 0; i < 100 && (await listAllocations(db, id)).length < 7; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await stop();
      const after = await listAllocations(db, id);
      assert.equal(after.length, 7, "the schedule stored exactly one more");
      assert.equal(after.at(-1)!.seed, "77");
    });

    await t.step("the winner goes into a confirming A/B against the former control", async () => {
      const res = await app.request(
        "/api/experiments/bind-bandit/promote",
        jsonRequest("POST", { confirm: true }, { cookie: growth }),
      );
      const body = await res.json();
      assert.equal(res.status, 201, JSON.stringify(body));
      assert.equal(body.decided.winnerVariant, "coupon");
      assert.equal(body.next.mode, "ab");
      assert.deepEqual(body.next.variants.map((v: { name: string }) => v.name), [
        "coupon",
        "control",
      ]);
      const stale = await reweightExperiment(db, id, {
        now: clock,
        seed: "2",
        reason: "on_demand",
      });
      assert.equal(stale.status, "not_running", "a decided bandit is not reweighted");
    });

    function units(from: number, to: number) {
      return Array.from({ length: to - from }, (_, i) => `B${from + i}`);
    }

    async function armsOf(list: string[]) {
      const arms = new Map<string, string>();
      for (let i = 0; i < list.length; i += 10_000) {
        const res = await sdkCall(app, "POST", "/api/v1/assignments", {
          experiment: "bind-bandit",
          units: list.slice(i, i + 10_000),
        });
        for (const a of res.body.assignments) arms.set(a.unit, a.variant);
      }
      return arms;
    }
  },
);
