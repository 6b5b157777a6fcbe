/**
 * The contact policy page and the contact-pressure view in Chromium, in both languages (issue
 * 17): the menu leads to the policy form; a cap typed in the form is previewed over the last 30
 * days' contacts (how many would have been capped, by channel and campaign) before it is saved;
 * a refused value (a time that is no time) shows its message in the page's language and keeps
 * the form; saving shows the saved policy; the pressure view shows contacts per customer per
 * channel and the customers at the cap; no horizontal overflow at 390 px.
 * Screenshots: /tmp/shots/policy-*.png.
 */
import assert from "node:assert/strict";
import { createCampaign } from "../../db/campaigns.ts";
import { makeExperiment } from "../helpers/sdk.ts";
import { browserTest, noOverflow, screenshots, setLanguage, signIn } from "./helpers.ts";

const shot = screenshots("policy");

browserTest(
  "contact policy and contact pressure pages in Chromium, both languages",
  async ({ origin, browser }) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, origin, "/");
    for (const lang of ["zh-CN", "en"] as const) {
      const zh = lang === "zh-CN";
      await setLanguage(page, origin, lang);
      await page.goto(`${origin}/`);
      await page.click(`nav a[href="/governance/policy"]`);
      assert.equal(new URL(page.url()).pathname, "/governance/policy");
      // An admin chooses the bank.
      await page.selectOption("[data-testid=bank-picker] select", "CC2");
      await page.click("[data-testid=bank-picker] button");
      assert.match(await page.textContent("h1") ?? "", zh ? /触达策略/ : /Contact policy/);
      await shot(page, `${lang}-start`);

      // A time that is no time: refused in the page's language, the form kept.
      await page.check("input[name=quiet_on]");
      await page.fill("input[name=quiet_start]", "25:00");
      await page.selectOption("select[name=cap_channel_0]", "sms");
      await page.fill("input[name=cap_max_0]", "1");
      await page.fill("input[name=cap_window_0]", "168");
      await page.click("button[value=preview]");
      const error = await page.textContent("[data-testid=flash-error]") ?? "";
      assert.match(error, zh ? /时间“25:00”无效/ : /HH:MM/);
      assert.equal(await page.inputValue("input[name=cap_max_0]"), "1");
      await shot(page, `${lang}-refused`);

      // Preview: one SMS a week would have stopped the 20 card SMS.
      await page.fill("input[name=quiet_start]", "21:00");
      await page.fill("input[name=quiet_end]", "08:00");
      await page.click("button[value=preview]");
      const summary = await page.textContent("[data-testid=what-if-summary]") ?? "";
      // The demo's welcome-sms has no ledger rows: its customers' first exposures count too,
      // one SMS each, so only the 20 card SMS go over the cap.
      assert.match(summary, zh ? /：20 次会被频次上限拦下/ : /: 20 would have been capped/);
      const campaignsTable = await page.textContent("[data-testid=what-if-campaigns]") ?? "";
      assert.match(campaignsTable, /信用卡分期短信/);
      assert.equal(await page.locator("[data-testid=flash-done]").count(), 0, "not saved yet");
      await shot(page, `${lang}-preview`);

      // Save.
      await page.click("button[value=save]");
      await page.waitForSelector("[data-testid=flash-done]");
      assert.match(
        await page.textContent("[data-testid=flash-done]") ?? "",
        zh ? /已保存/ : /saved/,
      );
      assert.equal(await page.inputValue("input[name=cap_max_0]"), "1");
      await shot(page, `${lang}-saved`);

      // The pressure view.
      await page.click(`[data-testid=governance-tabs] a[href^="/governance/pressure"]`);
      assert.match(await page.textContent("h1") ?? "", zh ? /触达压力/ : /Contact pressure/);
      const sms = await page.textContent("[data-testid=pressure-table] tr[data-channel=sms]") ??
        "";
      assert.match(sms, zh ? /短信/ : /SMS/);
      const reach = await page.textContent("[data-testid=cap-reach]") ?? "";
      // Every customer texted this week (the 40, and welcome-sms's) is at a cap of 1.
      assert.match(reach, /100[.,]0\s?%/);
      await shot(page, `${lang}-pressure`);

      await page.setViewportSize({ width: 390, height: 844 });
      await noOverflow(page);
      await shot(page, `${lang}-pressure-phone`);
      await page.goto(`${origin}/governance/policy?bank=CC2`);
      await noOverflow(page);
      await shot(page, `${lang}-policy-phone`);
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  },
  {
    async prepare(db) {
      // Two SMS campaigns and a push campaign; customers 300001-300040 got a salary SMS 3 days
      // ago (10:00 Beijing), the first 20 also a card SMS two hours later and a loan push.
      const campaigns: Record<string, string> = {};
      for (
        const [key, name, channel] of [
          ["salary-sms", "代发工资短信", "sms"],
          ["card-sms", "信用卡分期短信", "sms"],
          ["loan-push", "消费贷推送", "app_push"],
        ] as const
      ) {
        const campaign = await createCampaign(db, {
          bankId: "CC2",
          name,
          channel,
          segment: {},
          description: "",
          createdBy: null,
        });
        const id = await makeExperiment(db, {
          key,
          variants: [{ name: "对照组", weight: 1 }, { name: "新文案", weight: 1 }],
        });
        await db.updateTable("experiments").set({ campaign_id: campaign.id }).where("id", "=", id)
          .execute();
        campaigns[key] = id;
      }
      const day = new Date();
      day.setUTCDate(day.getUTCDate() - 3);
      day.setUTCHours(2, 0, 0, 0);
      const rows = [];
      for (let i = 1; i <= 40; i++) {
        const unit = String(300000 + i);
        rows.push({ experiment_id: campaigns["salary-sms"], unit, channel: "sms", at: 0 });
        if (i <= 20) {
          rows.push({ experiment_id: campaigns["card-sms"], unit, channel: "sms", at: 2 });
          rows.push({ experiment_id: campaigns["loan-push"], unit, channel: "app_push", at: 3 });
        }
      }
      await db.insertInto("contacts").values(rows.map((r) => ({
        experiment_id: r.experiment_id,
        bank_id: "CC2",
        unit: r.unit,
        channel: r.channel,
        contacted_at: new Date(day.getTime() + r.at * 3_600_000),
      }))).execute();
    },
  },
);
