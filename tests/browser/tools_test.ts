import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { formatNumber } from "../../lib/i18n/mod.ts";
import { sampleSizeProportions } from "../../lib/stats/power.ts";
import { browserTest, collectErrors } from "./helpers.ts";

const textOf = (page: Page, selector: string) =>
  page.locator(selector).textContent().then((t) => t?.trim());

browserTest(
  "the calculator answers as inputs change, in Chinese, with verdicts and the SRM warning",
  async ({ origin, browser }) => {
    const page = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    const errors = collectErrors(page);
    await page.goto(`${origin}/tools/calculator`);
    await page.waitForSelector("[data-island=SampleSizePlanner][data-hydrated=true]");
    await page.waitForSelector("[data-island=SignificanceCalculator][data-hydrated=true]");
    assert.equal(await textOf(page, "h1"), "样本量与显著性计算器");
    assert.equal(await textOf(page, "[data-testid=per-arm]"), "80,682");

    const expected = sampleSizeProportions({ baselineRate: 0.05, variantRate: 0.055 });
    await page.fill("input[name=baseline]", "5");
    await page.waitForFunction(
      (n) => document.querySelector("[data-testid=per-arm]")?.textContent === n,
      formatNumber("zh-CN", expected.perVariant, { maximumFractionDigits: 0 }),
    );
    await page.fill("input[name=baseline]", "0");
    await page.waitForSelector("[data-testid=planner] [role=alert]");

    await page.fill("input[name=users-0]", "20000");
    await page.fill("input[name=conversions-0]", "1000");
    await page.fill("input[name=name-1]", "优惠券版本");
    await page.fill("input[name=users-1]", "20000");
    await page.fill("input[name=conversions-1]", "1300");
    await page.waitForSelector("[data-testid=verdicts] li[data-tone=win]");
    assert.match(
      (await textOf(page, "[data-testid=verdicts] li")) ?? "",
      /^优惠券版本的转化率比对照高 30\.0%.*差异显著。/,
    );
    assert.equal(await page.locator("[data-testid=srm-warning]").count(), 0);

    await page.fill("input[name=users-1]", "23000");
    await page.waitForSelector("[data-testid=srm-warning]");
    assert.match((await textOf(page, "[data-testid=srm-warning]")) ?? "", /SRM/);

    await page.click("[data-testid=add-arm]");
    await page.waitForSelector("[data-testid=significance-errors]");
    await page.click("[data-testid=remove-arm-2]");
    await page.waitForSelector("[data-testid=significance-table]");

    assert.deepEqual(errors, [], "no script errors (CSP violations show up here too)");
  },
);

browserTest(
  "the bandit simulator runs in English, shows progress, draws the chart and fills the table",
  async ({ origin, browser }) => {
    const page = await (await browser.newContext({ locale: "en" })).newPage();
    const errors = collectErrors(page);
    await page.goto(`${origin}/tools/bandit-simulator`);
    await page.waitForSelector("[data-island=BanditSimulator][data-hydrated=true]");
    assert.equal(await textOf(page, "h1"), "Bandit simulator");

    await page.uncheck("input[name=policy-ucb1]");
    await page.fill("input[name=horizon]", "20000");
    await page.fill("input[name=runs]", "101");
    await page.waitForSelector("[data-testid=bandit-errors]");
    await page.fill("input[name=runs]", "40");
    await page.click("[data-testid=run]");
    await page.waitForSelector("[data-testid=bandit-status] progress");
    await page.waitForSelector("[data-testid=bandit-table] tbody tr[data-policy=thompson]");
    await page.waitForFunction(() =>
      !document.querySelector("[data-testid=bandit-status] progress") &&
      document.querySelectorAll("[data-testid=bandit-table] tbody tr").length === 2
    );
    assert.equal(await page.locator("tr[data-policy=ucb1]").count(), 0);
    const drawn = await page.$eval(
      "canvas[data-testid=regret-chart]",
      (canvas) => (canvas as HTMLCanvasElement).width > 0,
    );
    assert.ok(drawn, "the regret chart has a drawn canvas");
    assert.deepEqual(errors, [], "no script errors (CSP violations show up here too)");
  },
);
