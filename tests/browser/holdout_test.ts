/**
 * The global holdout's report and an experiment's answers per reason in Chromium, in both
 * languages, on the demo data: without a holdout the page says how to set one; after the contact
 * policy gets one, choosing metrics shows a row per metric with its groups, difference and lift
 * with intervals; the experiment page shows the reason-counts card with its "answers, not
 * customers" note. Screenshots: /tmp/shots/holdout-*.png.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { Locale } from "../../lib/i18n/mod.ts";
import { BROWSER_SDK_KEY, browserTest, signIn } from "./helpers.ts";

const SHOTS = "/tmp/shots";

async function newPage(browser: Browser, locale: Locale, origin: string, next: string) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, origin, next);
  return page;
}

browserTest(
  "the holdout report and the reason counts in both languages",
  async ({ origin, browser }) => {
    await Deno.mkdir(SHOTS, { recursive: true });
    // Some tracked events after the holdout starts (customers with Chinese-bank-like ids).
    const events = Array.from({ length: 60 }, (_, i) => ({
      id: `hb-${i}`,
      type: "track",
      event: "app_session",
      unit: `62270000${String(i).padStart(2, "0")}`,
      value: i % 5 === 0 ? -3 : 4 + (i % 7),
      at: new Date(Date.now() + 1000).toISOString(),
    }));
    for (const locale of ["zh-CN", "en"] as const) {
      const page = await newPage(browser, locale, origin, "/holdout");
      await page.goto(`${origin}/holdout?bank=CC2`);
      if (locale === "zh-CN") {
        await page.waitForSelector("[data-testid=holdout-none]");
        assert.match(
          await page.textContent("[data-testid=holdout-none]") ?? "",
          /PUT \/api\/contact-policy/,
        );
        await page.screenshot({ path: `${SHOTS}/holdout-none-${locale}.png`, fullPage: true });
        const put = await page.request.put(`${origin}/api/contact-policy?bank=CC2`, {
          headers: { origin, "content-type": "application/json" },
          data: { caps: [], quietHours: null, holdout: { percent: 20 } },
        });
        assert.equal(put.status(), 200, await put.text());
        await new Promise((r) => setTimeout(r, 1100)); // events must be after startedAt
        const sent = await fetch(`${origin}/api/v1/events`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${BROWSER_SDK_KEY}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({
            events: events.map((e) => ({ ...e, at: new Date().toISOString() })),
          }),
        });
        assert.equal(sent.status, 200);
        await sent.body?.cancel();
        await page.goto(`${origin}/holdout?bank=CC2`);
      }
      await page.waitForSelector("[data-testid=holdout-form]");
      await page.check("[data-testid=metric-opt_out]");
      const boxes = await page.$$("input[name=metrics]");
      assert.ok(boxes.length >= 1);
      for (const box of boxes.slice(0, 3)) await box.check();
      await Promise.all([
        page.waitForLoadState("load"),
        page.click("[data-testid=holdout-submit]"),
      ]);
      await page.waitForSelector("[data-testid=holdout-report]");
      const rows = await page.$$("[data-testid=holdout-metric]");
      assert.ok(rows.length >= 1);
      const population = await page.textContent("[data-testid=holdout-population]") ?? "";
      assert.match(population, locale === "en" ? /in the holdout/ : /长期对照组/);
      const api = await page.request.get(
        `${origin}/api/holdout?bank=CC2&metrics=${
          new URL(page.url()).searchParams.getAll("metrics").join(",")
        }`,
      );
      const body = await api.json();
      assert.equal(rows.length, body.metrics.length);
      assert.ok(body.population.total >= 60, JSON.stringify(body.population));
      await page.screenshot({ path: `${SHOTS}/holdout-report-${locale}.png`, fullPage: true });

      await page.goto(`${origin}/experiments/welcome-sms?bank=CC2`);
      await page.waitForSelector("[data-testid=reason-counts]");
      const note = await page.textContent("[data-testid=reason-counts-note]") ?? "";
      assert.match(note, locale === "en" ? /answers, not customers/ : /回答次数，不是客户数/);
      await (await page.$("[data-testid=reason-counts]"))!.screenshot({
        path: `${SHOTS}/holdout-reasons-${locale}.png`,
      });
      await page.context().close();
    }
  },
);
