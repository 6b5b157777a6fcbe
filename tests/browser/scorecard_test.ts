import assert from "node:assert/strict";
import { browserTest, collectErrors, signIn } from "./helpers.ts";

for (const [locale, heading] of [["zh-CN", "能力评分卡"], ["en", "Scorecard"]] as const) {
  browserTest(
    `the scorecard draws its radars and the what-if island re-scores (${locale})`,
    async ({ origin, browser }) => {
      const context = await browser.newContext({ locale });
      await context.addCookies([{ name: "lang", value: locale, url: origin }]);
      const page = await context.newPage();
      const errors = collectErrors(page);
      await signIn(page, origin);

      await page.goto(`${origin}/banks/CC2`);
      assert.match((await page.textContent("h1")) ?? "", new RegExp(heading));
      for (const id of ["radar-dimension", "radar-capability"]) {
        await page.waitForSelector(`[data-testid=${id}] canvas[data-drawn=true]`);
        const painted = await page.$eval(`[data-testid=${id}] canvas`, (c) => {
          const canvas = c as HTMLCanvasElement;
          const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
          return data.data.some((v, i) => i % 4 === 3 && v > 0);
        });
        assert.ok(painted, `${id} has pixels`);
      }

      await page.waitForSelector("[data-island=WhatIf][data-hydrated=true]");
      const before = await page.textContent("[data-testid=what-if-overall]");
      await page.selectOption("[data-testid=what-if-indicator]", "tag_system");
      await page.fill("[data-testid=what-if-value]", "1");
      await page.waitForFunction(
        (b) => document.querySelector("[data-testid=what-if-overall]")?.textContent !== b,
        before,
      );
      const after = await page.textContent("[data-testid=what-if-overall]");
      assert.notEqual(after, before, "the overall score moved");

      await page.goto(`${origin}/peers?group=city_commercial&bankId=CC2`);
      await page.waitForSelector("[data-testid=quartiles-capability] canvas[data-drawn=true]");
      await page.waitForSelector("[data-testid=radar-overlay] canvas[data-drawn=true]");

      assert.deepEqual(errors, [], "no script errors (CSP violations show up here too)");
    },
  );
}
