/**
 * A scorecard whose assessment holds a value stored before the range rule (a 150 % digital
 * sales share): the page renders with the flag, its islands hydrate and the What-if island
 * re-scores without a script error, in both languages; so does the assessment form, which
 * marks the field. Screenshots go to /tmp/shots/stored-invalid/.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { browserTest, collectErrors, signIn } from "./helpers.ts";

const SHOTS = "/tmp/shots/stored-invalid";

browserTest(
  "a stored out-of-range value is flagged and the scorecard's islands still work",
  async ({ origin, browser, db }) => {
    const { period } = await db.selectFrom("assessments").select("period")
      .where("bank_id", "=", "CC2").where("status", "=", "submitted")
      .orderBy("period", "desc").executeTakeFirstOrThrow();
    await Deno.mkdir(SHOTS, { recursive: true }).catch(() => {});
    for (const [locale, flag] of [["zh-CN", "超出有效范围"], ["en", "outside the valid range"]]) {
      const context = await browser.newContext({
        locale,
        viewport: { width: 1280, height: 900 },
      });
      await context.addCookies([{ name: "lang", value: locale, url: origin }]);
      const page = await context.newPage();
      const errors = collectErrors(page);
      await signIn(page, origin);

      await page.goto(`${origin}/banks/CC2?period=${period}`);
      const notice = page.locator("[data-testid=invalid-values]");
      assert.match((await notice.textContent()) ?? "", new RegExp(flag));
      assert.ok(await notice.isVisible());
      await page.screenshot({ path: `${SHOTS}/scorecard-${locale}.png` });

      await page.waitForSelector("[data-island=WhatIf][data-hydrated=true]");
      const before = await page.textContent("[data-testid=what-if-overall]");
      await page.selectOption("[data-testid=what-if-indicator]", "digital_sales_share");
      await page.fill("[data-testid=what-if-value]", "1");
      await page.waitForFunction(
        (b) => document.querySelector("[data-testid=what-if-overall]")?.textContent !== b,
        before,
      );
      await page.locator("[data-testid=what-if]").screenshot({
        path: `${SHOTS}/what-if-${locale}.png`,
      });

      await page.goto(`${origin}/banks/CC2/assessments/${period}`);
      const field = page.locator("#f-digital_sales_share");
      assert.match((await field.textContent()) ?? "", new RegExp(flag));
      await page.screenshot({ path: `${SHOTS}/form-${locale}.png` });
      await field.scrollIntoViewIfNeeded();
      await field.screenshot({ path: `${SHOTS}/form-field-${locale}.png` });

      await page.goto(`${origin}/banks/CC2/assessments`);
      await page.screenshot({ path: `${SHOTS}/history-${locale}.png` });
      await page.goto(`${origin}/?bank=CC2`);
      assert.ok(await page.locator("[data-testid=invalid-values]").isVisible());
      await page.screenshot({ path: `${SHOTS}/dashboard-${locale}.png` });

      assert.deepEqual(errors, [], "no script errors");
      await context.close();
    }
  },
  {
    async prepare(db) {
      await sql`update assessments set values = values || '{"digital_sales_share": 150}'::jsonb
        where bank_id = 'CC2'`.execute(db);
    },
  },
);
