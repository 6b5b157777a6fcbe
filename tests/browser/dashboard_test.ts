import assert from "node:assert/strict";
import { browserTest, signIn } from "./helpers.ts";

browserTest(
  "sign in, the dashboard renders in Chinese, switches to English, and its island hydrates",
  async ({ origin, browser }) => {
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));

    await page.goto(`${origin}/`);
    assert.equal(new URL(page.url()).pathname, "/login", "anonymous visitors are sent to sign in");
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    await signIn(page, origin, "/");
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal(await page.textContent("h1"), "总览");

    await page.click("[data-testid=lang-toggle]");
    await page.waitForSelector("html[lang=en]");
    assert.equal(await page.textContent("h1"), "Dashboard");

    await page.waitForSelector("[data-island=DimensionExplorer][data-hydrated=true]");
    const rows = page.locator("[data-testid=capability-table] tbody tr");
    assert.equal(await rows.first().getAttribute("data-capability"), "digital_channels");
    await page.click("button[data-dimension=intelligent]");
    await page.waitForSelector(
      "[data-testid=capability-table] tr[data-capability=customer_insight]",
    );
    assert.equal(
      await page.getAttribute("button[data-dimension=intelligent]", "aria-selected"),
      "true",
    );
    assert.equal(await rows.count(), 5, "the intelligent dimension has five capabilities");
    assert.deepEqual(errors, [], "no script errors (CSP violations show up here too)");
  },
);
