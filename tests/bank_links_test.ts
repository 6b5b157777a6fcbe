/**
 * Admin pages act on the right bank when two banks use the same experiment key (issue 14,
 * item 6): every link, form and redirect names the bank (`?bank=`), a bankless request for a
 * shared key is refused instead of guessed, and a user of one bank keeps the plain URLs.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { createCampaign } from "../db/campaigns.ts";
import { createExperiment } from "../db/experiments.ts";
import type { Database } from "../db/schema.ts";
import { call, createTestApp, DEMO_USERS, sessionCookie, TEST_ADMIN } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const ARMS = [{ name: "control", weight: 0.5 }, { name: "challenger", weight: 0.5 }];

async function twoDrafts(db: Kysely<Database>) {
  for (const bankId of ["CC2", "JS1"]) {
    const campaign = await createCampaign(db, {
      bankId,
      name: `${bankId} 信用卡激活`,
      channel: "sms",
      segment: {},
      description: "",
      createdBy: null,
    });
    await createExperiment(db, {
      bankId,
      campaignId: campaign.id,
      key: "b-draft",
      name: `${bankId} 草稿`,
      iteration: 1,
      variants: ARMS,
      createdBy: null,
    });
  }
}

function post(cookie: string) {
  return {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(),
  };
}

async function statuses(db: Kysely<Database>) {
  const rows = await db.selectFrom("experiments").select(["bank_id", "status"])
    .where("key", "=", "b-draft").orderBy("bank_id").execute();
  return Object.fromEntries(rows.map((r) => [r.bank_id, r.status]));
}

testBothBackends(
  "two banks with the same key: admin links, forms and calls carry the bank",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    await twoDrafts(db);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const get = (path: string, cookie = admin) => app.request(path, { headers: { cookie } });

    const list = await (await get("/experiments")).text();
    assert.match(list, /href="\/experiments\/b-draft\?bank=CC2"/);
    assert.match(list, /href="\/experiments\/b-draft\?bank=JS1"/);
    assert.doesNotMatch(list, /href="\/experiments\/b-draft"/);

    const js1 = await get("/experiments/b-draft?bank=JS1");
    assert.equal(js1.status, 200);
    const js1Html = await js1.text();
    assert.match(js1Html, /JS1 草稿/);
    assert.match(js1Html, /action="\/experiments\/b-draft\/start\?bank=JS1"/);
    assert.match(js1Html, /href="\/experiments\/b-draft\/edit\?bank=JS1"/);

    // Without the bank a shared key is not guessed: the page offers both, actions refuse.
    const choose = await get("/experiments/b-draft");
    assert.equal(choose.status, 300);
    const chooseHtml = await choose.text();
    assert.match(chooseHtml, /data-testid="choose-bank"/);
    assert.match(chooseHtml, /href="\/experiments\/b-draft\?bank=JS1"/);
    const guessed = await app.request("/experiments/b-draft/start", post(admin));
    assert.equal(guessed.status, 409);
    await guessed.body?.cancel();
    assert.deepEqual(await statuses(db), { CC2: "draft", JS1: "draft" });

    // Start on JS1's page starts JS1's experiment, and comes back to JS1's page.
    const start = await app.request("/experiments/b-draft/start?bank=JS1", post(admin));
    assert.equal(start.status, 303);
    assert.equal(start.headers.get("location"), "/experiments/b-draft?bank=JS1");
    assert.deepEqual(await statuses(db), { CC2: "draft", JS1: "running" });
    const stopAsk = await (await app.request("/experiments/b-draft/stop?bank=JS1", post(admin)))
      .text();
    assert.match(stopAsk, /action="\/experiments\/b-draft\/stop\?bank=JS1"/);
    assert.match(stopAsk, /href="\/experiments\/b-draft\?bank=JS1" data-testid="confirm-cancel"/);

    // The JSON API: the same rule.
    const api = await call(app, admin, "GET", "/api/experiments/b-draft");
    assert.equal(api.status, 409);
    const refused = (await api.json()).error;
    assert.equal(refused.code, "BANK_REQUIRED");
    assert.equal(refused.message, "多家银行（CC2, JS1）都有实验“b-draft”：请用 ?bank= 指明银行");
    const apiJs1 = await call(app, admin, "GET", "/api/experiments/b-draft?bank=JS1");
    assert.equal(apiJs1.status, 200);
    assert.equal((await apiJs1.json()).experiment.bankId, "JS1");

    // The campaign page links each iteration to its own bank's experiment.
    const campaign = await db.selectFrom("campaigns").select("id")
      .where("name", "=", "JS1 信用卡激活").executeTakeFirstOrThrow();
    const campaignHtml = await (await get(`/campaigns/${campaign.id}`)).text();
    assert.match(campaignHtml, /href="\/experiments\/b-draft\?bank=JS1"/);

    // A growth user of one bank: the bank is implied, the plain URL works as before.
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const own = await get("/experiments/b-draft", growth);
    assert.equal(own.status, 200);
    assert.match(await own.text(), /CC2 草稿/);
    assert.match(
      await (await get("/", growth)).text(),
      /href="\/experiments\/welcome-sms\?bank=CC2"/,
    );
    const other = await get("/experiments/b-draft?bank=JS1", growth);
    assert.equal(other.status, 404);
    await other.body?.cancel();
  },
);
