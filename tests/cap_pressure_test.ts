/**
 * The `cap_pressure` alert (issues 17 and 18): a send list of which a fifth or more is held back
 * by contact caps raises one alert per experiment and day, with one delivery per channel of the
 * bank; a list mostly delivered raises none.
 */
import assert from "node:assert/strict";
import { createCampaign } from "../db/campaigns.ts";
import { createTestApp, expectJson, jsonRequest, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const ARMS = [{ name: "对照组", weight: 1 }, { name: "加息券", weight: 1 }];

testBothBackends(
  "a send list held back by caps raises cap_pressure once a day",
  async (t, { db }) => {
    const clock = { now: new Date("2026-12-01T02:00:00Z") }; // 10:00 in Beijing
    const { app } = await createTestApp(db, { now: () => clock.now });
    for (const key of ["salary-sms", "card-sms"]) {
      const campaign = await createCampaign(db, {
        bankId: "CC2",
        name: `${key} 短信活动`,
        channel: "sms",
        segment: {},
        description: "",
        createdBy: null,
      });
      const id = await makeExperiment(db, { key, variants: ARMS, bankId: "CC2" });
      await db.updateTable("experiments").set({ campaign_id: campaign.id }).where("id", "=", id)
        .execute();
    }
    const admin = await sessionCookie(db, "admin@test.local", clock.now);
    const put = await app.request(
      "/api/contact-policy?bank=CC2",
      jsonRequest("PUT", {
        caps: [{ channel: "sms", max: 1, windowHours: 168 }],
        quietHours: null,
        holdout: null,
      }, { cookie: admin }),
    );
    await expectJson(put, 200);
    const list = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => String(13800000000 + from + i)); // phone numbers
    const send = async (key: string, units: string[]) => {
      const res = await sdkCall(app, "POST", "/api/v1/assignments", { experiment: key, units });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.assignments as Array<{ reason: string }>;
    };
    const alerts = () =>
      db.selectFrom("alerts" as never).select(["type", "cause", "details"] as never[])
        .where("type" as never, "=", "cap_pressure" as never).execute() as Promise<
          Array<{ type: string; cause: string; details: { units: number; capped: number } }>
        >;

    await t.step("a list delivered in full raises nothing", async () => {
      const answers = await send("salary-sms", list(0, 200));
      assert.ok(answers.every((a) => a.reason === "assigned"));
      assert.equal((await alerts()).length, 0);
    });

    await t.step("a list of which 19 % is capped raises nothing", async () => {
      // 38 customers already had their SMS this week, 162 are new: 19 % capped.
      const answers = await send("card-sms", [...list(0, 38), ...list(1000, 162)]);
      assert.equal(answers.filter((a) => a.reason === "frequency_capped").length, 38);
      assert.equal((await alerts()).length, 0);
    });

    await t.step("a list of which a fifth or more is capped raises one alert", async () => {
      const answers = await send("card-sms", [...list(38, 150), ...list(2000, 50)]);
      assert.equal(answers.filter((a) => a.reason === "frequency_capped").length, 150);
      const raised = await alerts();
      assert.equal(raised.length, 1);
      assert.equal(raised[0].cause, "day:2026-12-01");
      assert.deepEqual([raised[0].details.units, raised[0].details.capped], [200, 150]);
      // The same day again: still one.
      await send("card-sms", list(38, 150));
      assert.equal((await alerts()).length, 1);
    });

    await t.step("the next day it is raised again", async () => {
      clock.now = new Date("2026-12-02T02:00:00Z");
      await send("card-sms", list(38, 150));
      assert.deepEqual((await alerts()).map((a) => a.cause).sort(), [
        "day:2026-12-01",
        "day:2026-12-02",
      ]);
    });
  },
);
