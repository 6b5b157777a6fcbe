/**
 * The promotion's confirmation page asks only about an arm the experiment has (issue 13,
 * item 8: the page says what the action will do). It used to ask "Promote nonexistent and draft
 * the next round?" for any posted winner, NUL included, and fail only once confirmed; deciding
 * already refused an unknown arm before asking.
 */
import assert from "node:assert/strict";
import { createExperiment } from "../db/experiments.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends("promote refuses an arm the experiment does not have before asking", async (
  _t,
  { db },
) => {
  const { app } = await createTestApp(db);
  await createExperiment(db, {
    bankId: "CC2",
    campaignId: null,
    key: "pay-sms",
    name: "还款提醒",
    status: "running",
    startedAt: new Date("2026-01-01T00:00:00Z"),
    variants: [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }],
    createdBy: null,
  });
  const cookie = await sessionCookie(db, DEMO_USERS.growth);
  for (const lang of ["zh-CN", "en"]) {
    for (const winner of ["nonexistent", "\u0000", "<script>"]) {
      const res = await app.request("/experiments/pay-sms/promote", {
        method: "POST",
        headers: {
          cookie: `lang=${lang}; ${cookie}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ winner }),
      });
      const html = await res.text();
      assert.equal(res.status, 400, `${lang} ${JSON.stringify(winner)}`);
      assert.ok(!html.includes('name="confirmed"'), "no confirmation form for an unknown arm");
    }
    const ok = await app.request("/experiments/pay-sms/promote", {
      method: "POST",
      headers: {
        cookie: `lang=${lang}; ${cookie}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ winner: "control" }),
    });
    assert.equal(ok.status, 200, "a real arm still gets the confirmation page");
    assert.ok((await ok.text()).includes('name="confirmed"'));
  }
  const row = await db.selectFrom("experiments").select("status").where("key", "=", "pay-sms")
    .executeTakeFirstOrThrow();
  assert.equal(row.status, "running");
});
