/**
 * The digest pages and the experiment page's schedule card in Chromium, in zh-CN and en: the
 * per-minute round produces the demo bank's weekly and daily digests (a decided iteration of
 * last week with its lift, a running experiment with its sample progress, an alert); the list
 * and each digest read in both languages with no horizontal overflow at 390 px; a draft is
 * scheduled to start and stop from its page (times in the bank's time zone), a stop before the
 * start is refused with the reason in the page's language. Screenshots:
 * /tmp/shots/digests-*.png.
 */
import assert from "node:assert/strict";
import { raiseAlert } from "../../db/alerts.ts";
import { duePeriod } from "../../lib/digests/period.ts";
import { produceDigests } from "../../routes/digests/_produce.ts";
import { makeExperiment } from "../helpers/sdk.ts";
import { browserTest, noOverflow, screenshots, setLanguage, signedInPage } from "./helpers.ts";

const shot = screenshots("digests");

const now = new Date();
const week = duePeriod("weekly", now, "Asia/Shanghai");

browserTest(
  "digest pages and the schedule card in Chromium, zh-CN and en",
  async ({ origin, browser, db }) => {
    const page = await signedInPage(browser, origin, "/digests", { bank: "CC2" });
    await page.waitForSelector("[data-testid=digest-list]");
    assert.match(await page.textContent("main") ?? "", /周报/);
    assert.match(await page.textContent("main") ?? "", /Asia\/Shanghai/);
    await shot(page, "list-zh");

    // The weekly digest: last week's decided iterations with their lift, the alert.
    await page.click(`[data-testid=digest-link]:text("${week.label}")`);
    await page.waitForSelector("[data-testid=digest]");
    assert.match(await page.textContent("[data-testid=digest-title]") ?? "", /甬鑫银行 周报/);
    const decided = await page.textContent("[data-testid=digest-decided]") ?? "";
    assert.match(decided, /胜出版本|保留对照组/);
    assert.match(decided, /%/);
    assert.match(await page.textContent("[data-testid=digest-started]") ?? "", /唤醒沉睡客户/);
    assert.match(await page.textContent("[data-testid=digest-alerts]") ?? "", /长时间没有曝光/);
    await shot(page, "weekly-zh");
    const weeklyUrl = page.url();

    await setLanguage(page, origin, "en");
    await page.goto(weeklyUrl);
    assert.match(await page.textContent("[data-testid=digest-title]") ?? "", /weekly digest/);
    assert.match(
      await page.textContent("[data-testid=digest-program]") ?? "",
      /Campaigns tested/,
    );
    assert.match(await page.textContent("[data-testid=digest-alerts]") ?? "", /No exposures/);
    await shot(page, "weekly-en");

    // The daily digest: the running experiment's sample progress (2,990 of 12,000: 25 %).
    await page.goto(`${origin}/digests/daily?bank=CC2`);
    const runningText = await page.textContent("[data-testid=digest-running]") ?? "";
    assert.match(runningText, /2,990/);
    assert.match(runningText, /25%/);
    await shot(page, "daily-en");
    await page.setViewportSize({ width: 390, height: 844 });
    await noOverflow(page);
    await setLanguage(page, origin, "zh-CN");
    await page.goto(`${origin}/digests/daily?bank=CC2`);
    assert.match(await page.textContent("[data-testid=digest-title]") ?? "", /日报/);
    assert.match(await page.textContent("[data-testid=digest-running]") ?? "", /样本进度/);
    await noOverflow(page);
    await shot(page, "daily-zh-phone");
    await page.setViewportSize({ width: 1280, height: 900 });

    // The schedule card: a stop before the start is refused, in the page's language.
    const day = (n: number) => {
      const d = new Date(now.getTime() + n * 86_400_000 + 8 * 3600_000);
      return d.toISOString().slice(0, 10);
    };
    await page.goto(`${origin}/experiments/card-bind-sms-3?bank=CC2`);
    await page.waitForSelector("[data-testid=schedule-none]");
    await page.fill("input[name=startAt]", `${day(3)}T09:00`);
    await page.fill("input[name=stopAt]", `${day(2)}T09:00`);
    await Promise.all([
      page.waitForURL(/scheduleError=STOP_BEFORE_START/),
      page.click("[data-testid=schedule-save]"),
    ]);
    assert.match(
      await page.textContent("[data-testid=schedule-error]") ?? "",
      /停止时间必须晚于启动时间/,
    );
    await page.fill("input[name=startAt]", `${day(3)}T09:00`);
    await page.fill("input[name=stopAt]", `${day(10)}T18:30`);
    await Promise.all([
      page.waitForURL((url) => !url.search.includes("scheduleError")),
      page.click("[data-testid=schedule-save]"),
    ]);
    const lines = await page.textContent("[data-testid=schedule-lines]") ?? "";
    assert.match(lines, /计划于 .*09:00 启动/);
    assert.match(lines, /计划于 .*18:30 停止/);
    assert.equal(await page.inputValue("input[name=startAt]"), `${day(3)}T09:00`);
    await shot(page, "schedule-zh");
    await setLanguage(page, origin, "en");
    await page.goto(`${origin}/experiments/card-bind-sms-3?bank=CC2`);
    assert.match(await page.textContent("[data-testid=schedule-lines]") ?? "", /Starts at/);
    assert.match(await page.textContent("[data-testid=schedule]") ?? "", /Asia\/Shanghai/);
    await shot(page, "schedule-en");
    const stored = await db.selectFrom("experiments").select("id")
      .where("key", "=", "card-bind-sms-3").executeTakeFirstOrThrow();
    const row = await db.selectFrom("audit_log").select("details")
      .where("action", "=", "experiment.schedule").where("target", "=", "card-bind-sms-3")
      .executeTakeFirstOrThrow();
    assert.ok(stored.id);
    assert.equal(
      (row.details as { startAt: string }).startAt,
      new Date(`${day(3)}T09:00:00+08:00`).toISOString(),
    );
  },
  {
    async prepare(db) {
      const inWeek = new Date(week.start.getTime() + 2 * 86_400_000);
      // The demo's decided iterations were decided last week; one experiment started then.
      await db.updateTable("experiments").set({ decided_at: inWeek }).where(
        "status",
        "=",
        "decided",
      )
        .where("bank_id", "=", "CC2").execute();
      const running = await makeExperiment(db, {
        key: "wake-dormant-push",
        variants: [{ name: "对照组", weight: 1 }, { name: "唤醒礼包", weight: 1 }],
        startedAt: inWeek,
      });
      await db.updateTable("experiments").set({
        name: "唤醒沉睡客户·推送",
        planned_sample_size: 12000,
      }).where("id", "=", running).execute();
      await db.insertInto("daily_stats").values([
        {
          experiment_id: running,
          bank_id: "CC2",
          variant: "对照组",
          day: "2026-11-01",
          users: 1500,
        },
        {
          experiment_id: running,
          bank_id: "CC2",
          variant: "唤醒礼包",
          day: "2026-11-01",
          users: 1490,
        },
      ]).execute();
      await db.transaction().execute((trx) =>
        raiseAlert(trx, {
          bankId: "CC2",
          experimentId: running,
          experiment: { key: "wake-dormant-push", name: "唤醒沉睡客户·推送" },
          type: "no_exposures",
          cause: "since:browser",
          summary: {
            "zh-CN": "已经 24 小时没有收到曝光事件，接入可能出了问题。",
            en: "No exposure events for 24 hours: the integration may be broken.",
          },
          details: {},
        }, new Date(week.end.getTime() - 3600_000))
      );
      await makeExperiment(db, {
        key: "card-bind-sms-3",
        status: "draft",
        variants: [{ name: "对照组", weight: 1 }, { name: "满减券", weight: 1 }],
      });
      await produceDigests(db, now);
    },
  },
);
