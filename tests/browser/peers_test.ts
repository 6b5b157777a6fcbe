/**
 * The peers page in a real browser, in Chinese and in English: the indicator table's leaders
 * are the better quartile in each indicator's direction, so for a lower-is-better one (trigger
 * latency, churn) they sit below the median, and the row says lower is better.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { browserTest, signIn } from "./helpers.ts";

const EXPECTED = {
  "zh-CN": { leaders: "领先者（较优四分位）", median: "同业中位数", lowerBetter: "越低越好" },
  en: {
    leaders: "Leaders (better quartile)",
    median: "Peer median",
    lowerBetter: "Lower is better",
  },
} as const;

async function checkLeaders(browser: Browser, origin: string, locale: keyof typeof EXPECTED) {
  const expected = EXPECTED[locale];
  const context = await browser.newContext({ locale });
  await context.addCookies([{ name: "lang", value: locale, url: origin }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await signIn(page, origin, "/peers?group=all");
  const table = page.locator("[data-testid=peer-indicators] table");
  await table.waitFor();
  const headers = await table.locator("thead th").allTextContents();
  const column = (label: string) => headers.findIndex((h) => h.trim() === label);
  assert.ok(column(expected.leaders) > 0, headers.join(" | "));
  const number = (s: string) => Number(s.replace(/[,\s]/g, ""));
  for (
    const [id, lowerBetter] of [
      ["realtime_trigger_latency", true],
      ["churn_rate", true],
      ["app_mau_penetration", false],
    ] as const
  ) {
    const row = table.locator(`tr[data-figure=${id}]`);
    const cells = await row.locator("th, td").allTextContents();
    const median = number(cells[column(expected.median)]);
    const leaders = number(await row.locator("[data-testid=leaders]").textContent() ?? "");
    assert.ok(Number.isFinite(median) && Number.isFinite(leaders), cells.join(" | "));
    assert.ok(lowerBetter ? leaders < median : leaders > median, `${id}: ${cells.join(" | ")}`);
    assert.equal(cells[0].includes(expected.lowerBetter), lowerBetter, cells[0]);
  }
  await page.waitForSelector("[data-testid=radar-overlay] canvas[data-drawn=true]");
  assert.deepEqual(errors, []);
  await context.close();
}

browserTest(
  "the peers table shows the better quartile as leaders in Chinese",
  (env) => checkLeaders(env.browser, env.origin, "zh-CN"),
);

browserTest(
  "the peers table shows the better quartile as leaders in English",
  (env) => checkLeaders(env.browser, env.origin, "en"),
);
