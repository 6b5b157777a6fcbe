/**
 * The closed loop through the API, on both backends: a campaign's first A/B iteration gets
 * simulated SDK traffic, its results name a winner, "promote" decides it and drafts the second
 * iteration with the winner as control, the observed rate as baseline and the recommended
 * sample size; and every way to promote wrongly answers a coded 4xx that changes nothing.
 */
import assert from "node:assert/strict";
import { createRng } from "../lib/random.ts";
import { sampleSizeProportions } from "../lib/stats/power.ts";
import { call, createSessionApp, createTestApp, expectJson as json } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { sdkCall } from "./helpers/sdk.ts";

type App = Awaited<ReturnType<typeof createTestApp>>["app"];

/**
 * Sends `units` customers through batch assignment, exposes them all and converts each with
 * its arm's true rate (seeded), as a bank's systems would.
 */
export async function simulateTraffic(
  app: App,
  experiment: string,
  units: string[],
  rates: Record<string, number>,
  seed: number,
): Promise<Map<string, string>> {
  const rng = createRng(seed);
  const arms = new Map<string, string>();
  const assigned = await sdkCall(app, "POST", "/api/v1/assignments", { experiment, units });
  assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
  const events: unknown[] = [];
  for (const a of assigned.body.assignments) {
    assert.equal(a.inExperiment, true);
    arms.set(a.unit, a.variant);
    events.push({ id: `x-${experiment}-${a.unit}`, type: "exposure", experiment, unit: a.unit });
    if (rng() < rates[a.variant]) {
      events.push({
        id: `c-${experiment}-${a.unit}`,
        type: "conversion",
        experiment,
        unit: a.unit,
      });
    }
  }
  for (let i = 0; i < events.length; i += 5000) {
    const sent = await sdkCall(app, "POST", "/api/v1/events", {
      events: events.slice(i, i + 5000),
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual(sent.body.rejected, []);
  }
  return arms;
}

const setUp = createSessionApp;

testBothBackends(
  "a decided A/B iteration is promoted: the winner is the next iteration's control",
  async (t, { db }) => {
    const { app, growth, exec, other } = await setUp(db);
    const campaign = await json(
      await call(app, growth, "POST", "/api/campaigns", {
        name: "首次绑卡激励",
        channel: "sms",
      }),
      201,
    );
    const campaignId = campaign.campaign.id;
    await json(
      await call(app, growth, "POST", "/api/experiments", {
        key: "card-bind",
        name: "Card binding",
        campaignId,
        variants: [
          { name: "control", description: "Plain reminder", weight: 1 },
          { name: "bonus", description: "¥10 bonus", weight: 1 },
        ],
      }),
      201,
    );

    await t.step("a draft cannot be promoted", async () => {
      const res = await call(app, growth, "POST", "/api/experiments/card-bind/promote", {});
      assert.equal((await json(res, 409)).error.code, "INVALID_TRANSITION");
    });

    await json(await call(app, growth, "POST", "/api/experiments/card-bind/start"), 200);
    const units = Array.from({ length: 4000 }, (_, i) => `C${(i * 7919) % 100003}`);

    await t.step("before the data name a winner, promoting a challenger is refused", async () => {
      await simulateTraffic(app, "card-bind", units.slice(0, 60), {
        control: 0.05,
        bonus: 0.12,
      }, 1);
      const res = await call(app, growth, "POST", "/api/experiments/card-bind/promote", {
        winner: "bonus",
      });
      assert.equal((await json(res, 409)).error.code, "WINNER_NOT_SUPPORTED");
      const none = await call(app, growth, "POST", "/api/experiments/card-bind/promote", {});
      assert.equal((await json(none, 409)).error.code, "NOT_DECIDED");
      const still = await json(await call(app, growth, "GET", "/api/experiments/card-bind"), 200);
      assert.equal(still.experiment.status, "running", "a refused promotion changes nothing");
    });

    await simulateTraffic(app, "card-bind", units.slice(60), { control: 0.05, bonus: 0.12 }, 2);
    const results = await json(
      await call(app, growth, "GET", "/api/experiments/card-bind/results"),
      200,
    );
    assert.equal(results.recommendation.action, "ship");
    assert.equal(results.recommendation.winner, "bonus");
    const bonus = results.variants.find((v: { name: string }) => v.name === "bonus");
    assert.equal(
      results.variants.reduce((n: number, v: { users: number }) => n + v.users, 0),
      4000,
    );

    await t.step("bad promotions: 4xx, nothing changes", async () => {
      const cases: Array<[string, unknown, number, string]> = [
        [growth, { winner: "nobody" }, 400, "UNKNOWN_VARIANT"],
        [growth, { confirm: "yes" }, 400, "VALIDATION_ERROR"],
        [growth, { key: "Bad Key" }, 400, "VALIDATION_ERROR"],
        [growth, { extra: 1 }, 400, "VALIDATION_ERROR"],
        [growth, { plan: { minimumDetectableEffect: -1 } }, 400, "VALIDATION_ERROR"],
        [growth, { key: "card-bind" }, 409, "KEY_TAKEN"],
        [growth, { confirm: true, winner: "control" }, 400, "NOTHING_TO_CONFIRM"],
        [exec, {}, 403, "FORBIDDEN"],
        [other, {}, 404, "NOT_FOUND"],
      ];
      for (const [cookie, body, status, code] of cases) {
        const res = await call(app, cookie, "POST", "/api/experiments/card-bind/promote", body);
        assert.equal((await json(res, status)).error.code, code, JSON.stringify(body));
      }
      const malformed = await app.request("/api/experiments/card-bind/promote", {
        method: "POST",
        headers: { cookie: growth, "content-type": "application/json" },
        body: "{",
      });
      assert.equal((await json(malformed, 400)).error.code, "MALFORMED_JSON");
      const still = await json(await call(app, growth, "GET", "/api/experiments/card-bind"), 200);
      assert.equal(still.experiment.status, "running");
      const drafts = await db.selectFrom("experiments").select("key")
        .where("campaign_id", "=", campaignId).execute();
      assert.equal(drafts.length, 1, "no half-made next iteration");
    });

    const promoted = await json(
      await call(app, growth, "POST", "/api/experiments/card-bind/promote", {}),
      201,
    );

    await t.step("the first iteration is decided for the winner", () => {
      assert.equal(promoted.winner, "bonus");
      assert.equal(promoted.decided.status, "decided");
      assert.equal(promoted.decided.winnerVariant, "bonus");
    });

    await t.step("the second iteration has the winner as control and a plan", async () => {
      const next = promoted.next;
      assert.equal(next.key, "card-bind-v2");
      assert.equal(next.iteration, 2);
      assert.equal(next.campaignId, campaignId);
      assert.equal(next.status, "draft");
      assert.equal(next.mode, "ab");
      assert.equal(next.variants[0].name, "bonus");
      assert.equal(next.variants[0].description, "¥10 bonus");
      assert.equal(next.variants.length, 2);
      assert.equal(next.baselineRate, bonus.rate);
      const expected = sampleSizeProportions({
        baselineRate: bonus.rate,
        variantRate: bonus.rate * 1.1,
      });
      assert.equal(promoted.plan.perVariant, expected.perVariant);
      assert.equal(next.plannedSampleSize, expected.total);
      const parent = await db.selectFrom("experiments as e")
        .innerJoin("experiments as p", "p.id", "e.parent_experiment_id")
        .select("p.key").where("e.key", "=", "card-bind-v2").executeTakeFirstOrThrow();
      assert.equal(parent.key, "card-bind", "the lineage is recorded");
    });

    await t.step("promoting twice is refused, and the move is audited", async () => {
      const again = await call(app, growth, "POST", "/api/experiments/card-bind/promote", {});
      assert.equal((await json(again, 409)).error.code, "ALREADY_PROMOTED");
      const entries = await db.selectFrom("audit_log").select(["action", "details"])
        .where("action", "=", "experiment.promote").execute();
      assert.equal(entries.length, 1);
      assert.equal(entries[0].details.next, "card-bind-v2");
    });

    await t.step("the next iteration runs with the new control", async () => {
      await json(await call(app, growth, "POST", "/api/experiments/card-bind-v2/start"), 200);
      const arms = await simulateTraffic(app, "card-bind-v2", units.slice(0, 200), {
        bonus: 0.12,
        challenger: 0.12,
      }, 3);
      assert.ok([...arms.values()].includes("bonus"));
    });
  },
);
