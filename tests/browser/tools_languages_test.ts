// The other language of each tool page (tools_test.ts drives the calculator in Chinese and the
// simulator in English): the calculator in English and the simulator in Chinese.
import assert from "node:assert/strict";
import { browserTest } from "./helpers.ts";

browserTest(
  "the calculator works in English and the bandit simulator in Chinese",
  async ({ origin, browser }) => {
    const errors: string[] = [];
    const en = await (await browser.newContext({ locale: "en" })).newPage();
    en.on("pageerror", (error) => errors.push(String(error)));
    await en.goto(`${origin}/tools/calculator`);
    await en.waitForSelector("[data-island=SampleSizePlanner][data-hydrated=true]");
    assert.equal(await en.getAttribute("html", "lang"), "en");
    assert.equal((await en.textContent("h1"))?.trim(), "Sample size & significance calculator");
    const before = await en.textContent("[data-testid=per-arm]");
    await en.fill("input[name=baseline]", "10");
    await en.waitForFunction(
      (old) => document.querySelector("[data-testid=per-arm]")?.textContent !== old,
      before,
    );

    const zh = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    zh.on("pageerror", (error) => errors.push(String(error)));
    await zh.goto(`${origin}/tools/bandit-simulator`);
    await zh.waitForSelector("[data-island=BanditSimulator][data-hydrated=true]");
    assert.equal(await zh.getAttribute("html", "lang"), "zh-CN");
    assert.equal((await zh.textContent("h1"))?.trim(), "多臂老虎机模拟器");
    const row = "[data-testid=bandit-table] tbody tr[data-policy=thompson]";
    const defaultRow = await zh.textContent(row);
    await zh.fill("input[name=horizon]", "2000");
    await zh.fill("input[name=runs]", "5");
    await zh.click("[data-testid=run]");
    await zh.waitForFunction(
      ([selector, old]) =>
        !document.querySelector("[data-testid=bandit-status] progress") &&
        document.querySelector(selector!)?.textContent !== old,
      [row, defaultRow],
    );
    assert.equal(await zh.locator("[data-testid=bandit-table] tbody tr").count(), 3);
    assert.deepEqual(errors, []);
  },
);
