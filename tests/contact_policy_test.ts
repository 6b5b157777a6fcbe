/**
 * `GET`/`PUT /api/contact-policy` and `POST /api/contact-policy/what-if` (issue 17): every bad
 * input answers 400 with its own code in both languages; roles and tenancy; the holdout only
 * shrinks (409 HOLDOUT_CANNOT_GROW), keeps its salt and start when lowered and draws a new salt
 * when ended and set again; the change is audited in the same transaction; the what-if counts
 * the last 30 days' contacts (ledger rows and first exposures) under a proposed policy.
 */
import assert from "node:assert/strict";
import { call, createSessionApp, expectJson, jsonRequest, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment } from "./helpers/sdk.ts";
import { createCampaign } from "../db/campaigns.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";

const HAN = /\p{Script=Han}/u;

const POLICY = {
  caps: [
    { channel: "sms", max: 2, windowHours: 168 },
    { channel: "*", max: 4, windowHours: 168 },
  ],
  quietHours: {
    start: "21:00",
    end: "08:00",
    timeZone: "Asia/Shanghai",
    channels: ["sms", "outbound_call"],
  },
  holdout: { percent: 5 },
};

testBothBackends("contact policy API", async (t, { db }) => {
  const { app, growth, exec, consultant, other } = await createSessionApp(db);
  await createUser(db, {
    email: "ops@cc1.test",
    role: "admin",
    bankId: null,
    passwordHash: await hashPassword("unused-password-2", 1000),
  });
  const admin = await sessionCookie(db, "admin@test.local");
  const put = (cookie: string, body: unknown, path = "/api/contact-policy", lang = "zh-CN") =>
    app.request(path, jsonRequest("PUT", body, { cookie: `${cookie}; lang=${lang}` }));

  await t.step("a bank without a policy has none", async () => {
    const body = await expectJson(await call(app, growth, "GET", "/api/contact-policy"), 200);
    assert.deepEqual(body.policy.caps, []);
    assert.equal(body.policy.quietHours, null);
    assert.equal(body.policy.holdout, null);
    assert.equal(body.policy.bankId, "CC2");
  });

  await t.step("growth saves the policy; GET shows percent and start, never the salt", async () => {
    const saved = await expectJson(await put(growth, POLICY), 200);
    assert.deepEqual(saved.policy.caps, POLICY.caps);
    assert.deepEqual(saved.policy.quietHours, POLICY.quietHours);
    assert.equal(saved.policy.holdout.percent, 5);
    assert.ok(!("salt" in saved.policy.holdout));
    const read = await expectJson(await call(app, growth, "GET", "/api/contact-policy"), 200);
    assert.deepEqual(read.policy.holdout, saved.policy.holdout);
    assert.equal(read.policy.updatedBy, "growth@cc2.demo");
    assert.ok(!JSON.stringify(read).includes("salt"));
    const row = await db.selectFrom("contact_policies").selectAll().where("bank_id", "=", "CC2")
      .executeTakeFirstOrThrow();
    assert.match(row.holdout!.salt, /^[A-Za-z0-9_-]{20,}$/);
    const audit = await db.selectFrom("audit_log").selectAll()
      .where("action", "=", "contact_policy.update").execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0].bank_id, "CC2");
    assert.equal(audit[0].actor, "growth@cc2.demo");
    assert.ok(!JSON.stringify(audit[0].details).includes(row.holdout!.salt));
  });

  await t.step("every bad input: 400 with its code, in Chinese and in English", async () => {
    const quiet = (patch: object) => ({
      ...POLICY,
      quietHours: { ...POLICY.quietHours, ...patch },
    });
    const cap = (patch: object) => ({ ...POLICY, caps: [{ ...POLICY.caps[0], ...patch }] });
    const cases: Array<[string, unknown, string]> = [
      ["start 25:00", quiet({ start: "25:00" }), "INVALID_TIME"],
      ["end 8:00", quiet({ end: "8:00" }), "INVALID_TIME"],
      ["end 08:60", quiet({ end: "08:60" }), "INVALID_TIME"],
      ["zone Asia/Beijing", quiet({ timeZone: "Asia/Beijing" }), "TIME_ZONE_INVALID"],
      ["zone 北京时间", quiet({ timeZone: "北京时间" }), "TIME_ZONE_INVALID"],
      ["quiet channel fax", quiet({ channels: ["sms", "fax"] }), "UNKNOWN_CHANNEL"],
      ["cap channel email", cap({ channel: "email" }), "UNKNOWN_CHANNEL"],
      ["max 0", cap({ max: 0 }), "CAP_OUT_OF_RANGE"],
      ["max -2", cap({ max: -2 }), "CAP_OUT_OF_RANGE"],
      ["max 2.5", cap({ max: 2.5 }), "CAP_OUT_OF_RANGE"],
      ["max 1001", cap({ max: 1001 }), "CAP_OUT_OF_RANGE"],
      ["window 0", cap({ windowHours: 0 }), "CAP_OUT_OF_RANGE"],
      ["window 8761", cap({ windowHours: 8761 }), "CAP_OUT_OF_RANGE"],
      [
        "same channel and window twice",
        { ...POLICY, caps: [POLICY.caps[0], { ...POLICY.caps[0], max: 3 }] },
        "DUPLICATE_CAP",
      ],
      ["percent 51", { ...POLICY, holdout: { percent: 51 } }, "HOLDOUT_PERCENT_OUT_OF_RANGE"],
      ["percent -0.5", { ...POLICY, holdout: { percent: -0.5 } }, "HOLDOUT_PERCENT_OUT_OF_RANGE"],
      ["retention 0", { ...POLICY, retentionDays: 0 }, "RETENTION_OUT_OF_RANGE"],
      ["caps missing", { quietHours: null, holdout: null }, "VALIDATION_ERROR"],
      ["max as text", cap({ max: "2" }), "VALIDATION_ERROR"],
      ["unknown field", { ...POLICY, fatigue: true }, "VALIDATION_ERROR"],
      ["not JSON", "{caps:", "MALFORMED_JSON"],
    ];
    for (const [what, body, code] of cases) {
      for (const lang of ["zh-CN", "en"]) {
        const res = await put(growth, body, "/api/contact-policy", lang);
        const answer = await expectJson(res, 400);
        assert.equal(answer.error.code, code, `${what} (${lang})`);
        assert.equal(
          HAN.test(answer.error.message.replace(/"[^"]*"|“[^”]*”/g, "")),
          lang === "zh-CN",
          `${what} (${lang}): ${answer.error.message}`,
        );
      }
    }
    const zone = await expectJson(
      await put(growth, quiet({ timeZone: "Asia/Beijing" }), "/api/contact-policy", "en"),
      400,
    );
    assert.match(zone.error.message, /Asia\/Beijing/);
    // Nothing of the refused bodies was stored.
    const read = await expectJson(await call(app, growth, "GET", "/api/contact-policy"), 200);
    assert.deepEqual(read.policy.caps, POLICY.caps);
  });

  await t.step("the holdout only shrinks; a new one after ending it draws a new salt", async () => {
    const salt = async () =>
      (await db.selectFrom("contact_policies").select("holdout").where("bank_id", "=", "CC2")
        .executeTakeFirstOrThrow()).holdout;
    const first = await salt();
    const lowered = await expectJson(
      await put(growth, { ...POLICY, holdout: { percent: 3 } }),
      200,
    );
    assert.equal(lowered.policy.holdout.percent, 3);
    assert.equal(lowered.policy.holdout.startedAt, first!.startedAt);
    assert.equal((await salt())!.salt, first!.salt);
    for (const lang of ["zh-CN", "en"]) {
      const grown = await expectJson(
        await put(growth, { ...POLICY, holdout: { percent: 4 } }, "/api/contact-policy", lang),
        409,
      );
      assert.equal(grown.error.code, "HOLDOUT_CANNOT_GROW");
      assert.match(grown.error.message, lang === "en" ? /null/ : /null/);
      assert.match(grown.error.message, /3%/);
    }
    assert.equal((await salt())!.percent, 3);
    const ended = await expectJson(await put(growth, { ...POLICY, holdout: null }), 200);
    assert.equal(ended.policy.holdout, null);
    const again = await expectJson(await put(growth, { ...POLICY, holdout: { percent: 8 } }), 200);
    assert.equal(again.policy.holdout.percent, 8);
    assert.notEqual((await salt())!.salt, first!.salt);
    const actions = await db.selectFrom("audit_log").select("details")
      .where("action", "=", "contact_policy.update").orderBy("id").execute();
    assert.equal(actions.length, 4, "each accepted change audited, the refused ones not");
  });

  await t.step("roles: executives and consultants may not; admins name the bank", async () => {
    for (const cookie of [exec, consultant]) {
      assert.equal((await call(app, cookie, "GET", "/api/contact-policy")).status, 403);
      assert.equal((await put(cookie, POLICY)).status, 403);
    }
    const noBank = await expectJson(await call(app, admin, "GET", "/api/contact-policy"), 400);
    assert.equal(noBank.error.code, "BANK_REQUIRED");
    const cc1 = await expectJson(await put(admin, POLICY, "/api/contact-policy?bank=CC1"), 200);
    assert.equal(cc1.policy.bankId, "CC1");
    const read = await expectJson(
      await call(app, admin, "GET", "/api/contact-policy?bank=CC2"),
      200,
    );
    assert.equal(read.policy.holdout.percent, 8);
    assert.equal((await call(app, admin, "GET", "/api/contact-policy?bank=NOPE")).status, 404);
  });

  await t.step("tenancy: a growth user of CC1 can neither read nor write CC2's", async () => {
    assert.equal((await call(app, other, "GET", "/api/contact-policy?bank=CC2")).status, 404);
    assert.equal(
      (await put(other, { ...POLICY, caps: [] }, "/api/contact-policy?bank=CC2")).status,
      404,
    );
    const own = await expectJson(await call(app, other, "GET", "/api/contact-policy"), 200);
    assert.equal(own.policy.bankId, "CC1");
    const cc2 = await expectJson(await call(app, growth, "GET", "/api/contact-policy"), 200);
    assert.deepEqual(cc2.policy.caps, POLICY.caps);
  });

  await t.step("what-if: last 30 days' contacts under a proposed policy", async () => {
    const welcome = await db.selectFrom("experiments").select(["id", "campaign_id"])
      .where("bank_id", "=", "CC2").where("key", "=", "welcome-sms").executeTakeFirstOrThrow();
    const second = await makeExperiment(db, {
      key: "bind-card-sms",
      variants: [{ name: "对照组", weight: 1 }, { name: "紧迫文案", weight: 1 }],
    });
    const campaign = await createCampaign(db, {
      bankId: "CC2",
      name: "绑卡短信二期",
      channel: "sms",
      segment: {},
      description: "",
      createdBy: null,
    });
    await db.updateTable("experiments").set({ campaign_id: campaign.id })
      .where("id", "=", second).execute();
    // Customers 880001-880003: welcome-sms 10 days ago, bind-card-sms an hour later (both in
    // the ledger); 880004 only by bind-card-sms.
    const proposed = {
      caps: [{ channel: "sms", max: 1, windowHours: 720 }],
      quietHours: null,
      holdout: null,
    };
    // The demo's other experiments' first exposures count too: compare with before.
    const before = await expectJson(
      await call(app, growth, "POST", "/api/contact-policy/what-if", proposed),
      200,
    );
    const tenDaysAgo = Date.now() - 10 * 86_400_000;
    const rows = ["880001", "880002", "880003"].flatMap((unit) => [
      { experiment_id: welcome.id, unit, contacted_at: new Date(tenDaysAgo) },
      { experiment_id: second, unit, contacted_at: new Date(tenDaysAgo + 3_600_000) },
    ]);
    rows.push({ experiment_id: second, unit: "880004", contacted_at: new Date(tenDaysAgo) });
    await db.insertInto("contacts")
      .values(rows.map((r) => ({ ...r, bank_id: "CC2", channel: "sms" }))).execute();
    const body = await expectJson(
      await call(app, growth, "POST", "/api/contact-policy/what-if", proposed),
      200,
    );
    const delta = (after: Record<string, number>, was: Record<string, number>) =>
      Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - was[k]]));
    assert.deepEqual(delta(body.total, before.total), {
      contacts: 7,
      capped: 3,
      quiet: 0,
      kept: 4,
    });
    assert.equal(body.customers - before.customers, 4);
    const byId = new Map(
      body.byCampaign.map((c: { campaignId: string }) => [c.campaignId, c]),
    );
    assert.deepEqual(byId.get(welcome.campaign_id), {
      campaignId: welcome.campaign_id,
      campaign: "新客首次绑卡激励（短信）",
      channel: "sms",
      contacts: 3,
      capped: 0,
      quiet: 0,
      kept: 3,
    });
    assert.deepEqual(byId.get(campaign.id), {
      campaignId: campaign.id,
      campaign: "绑卡短信二期",
      channel: "sms",
      contacts: 4,
      capped: 3,
      quiet: 0,
      kept: 1,
    });
    // Nothing was saved by the what-if.
    const read = await expectJson(await call(app, growth, "GET", "/api/contact-policy"), 200);
    assert.deepEqual(read.policy.caps, POLICY.caps);
    const loose = await expectJson(
      await call(app, growth, "POST", "/api/contact-policy/what-if", {
        caps: [{ channel: "*", max: 2, windowHours: 720 }],
        quietHours: null,
        holdout: null,
      }),
      200,
    );
    assert.equal(loose.total.capped, 0);
    assert.equal(loose.total.contacts, body.total.contacts);
    const bad = await expectJson(
      await call(app, growth, "POST", "/api/contact-policy/what-if", {
        ...POLICY,
        caps: [{ channel: "sms", max: 0, windowHours: 1 }],
      }),
      400,
    );
    assert.equal(bad.error.code, "CAP_OUT_OF_RANGE");
    assert.equal(
      (await call(app, exec, "POST", "/api/contact-policy/what-if", POLICY)).status,
      403,
    );
  });
});
