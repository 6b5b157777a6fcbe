/**
 * Campaign and experiment pages on both backends: tenancy (redirect, 404, 403), the results page
 * in both languages with data and without, and the forms driving create → edit → start → stop →
 * decide.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import { sampleSizeProportions, targetRate } from "../lib/stats/power.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

function form(cookie: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  }
  return {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body,
  };
}

/** A day of sufficient statistics: 20,000 users, past the demo's planned 16,316. */
async function addStats(db: Kysely<Database>, key: string) {
  const e = await db.selectFrom("experiments").select(["id", "bank_id"]).where("key", "=", key)
    .executeTakeFirstOrThrow();
  await db.insertInto("daily_stats").values([
    {
      experiment_id: e.id,
      bank_id: e.bank_id,
      variant: "control",
      day: "2026-01-01",
      users: 10_000,
      converters: 500,
    },
    {
      experiment_id: e.id,
      bank_id: e.bank_id,
      variant: "coupon",
      day: "2026-01-01",
      users: 10_000,
      converters: 660,
    },
  ]).execute();
}

testBothBackends("experiment and campaign pages: tenancy and roles", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  await createUser(db, {
    email: "growth@cc1.test",
    role: "growth",
    bankId: "CC1",
    passwordHash: await hashPassword("unused-password-1", 1000),
  });
  const other = await sessionCookie(db, "growth@cc1.test");
  const exec = await sessionCookie(db, DEMO_USERS.executive);
  const consultant = await sessionCookie(db, DEMO_USERS.consultant);
  const campaign = await db.selectFrom("campaigns").select("id").executeTakeFirstOrThrow();
  const pages = [
    "/experiments/welcome-sms",
    `/campaigns/${campaign.id}`,
  ];
  for (const path of pages) {
    const anonymous = await app.request(path);
    assert.equal(anonymous.status, 303, path);
    assert.match(anonymous.headers.get("location") ?? "", /^\/login\?next=/);
    const res = await app.request(path, { headers: { cookie: other } });
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
    const denied = await app.request(path, { headers: { cookie: consultant } });
    assert.equal(denied.status, 403, path);
    await denied.body?.cancel();
  }
  for (const path of ["/experiments/welcome-sms/stop", `/campaigns/${campaign.id}`]) {
    const res = await app.request(path, form(other, { name: "x", channel: "sms" }));
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
    const forbidden = await app.request(path, form(exec, { name: "x", channel: "sms" }));
    assert.equal(forbidden.status, 403, path);
    await forbidden.body?.cancel();
  }
  const list = await app.request("/experiments", { headers: { cookie: other } });
  assert.doesNotMatch(await list.text(), /welcome-sms/);
  const execPage = await app.request("/experiments/welcome-sms", { headers: { cookie: exec } });
  const html = await execPage.text();
  assert.equal(execPage.status, 200);
  assert.doesNotMatch(html, /data-testid="action-stop"/, "executives get no buttons");
  assert.match(html, /data-testid="not-enough"/);
  assert.equal((await app.request("/experiments/new", { headers: { cookie: exec } })).status, 403);
});

testBothBackends(
  "the results page shows the recommendation and read-out in both languages",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    await addStats(db, "welcome-sms");
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const zh =
      await (await app.request("/experiments/welcome-sms", { headers: { cookie: growth } }))
        .text();
    assert.match(zh, /data-testid="recommendation" data-action="ship"/);
    assert.match(zh, /上线 coupon/);
    assert.match(zh, /data-testid="lift-chart"/);
    assert.match(zh, /data-island="ExperimentTimeline"/);
    assert.match(zh, /10,000/);
    const en = await (await app.request("/experiments/welcome-sms", {
      headers: { cookie: `lang=en; ${growth}` },
    })).text();
    assert.match(en, /Ship coupon/);
    assert.match(en, /Export results \(CSV\)/);
  },
);

testBothBackends(
  "the forms create, edit, start, stop and decide an experiment",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const fields = {
      key: "banner-test",
      name: "Banner colour",
      "variant-name-0": "control",
      "variant-weight-0": "50",
      "variant-name-1": "orange",
      "variant-description-1": "Orange banner",
      "variant-weight-1": "50",
      metric: "conversion",
      stage: ["new", "active"],
      tags: "未绑卡, 代发",
      alpha: "0.05",
      baseline: "5",
      mde: "10",
      power: "0.8",
      sequential: "on",
    };
    const bad = await app.request("/experiments", form(growth, { ...fields, key: "Bad key" }));
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /role="alert"/);
    const created = await app.request("/experiments", form(growth, fields));
    assert.equal(created.status, 303);
    assert.equal(created.headers.get("location"), "/experiments/banner-test?bank=CC2");
    const row = await db.selectFrom("experiments").selectAll().where("key", "=", "banner-test")
      .executeTakeFirstOrThrow();
    assert.equal(row.sequential, true);
    assert.deepEqual(row.targeting, { stages: ["new", "active"], tags: ["未绑卡", "代发"] });
    const plan = sampleSizeProportions({ baselineRate: 0.05, variantRate: targetRate(0.05, 0.1) });
    assert.equal(row.planned_sample_size, plan.total, "the calculator's total for 5 % +10 %");
    const edit = await app.request(
      "/experiments/banner-test/edit",
      form(growth, { ...fields, name: "Banner colour v2" }),
    );
    assert.equal(edit.status, 303);
    const confirmed = { confirmed: "yes" };
    for (
      const [move, extra] of [
        ["start", {}],
        ["stop", confirmed],
        ["decide", { ...confirmed, winner: "orange" }],
      ]
    ) {
      const res = await app.request(
        `/experiments/banner-test/${move}`,
        form(growth, extra as Record<string, string>),
      );
      assert.equal(res.status, 303, move as string);
    }
    const after = await db.selectFrom("experiments").selectAll().where("key", "=", "banner-test")
      .executeTakeFirstOrThrow();
    assert.equal(after.name, "Banner colour v2");
    assert.equal(after.status, "decided");
    assert.equal(after.winner_variant, "orange");
    const again = await app.request("/experiments/banner-test/start", form(growth, {}));
    assert.equal(again.status, 409);
    await again.body?.cancel();
    const editDecided = await app.request("/experiments/banner-test/edit", form(growth, fields));
    assert.equal(editDecided.status, 400);
    // The page answers in the reader's language: Chinese without a cookie.
    assert.match(await editDecided.text(), /只有草稿状态的实验可以修改/);
  },
);
