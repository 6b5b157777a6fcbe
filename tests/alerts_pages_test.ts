/**
 * The alert pages server-rendered in both languages: the inbox lists the bank's alerts (not
 * another bank's) and acknowledges one through its form; the experiment page lists its alerts;
 * the channel page adds a channel through its form (secret never shown again), sends a test to
 * a loopback receiver and deletes it; executives see the inbox but not the channel settings.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { createApp } from "../app.ts";
import { raiseAlert } from "../db/alerts.ts";
import type { Database } from "../db/schema.ts";
import { bothLanguages } from "../lib/alerts/rules.ts";
import { loadAssets } from "../plugins/assets.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { startReceiver } from "./helpers/receiver.ts";
import { makeExperiment } from "./helpers/sdk.ts";

/** Raises one alert directly (the checks are tested in alerts_test.ts). */
export async function seedAlert(db: Kysely<Database>, bankId: string, key: string) {
  const id = await makeExperiment(db, {
    bankId,
    key,
    variants: [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }],
  });
  return await db.transaction().execute((trx) =>
    raiseAlert(trx, {
      bankId,
      experimentId: id,
      experiment: { key, name: "绑卡券短信" },
      type: "guardrail_breached",
      cause: "guardrail:opt_out:coupon",
      summary: bothLanguages("alert.summary.guardrail_breached", {
        metric: { "zh-CN": "退订率", en: "Opt-out rate" },
        variant: "coupon",
        lift: "+1400.0%",
        p: "< 0.001",
      }),
      details: {},
    }, new Date())
  );
}

const page = async (
  app: ReturnType<typeof createApp>,
  cookie: string,
  path: string,
  lang = "zh-CN",
) => {
  const res = await app.request(path, { headers: { cookie: `${cookie}; lang=${lang}` } });
  return { status: res.status, html: await res.text(), res };
};

testBothBackends(
  "alert pages: inbox, experiment alerts, channel settings, both languages",
  async (t, { db }) => {
    const { config: base } = await createTestApp(db);
    const config = {
      ...base,
      secretKey: "pages-secret-key-0123456789",
      notifyAllowHosts: ["127.0.0.1"],
    };
    const app = createApp({ db, config, assets: await loadAssets(null) });
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const exec = await sessionCookie(db, DEMO_USERS.executive);
    const alertId = await seedAlert(db, "CC2", "card-bind-sms");
    await seedAlert(db, "CC1", "cc1-only");
    const receiver = await startReceiver();
    try {
      await t.step("the inbox in Chinese and English", async () => {
        const zh = await page(app, exec, "/alerts");
        assert.equal(zh.status, 200);
        assert.match(zh.html, /护栏指标被突破/);
        assert.match(zh.html, /护栏指标「退订率」在[^<]*「coupon」[^<]*显著变差/);
        assert.ok(!zh.html.includes("cc1-only"), "another bank's alert");
        assert.ok(!zh.html.includes("/alerts/channels"), "executives do not manage channels");
        const en = await page(app, exec, "/alerts", "en");
        assert.match(en.html, /Guardrail breached/);
        assert.match(
          en.html,
          /Guardrail &quot;Opt-out rate&quot; is significantly worse|Guardrail "Opt-out rate" is significantly worse/,
        );
        assert.equal((await page(app, exec, "/alerts/channels")).status, 403);
      });
      await t.step("acknowledging through the form", async () => {
        const res = await app.request(`/alerts/${alertId}/ack`, {
          method: "POST",
          headers: { cookie: growth, "content-type": "application/x-www-form-urlencoded" },
          body: "back=%2Falerts",
        });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/alerts");
        const after = await page(app, growth, "/alerts");
        assert.match(after.html, /已确认/);
      });
      await t.step("the experiment page lists its alerts", async () => {
        const res = await page(app, growth, "/experiments/card-bind-sms");
        assert.equal(res.status, 200);
        assert.match(res.html, /本实验的提醒/);
        assert.match(res.html, /护栏指标被突破/);
      });
      await t.step("channels: add through the form, secret not shown, test, delete", async () => {
        const add = await app.request("/alerts/channels?bank=CC2", {
          method: "POST",
          headers: { cookie: growth, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            kind: "dingtalk",
            url: `${receiver.base}/dingtalk?access_token=page-token`,
            secret: "SECpage-secret",
            name: "增长群",
            locale: "zh-CN",
            events: "guardrail_breached",
          }).toString(),
        });
        assert.equal(add.status, 303, await add.text());
        assert.match(add.headers.get("location")!, /done=saved/);
        const listed = await page(app, growth, "/alerts/channels");
        assert.match(listed.html, /钉钉机器人/);
        assert.match(listed.html, /增长群/);
        assert.ok(!listed.html.includes("SECpage-secret") && !listed.html.includes("page-token"));
        const id = /\/alerts\/channels\/([0-9a-f-]{36})\/test/.exec(listed.html)![1];
        const tested = await app.request(`/alerts/channels/${id}/test?bank=CC2`, {
          method: "POST",
          headers: { cookie: growth },
        });
        assert.match(tested.headers.get("location")!, /done=tested&status=200/);
        assert.equal(receiver.received.length, 1);
        const en = await page(
          app,
          growth,
          "/alerts/channels?bank=CC2&done=tested&status=200",
          "en",
        );
        assert.match(en.html, /DingTalk robot/);
        assert.match(en.html, /the destination answered 200/);
        const bad = await app.request("/alerts/channels?bank=CC2", {
          method: "POST",
          headers: { cookie: growth, "content-type": "application/x-www-form-urlencoded" },
          body: "kind=webhook&url=http%3A%2F%2Fexample.com%2Fh&secret=x",
        });
        assert.match(bad.headers.get("location")!, /error=URL_NOT_HTTPS/);
        const shown = await page(app, growth, "/alerts/channels?bank=CC2&error=URL_NOT_HTTPS");
        assert.match(shown.html, /地址必须以 https:\/\/ 开头/);
        const del = await app.request(`/alerts/channels/${id}/delete?bank=CC2`, {
          method: "POST",
          headers: { cookie: growth },
        });
        assert.match(del.headers.get("location")!, /done=deleted/);
        assert.match((await page(app, growth, "/alerts/channels")).html, /还没有通知渠道/);
      });
    } finally {
      await receiver.close();
    }
  },
);
