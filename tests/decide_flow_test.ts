/**
 * Deciding is no trap (issue 13, item 8): the winner field defaults to the recommendation, the
 * irreversible actions (stop, mark the winner, promote) ask first on a confirmation page that
 * says what they do, in both languages, and act only on the confirmed form.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { createExperiment } from "../db/experiments.ts";
import type { Database } from "../db/schema.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

function form(cookie: string, fields: Record<string, string>, lang = "zh-CN") {
  return {
    method: "POST",
    headers: {
      cookie: `lang=${lang}; ${cookie}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields),
  };
}

/** A running A/B test whose challenger clearly wins (5.0 % → 6.6 % on 5,000 a side). */
async function winningTest(db: Kysely<Database>) {
  const { id } = await createExperiment(db, {
    bankId: "CC2",
    campaignId: null,
    key: "pay-sms",
    name: "还款提醒 <script>",
    status: "running",
    startedAt: new Date("2026-01-01T00:00:00Z"),
    variants: [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }],
    createdBy: null,
  });
  await db.insertInto("daily_stats").values(
    [["control", 250], ["coupon", 330]].map(([variant, converters]) => ({
      experiment_id: id,
      bank_id: "CC2",
      variant: variant as string,
      day: "2026-01-01",
      users: 5000,
      converters: converters as number,
    })),
  ).execute();
}

async function statusOf(db: Kysely<Database>, key: string) {
  return await db.selectFrom("experiments").select(["status", "winner_variant"])
    .where("key", "=", key).executeTakeFirstOrThrow();
}

testBothBackends(
  "stop, mark the winner and promote ask first; the winner defaults to the recommendation",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    await winningTest(db);
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const page = async (lang: string) =>
      await (await app.request("/experiments/pay-sms", {
        headers: { cookie: `lang=${lang}; ${growth}` },
      })).text();

    let html = await page("zh-CN");
    assert.match(html, /data-testid="action-what">停止：不再分组/);
    assert.match(await page("en"), /data-testid="action-what">Stop: no more customers/);

    // Stop without confirming shows what it will do and changes nothing.
    const ask = await app.request("/experiments/pay-sms/stop", form(growth, {}));
    assert.equal(ask.status, 200);
    html = await ask.text();
    assert.match(html, /data-testid="confirm" data-action="stop"/);
    assert.match(html, /此操作不能撤销/);
    assert.match(html, /当前建议：上线 coupon/);
    assert.match(html, /name="confirmed" value="yes"/);
    assert.doesNotMatch(html, /<script>/, "the name is escaped");
    assert.equal((await statusOf(db, "pay-sms")).status, "running");
    const askEn = await (await app.request("/experiments/pay-sms/stop", form(growth, {}, "en")))
      .text();
    assert.match(askEn, /Stop “还款提醒 &lt;script>”\?/);
    assert.match(askEn, /This cannot be undone/);

    const stop = await app.request("/experiments/pay-sms/stop", form(growth, { confirmed: "yes" }));
    assert.equal(stop.status, 303);
    assert.equal(stop.headers.get("location"), "/experiments/pay-sms?bank=CC2");
    assert.equal((await statusOf(db, "pay-sms")).status, "stopped");

    // After Stop the winner field defaults to what the recommendation ships.
    html = await page("zh-CN");
    assert.match(html, /<option value="coupon" selected[^>]*>coupon（建议）<\/option>/);
    assert.doesNotMatch(html, /<option value="control" selected/);
    assert.match(await page("en"), /<option value="coupon" selected[^>]*>coupon \(recommended\)/);

    // Choosing against the recommendation is said plainly before anything is recorded.
    const against = await app.request(
      "/experiments/pay-sms/decide",
      form(growth, { winner: "control" }, "en"),
    );
    assert.equal(against.status, 200);
    const againstHtml = await against.text();
    assert.match(againstHtml, /data-testid="confirm" data-action="decide"/);
    assert.match(againstHtml, /you chose control, not the recommended coupon/);
    assert.equal((await statusOf(db, "pay-sms")).status, "stopped");
    const unknown = await app.request("/experiments/pay-sms/decide", form(growth, { winner: "x" }));
    assert.equal(unknown.status, 400);
    await unknown.body?.cancel();

    const decide = await app.request(
      "/experiments/pay-sms/decide",
      form(growth, { winner: "coupon", confirmed: "yes" }),
    );
    assert.equal(decide.status, 303);
    assert.deepEqual(await statusOf(db, "pay-sms"), {
      status: "decided",
      winner_variant: "coupon",
    });

    // Promote asks first too, and drafts nothing until confirmed.
    const promoteAsk = await app.request(
      "/experiments/pay-sms/promote",
      form(growth, { winner: "coupon" }),
    );
    assert.equal(promoteAsk.status, 200);
    assert.match(await promoteAsk.text(), /data-testid="confirm" data-action="promote"/);
    const drafts = () =>
      db.selectFrom("experiments").select("key").where("parent_experiment_id", "is not", null)
        .where("bank_id", "=", "CC2").where("key", "like", "pay-sms%").execute();
    assert.equal((await drafts()).length, 0);
    const promote = await app.request(
      "/experiments/pay-sms/promote",
      form(growth, { winner: "coupon", confirmed: "yes" }),
    );
    assert.equal(promote.status, 303);
    assert.match(promote.headers.get("location") ?? "", /^\/experiments\/pay-sms-v2\?bank=CC2$/);
    assert.equal((await drafts()).length, 1);
  },
);
