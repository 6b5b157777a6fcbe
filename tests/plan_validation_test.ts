/**
 * Issue 13 item 9 on both backends: a minimum detectable effect too small to plan (1e-17 leaves
 * the variant rate equal to the baseline; 1e-9 needs more users than fit the plan) is refused
 * with 400 and a message in the reader's language, the same way by `/api/stats/sample-size`,
 * `POST /api/experiments`, `PATCH` of a draft and a promotion's `plan` (it was a 500 before).
 */
import assert from "node:assert/strict";
import { call, createSessionApp, expectJson as json } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { addIteration, seededLineageCampaignId } from "./helpers/lineage.ts";

const TINY = [1e-17, 1e-9];
const MESSAGES = {
  "zh-CN": [/实验组转化率为 10%/, /提升太小：所需样本超过 2,000,000,000 人的上限/],
  en: [
    /gives an arm rate of 10%/,
    /more than the limit of 2,000,000,000 users/,
  ],
} as const;

testBothBackends(
  "a minimum detectable effect too small to plan is a 400 everywhere, never a 500",
  async (t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    const send = (method: string, path: string, body: unknown, lang: string) =>
      app.request(path, {
        method,
        headers: { cookie: `lang=${lang}; ${growth}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const draft = {
      name: "首次绑卡短信",
      variants: [{ name: "control", weight: 1 }, { name: "bonus", weight: 1 }],
    };

    for (const [lang, messages] of Object.entries(MESSAGES)) {
      for (const [i, mde] of TINY.entries()) {
        await t.step(`${lang}: effect ${mde}`, async () => {
          const plan = { baselineRate: 0.1, minimumDetectableEffect: mde };
          const calc = await json(await send("POST", "/api/stats/sample-size", plan, lang), 400);
          assert.equal(calc.error.code, "INVALID_EFFECT");
          assert.match(calc.error.message, messages[i]);
          const key = `tiny-${lang.toLowerCase()}-${i}`;
          const created = await json(
            await send("POST", "/api/experiments", { ...draft, key, plan }, lang),
            400,
          );
          assert.equal(created.error.code, "BAD_PLAN");
          assert.equal(created.error.message, calc.error.message, "one validation, one message");
          await json(await send("POST", "/api/experiments", { ...draft, key }, lang), 201);
          const patched = await json(
            await send("PATCH", `/api/experiments/${key}`, { plan }, lang),
            400,
          );
          assert.equal(patched.error.message, calc.error.message);
        });
      }
    }

    await t.step("a promotion's plan is checked the same way", async () => {
      const campaignId = await seededLineageCampaignId(db);
      await addIteration(db, {
        bankId: "CC2",
        campaignId,
        key: "tiny-promote",
        iteration: 30,
        status: "decided",
        winner: "b",
        arms: [["a", 4000, 400], ["b", 4000, 480]],
      });
      const res = await call(app, growth, "POST", "/api/experiments/tiny-promote/promote", {
        plan: { minimumDetectableEffect: 1e-9 },
      });
      const body = await json(res, 400);
      assert.equal(body.error.code, "BAD_PLAN");
      const after = await db.selectFrom("experiments").select("status")
        .where("key", "=", "tiny-promote").executeTakeFirstOrThrow();
      assert.equal(after.status, "decided");
    });

    await t.step("a plannable effect still gives the calculator's numbers", async () => {
      const plan = { baselineRate: 0.1, minimumDetectableEffect: 0.1 };
      const calc = await json(await send("POST", "/api/stats/sample-size", plan, "en"), 200);
      const created = await json(
        await send("POST", "/api/experiments", { ...draft, key: "plannable", plan }, "en"),
        201,
      );
      assert.equal(created.experiment.plannedSampleSize, calc.total);
    });
  },
);
