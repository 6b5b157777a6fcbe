/**
 * The alert inbox, the experiment's alerts and the channel settings in Chromium, in both
 * languages: an alert raised on the demo bank shows in the inbox and on its experiment and is
 * acknowledged with its button; a DingTalk channel is added through the form (its secret never
 * shown again) and "send a test" reaches a loopback receiver (allowed by the allow-list) with a
 * valid signature; no horizontal overflow at 390 px. Screenshots: /tmp/shots/alerts-*.png.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { raiseAlert } from "../../db/alerts.ts";
import { bothLanguages } from "../../lib/alerts/rules.ts";
import { startReceiver } from "../helpers/receiver.ts";
import { makeExperiment } from "../helpers/sdk.ts";
import { browserTest, noOverflow, screenshots, setLanguage, signedInPage } from "./helpers.ts";

const shot = screenshots("alerts");

browserTest(
  "alert inbox, experiment alerts and channel settings in Chromium, both languages",
  async ({ origin, browser }) => {
    const receiver = await startReceiver();
    try {
      const page = await signedInPage(browser, origin, "/alerts", { bank: "CC2" });
      await page.waitForSelector("[data-testid=alert]");
      assert.match(await page.textContent("[data-testid=alert]") ?? "", /护栏指标被突破/);
      await shot(page, "inbox-zh");
      await setLanguage(page, origin, "en");
      await page.goto(`${origin}/alerts?bank=CC2`);
      assert.match(await page.textContent("[data-testid=alert]") ?? "", /Guardrail breached/);
      assert.match(await page.textContent("h1") ?? "", /Alerts/);
      await shot(page, "inbox-en");

      await page.goto(`${origin}/experiments/card-bind-sms?bank=CC2`);
      assert.match(
        await page.textContent("[data-testid=experiment-alerts]") ?? "",
        /Guardrail breached/,
      );
      await shot(page, "experiment-en");

      // Channel settings: add a DingTalk robot, then send a test.
      await page.goto(`${origin}/alerts/channels?bank=CC2`);
      await page.selectOption("select[name=kind]", "dingtalk");
      await page.fill("input[name=name]", "增长团队群");
      await page.fill("input[name=url]", `${receiver.base}/dingtalk?access_token=browser-token`);
      await page.fill("input[name=secret]", "SECbrowser-secret");
      await Promise.all([page.waitForURL(/done=saved/), page.click("[data-testid=add-channel]")]);
      assert.match(await page.textContent("[data-testid=flash-done]") ?? "", /Channel saved/);
      const html = await page.content();
      assert.ok(!html.includes("SECbrowser-secret") && !html.includes("browser-token"));
      await Promise.all([page.waitForURL(/done=tested/), page.click("[data-testid=test-channel]")]);
      assert.match(await page.textContent("[data-testid=flash-done]") ?? "", /answered 200/);
      assert.equal(receiver.received.length, 1);
      const got = receiver.received[0];
      const ts = got.url.searchParams.get("timestamp")!;
      assert.equal(
        got.url.searchParams.get("sign"),
        createHmac("sha256", "SECbrowser-secret").update(`${ts}\nSECbrowser-secret`).digest(
          "base64",
        ),
      );
      assert.match(await page.textContent("[data-testid=deliveries]") ?? "", /Delivered/);
      await shot(page, "channels-en");
      await setLanguage(page, origin, "zh-CN");
      await page.goto(`${origin}/alerts/channels?bank=CC2`);
      assert.match(await page.textContent("[data-testid=channel]") ?? "", /钉钉机器人/);
      assert.match(await page.textContent("[data-testid=channel]") ?? "", /已设置（不再显示）/);
      await shot(page, "channels-zh");

      // Acknowledge from the inbox.
      await page.goto(`${origin}/alerts?bank=CC2`);
      await Promise.all([page.waitForURL(/\/alerts/), page.click("[data-testid=ack]")]);
      await page.waitForSelector("text=已确认");

      // A phone's width: nothing wider than the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of ["/alerts?bank=CC2", "/alerts/channels?bank=CC2"]) {
        await page.goto(`${origin}${path}`);
        await noOverflow(page);
      }
      await shot(page, "channels-zh-390");
    } finally {
      await receiver.close();
    }
  },
  {
    config: { secretKey: "browser-secret-key-0123456789", notifyAllowHosts: ["127.0.0.1"] },
    async prepare(db) {
      const id = await makeExperiment(db, {
        key: "card-bind-sms",
        variants: [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }],
      });
      await db.updateTable("experiments").set({ name: "绑卡券短信" }).where("id", "=", id)
        .execute();
      await db.transaction().execute((trx) =>
        raiseAlert(trx, {
          bankId: "CC2",
          experimentId: id,
          experiment: { key: "card-bind-sms", name: "绑卡券短信" },
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
    },
  },
);
