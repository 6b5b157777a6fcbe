/**
 * Issue 13 item 5 on both backends: an experiment made on its own in a campaign (a bandit with
 * its own control "plain") is not chained into the campaign's lineage nor compounded; promoting
 * it drafts `…-v2` (then the next free version) with the winner's arm name and description.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { call, createSessionApp, expectJson as json } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { addIteration, seededLineageCampaignId } from "./helpers/lineage.ts";

const WINNER_DESCRIPTION = "¥5 还款红包 <script>alert(1)</script>";

/** One day of totals per arm, as ingestion would have stored them. */
async function addTotals(
  db: Kysely<Database>,
  key: string,
  arms: [string, number, number][],
) {
  const e = await db.selectFrom("experiments").select(["id", "bank_id"]).where("key", "=", key)
    .executeTakeFirstOrThrow();
  await db.insertInto("daily_stats").values(arms.map(([variant, users, converters]) => ({
    experiment_id: e.id,
    bank_id: e.bank_id,
    variant,
    day: "2026-03-02",
    users,
    converters,
  }))).execute();
}

testBothBackends(
  "a bandit made on its own in a campaign stands alone; its promotion is named -v2 and keeps the winner",
  async (t, { db }) => {
    const { app, growth } = await setUpCampaign(db);
    const { id: campaignId, before } = app.campaign;

    await t.step("the standalone bandit is not chained in nor compounded", async () => {
      const body = await json(
        await call(app.app, growth, "GET", `/api/campaigns/${campaignId}/lineage`),
        200,
      );
      assert.deepEqual(body.steps.map((s: { key: string }) => s.key), [
        "wake-push-1",
        "wake-push-2",
        "wake-push-3",
      ]);
      assert.deepEqual(
        body.compounded,
        before.compounded,
        "the chain's compounded lift is unchanged",
      );
      assert.equal(body.compounded.decidedSteps, 2);
      assert.deepEqual(body.series, before.series);
      assert.deepEqual(body.standalone.map((s: { key: string }) => s.key), ["repay-bandit-v1"]);
      const alone = body.standalone[0];
      assert.equal(alone.control, "plain");
      assert.equal(alone.winner, "coupon");
      assert.equal(alone.compounded, null);
      assert.ok(Math.abs(alone.result.lift - ((900 / 9000) / (60 / 3000) - 1)) < 1e-12);
    });

    await t.step("promoting it drafts repay-bandit-v2 with the winner as control", async () => {
      const res = await call(
        app.app,
        growth,
        "POST",
        "/api/experiments/repay-bandit-v1/promote",
        {},
      );
      const body = await json(res, 201);
      assert.equal(body.winner, "coupon");
      assert.equal(body.next.key, "repay-bandit-v2");
      assert.equal(body.next.name, "还款提醒老虎机 · v2");
      assert.deepEqual(body.next.variants[0], {
        name: "coupon",
        description: WINNER_DESCRIPTION,
        weight: 0.5,
      });
      const lineage = await json(
        await call(app.app, growth, "GET", `/api/campaigns/${campaignId}/lineage`),
        200,
      );
      assert.equal(lineage.steps.length, 3, "the longer promotion chain stays the chain");
      assert.deepEqual(
        lineage.standalone.map((s: { key: string; parentKey: string | null }) => [
          s.key,
          s.parentKey,
        ]),
        [["repay-bandit-v1", null], ["repay-bandit-v2", "repay-bandit-v1"]],
      );
    });

    await t.step("a taken version is skipped; a taken key asked for is refused", async () => {
      const base = { bankId: "CC2", campaignId, status: "decided" as const, winner: "b" };
      const arms: [string, number, number][] = [["a", 4000, 80], ["b", 4000, 120]];
      await addIteration(db, { ...base, key: "limit-sms", iteration: 20, arms });
      await addIteration(db, { ...base, key: "limit-sms-v2", iteration: 21, arms });
      const taken = await call(app.app, growth, "POST", "/api/experiments/limit-sms/promote", {
        key: "limit-sms-v2",
      });
      const refused = await json(taken, 409);
      assert.equal(refused.error.code, "KEY_TAKEN");
      const next = await json(
        await call(app.app, growth, "POST", "/api/experiments/limit-sms/promote", {}),
        201,
      );
      assert.equal(next.next.key, "limit-sms-v3");
      assert.equal(next.next.name, "limit-sms · v3");
    });
  },
);

async function setUpCampaign(db: Kysely<Database>) {
  const { app, growth } = await createSessionApp(db);
  const id = await seededLineageCampaignId(db);
  const before = await json(await call(app, growth, "GET", `/api/campaigns/${id}/lineage`), 200);
  await json(
    await call(app, growth, "POST", "/api/experiments", {
      key: "repay-bandit-v1",
      name: "还款提醒老虎机",
      campaignId: id,
      mode: "bandit",
      variants: [
        { name: "plain", description: "普通还款提醒", weight: 1 },
        { name: "coupon", description: WINNER_DESCRIPTION, weight: 1 },
      ],
    }),
    201,
  );
  await json(await call(app, growth, "POST", "/api/experiments/repay-bandit-v1/start", {}), 200);
  await addTotals(db, "repay-bandit-v1", [["plain", 3000, 60], ["coupon", 9000, 900]]);
  await json(await call(app, growth, "POST", "/api/experiments/repay-bandit-v1/stop", {}), 200);
  await json(
    await call(app, growth, "POST", "/api/experiments/repay-bandit-v1/decide", {
      winner: "coupon",
    }),
    200,
  );
  return { app: { app, campaign: { id, before } }, growth };
}
