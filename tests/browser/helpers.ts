/**
 * Browser tests drive Debian's Chromium through playwright-core against the app served on a
 * loopback port, with the real island bundle. `npx playwright install` cannot work here.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { createApp } from "../../app.ts";
import { seedIfEmpty } from "../../db/seed.ts";
import { readConfig } from "../../fresh.config.ts";
import { loadAssets } from "../../plugins/assets.ts";
import { ensureIslandsBuilt } from "../../tools/build_islands.ts";
import { openTestDatabase } from "../helpers/db.ts";

export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const BROWSER_ADMIN = { email: "admin@browser.test", password: "browser-admin-pass-42" };
/** The demo bank CC2's SDK key in browser tests. */
export const BROWSER_SDK_KEY = "ll_browser_test_key_cc2_0123456789abcdef";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Serves the app with demo data on 127.0.0.1 and a random port. */
export async function serveApp() {
  const database = await openTestDatabase("pglite");
  await seedIfEmpty(database.db, {
    adminEmail: BROWSER_ADMIN.email,
    adminPassword: BROWSER_ADMIN.password,
    demo: true,
    sdkKey: BROWSER_SDK_KEY,
  });
  const { manifest } = await ensureIslandsBuilt();
  const config = { ...readConfig({ get: () => undefined }), logRequests: false };
  const app = createApp({ db: database.db, config, assets: await loadAssets(manifest.entry) });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      await server.shutdown();
      await database.close();
    },
  };
}

/**
 * A browser test: the app with demo data on a loopback port and a headless Chromium, both
 * closed afterwards whatever happens.
 */
export function browserTest(
  name: string,
  fn: (env: { origin: string; browser: Browser }) => Promise<void>,
): void {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const server = await serveApp();
      const browser = await launchChromium();
      try {
        await fn({ origin: server.origin, browser });
      } finally {
        await browser.close();
        await server.close();
      }
    },
  });
}

/** Signs in as the browser admin through the real login form and lands on `next`. */
export async function signIn(page: Page, origin: string, next = "/"): Promise<void> {
  await page.goto(`${origin}/login?next=${encodeURIComponent(next)}`);
  await page.fill("input[name=email]", BROWSER_ADMIN.email);
  await page.fill("input[name=password]", BROWSER_ADMIN.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === next.split("?")[0]),
    page.click("form button[type=submit]"),
  ]);
}
