import assert from "node:assert/strict";
import { BROWSER_ADMIN, launchChromium, serveApp } from "./helpers.ts";

Deno.test({
  name: "sign in, the dashboard renders in Chinese, switches to English, and its island hydrates",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await serveApp();
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ locale: "zh-CN" });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));

      await page.goto(`${server.origin}/`);
      assert.equal(
        new URL(page.url()).pathname,
        "/login",
        "anonymous visitors are sent to sign in",
      );
      assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
      await page.fill("input[name=email]", BROWSER_ADMIN.email);
      await page.fill("input[name=password]", BROWSER_ADMIN.password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/"),
        page.click("form button[type=submit]"),
      ]);

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
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
