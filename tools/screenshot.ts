/**
 * `deno run -A tools/screenshot.ts [path] [out.png]`: a screenshot of a page of the app with
 * demo data, in headless Chromium (for the README and for looking at pages while building).
 */
import { BROWSER_ADMIN, launchChromium, serveApp } from "../tests/browser/helpers.ts";

const path = Deno.args[0] ?? "/";
const out = Deno.args[1] ?? "docs/screenshot.png";
const locale = Deno.env.get("SHOT_LOCALE") ?? "zh-CN";
const server = await serveApp();
const browser = await launchChromium();
try {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.origin}${path}`);
  if (new URL(page.url()).pathname === "/login") {
    await page.fill("input[name=email]", BROWSER_ADMIN.email);
    await page.fill("input[name=password]", BROWSER_ADMIN.password);
    await Promise.all([
      page.waitForURL((u) => u.pathname !== "/login"),
      page.click("button[type=submit]"),
    ]);
    await page.goto(`${server.origin}${path}`);
  }
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: out, fullPage: true });
  console.log(`Saved ${out}`);
} finally {
  await browser.close();
  await server.close();
}
