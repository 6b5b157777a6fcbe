/**
 * Promotion after a winner whose rate is so high that the default 10 % relative lift would plan
 * a variant rate above 100 %: the default plan is capped at half the distance to 100 %, says so,
 * and the draft gets a planned sample size; a plan the caller gives is still validated.
 */
import assert from "node:assert/strict";
import { call, createSessionApp, expectJson as json } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { addIteration, seededLineageCampaignId } from "./helpers/lineage.ts";

testBothBackends(
  "promoting a 95 % winner plans a feasible lift; an explicit plan is still checked",
  async (t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    const campaignId = await seededLineageCampaignId(db);
    const decided = (key: string, iteration: number) =>
      addIteration(db, {
        bankId: "CC2",
        campaignId,
        key,
        iteration,
        status: "decided",
        winner: "gift-card",
        arms: [["control", 4000, 3600], ["gift-card", 4000, 3800]],
      });

    await t.step("the default plan is capped and the draft has a planned size", async () => {
      await decided("high-rate", 31);
      const body = await json(
        await call(app, growth, "POST", "/api/experiments/high-rate/promote", {}),
        201,
      );
      assert.equal(body.winner, "gift-card");
      assert.equal(body.plan.baselineRate, 0.95);
      assert.equal(body.plan.effectType, "relative");
      assert.equal(body.plan.effectSource, "capped");
      // Half the distance to 100 %: 0.95 → 0.975, a relative lift of 0.05 / 1.9.
      assert.ok(Math.abs(body.plan.minimumDetectableEffect - 0.05 / 1.9) < 1e-12);
      // R: power.prop.test(p1 = .95, p2 = .975, power = .8)$n = 905.3658 per arm.
      assert.equal(body.plan.perVariant, 906);
      assert.equal(body.plan.total, 1812);
      assert.equal(body.next.plannedSampleSize, 1812);
      assert.equal(body.next.baselineRate, 0.95);
    });

    await t.step("an ordinary winner keeps the 10 % default", async () => {
      await addIteration(db, {
        bankId: "CC2",
        campaignId,
        key: "ordinary-rate",
        iteration: 40,
        status: "decided",
        winner: "b",
        arms: [["a", 4000, 400], ["b", 4000, 480]],
      });
      const body = await json(
        await call(app, growth, "POST", "/api/experiments/ordinary-rate/promote", {}),
        201,
      );
      assert.equal(body.plan.effectSource, "default");
      assert.equal(body.plan.minimumDetectableEffect, 0.1);
      assert.equal(body.next.plannedSampleSize, body.plan.total);
      assert.ok(body.plan.total > 0);
    });

    await t.step("an explicit infeasible plan is still refused", async () => {
      await decided("high-rate-asked", 50);
      const res = await call(app, growth, "POST", "/api/experiments/high-rate-asked/promote", {
        plan: { minimumDetectableEffect: 0.1 },
      });
      const body = await json(res, 400);
      assert.equal(body.error.code, "BAD_PLAN");
      const after = await db.selectFrom("experiments").select("status")
        .where("key", "=", "high-rate-asked").executeTakeFirstOrThrow();
      assert.equal(after.status, "decided");
    });

    await t.step("an explicit feasible plan is used as given", async () => {
      await decided("high-rate-plan", 60);
      const body = await json(
        await call(app, growth, "POST", "/api/experiments/high-rate-plan/promote", {
          plan: { minimumDetectableEffect: 0.02, effectType: "absolute" },
        }),
        201,
      );
      assert.equal(body.plan.effectSource, "request");
      assert.equal(body.plan.minimumDetectableEffect, 0.02);
      assert.equal(body.plan.effectType, "absolute");
      assert.ok(body.next.plannedSampleSize > 0);
    });
  },
);
