/**
 * Browser tests drive Debian's Chromium through playwright-core against the app served on a
 * loopback port, with the real island bundle. `npx playwright install` cannot work here.
 */
import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "playwright-core";
import type { Kysely } from "kysely";
import { createApp } from "../../app.ts";
import type { Database } from "../../db/schema.ts";
import { seedIfEmpty, type SeedOptions } from "../../db/seed.ts";
import { type Config, readConfig } from "../../fresh.config.ts";
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

/** What a test adds to the served app: data written before it starts, settings. */
export interface ServeOptions {
  /** Runs on the seeded database before the server starts. */
  prepare?: (db: Kysely<Database>) => Promise<void>;
  config?: Partial<Config>;
  /** Seeding choices other than the demo data and the browser admin (e.g. no demo traffic). */
  seed?: Pick<SeedOptions, "demoTraffic">;
}

/** Serves the app with demo data (and `options`) on 127.0.0.1 and a random port. */
export async function serveApp(options: ServeOptions = {}) {
  const database = await openTestDatabase("pglite");
  await seedIfEmpty(database.db, {
    adminEmail: BROWSER_ADMIN.email,
    adminPassword: BROWSER_ADMIN.password,
    demo: true,
    sdkKey: BROWSER_SDK_KEY,
    ...options.seed,
  });
  await options.prepare?.(database.db);
  const { manifest } = await ensureIslandsBuilt();
  const config = { ...readConfig({ get: () => undefined }), logRequests: false, ...options.config };
  const app = createApp({ db: database.db, config, assets: await loadAssets(manifest.entry) });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    db: database.db,
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
  fn: (env: { origin: string; browser: Browser; db: Kysely<Database> }) => Promise<void>,
  options: ServeOptions = {},
): void {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const server = await serveApp(options);
      const browser = await launchChromium();
      try {
        await fn({ origin: server.origin, browser, db: server.db });
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

/** The page's language from now on (the `lang` cookie). */
export async function setLanguage(page: Page, origin: string, lang: "zh-CN" | "en") {
  await page.context().addCookies([{ name: "lang", value: lang, url: origin }]);
}

/**
 * A new page signed in as the browser admin in `lang`, landed on `next`; with `bank`, that bank
 * chosen in the admin's bank picker there.
 */
export async function signedInPage(
  browser: Browser,
  origin: string,
  next: string,
  { lang = "zh-CN", bank }: { lang?: "zh-CN" | "en"; bank?: string } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await setLanguage(page, origin, lang);
  await signIn(page, origin, next);
  if (bank) {
    await page.selectOption("[data-testid=bank-picker] select", bank);
    await page.click("[data-testid=bank-picker] button");
  }
  return page;
}

/** Nothing wider than a 390 px phone screen (2 px for rounding). */
export async function noOverflow(page: Page) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 392, `page is ${wide}px wide at 390px`);
}

/** Full-page screenshots into /tmp/shots, named `<prefix>-<name>.png`. */
export function screenshots(prefix: string): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    await Deno.mkdir("/tmp/shots", { recursive: true });
    await page.screenshot({ path: `/tmp/shots/${prefix}-${name}.png`, fullPage: true });
  };
}

/** The page's script errors and console errors (CSP violations show up here too), as they come. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  return errors;
}

/** Fills the new-experiment form's key, name, bank and arms (weight 1 each); submits nothing. */
export async function fillExperimentForm(
  page: Page,
  { key, name, bank, arms }: { key: string; name: string; bank: string; arms: string[] },
) {
  await page.fill("input[name=key]", key);
  await page.fill("input[name=name]", name);
  await page.fill("input[name=bankId]", bank);
  for (const [i, arm] of arms.entries()) {
    await page.fill(`input[name=variant-name-${i}]`, arm);
    await page.fill(`input[name=variant-weight-${i}]`, "1");
  }
}

/** A page to visit: its name (for screenshots), path and a selector that shows it is there. */
export type PageVisit = [name: string, path: string, selector: string];

/**
 * Visits `pages` at 1280 and 390 px wide in the page's language (`lang`): each must show its
 * selector and, at 390 px, not scroll sideways; each is screenshot to
 * `<dir>/<prefix>-<name>-<lang>-<width>.png`, only the element `part(name)` names when it does.
 */
export async function visitAtWidths(
  page: Page,
  origin: string,
  pages: PageVisit[],
  { lang, dir, prefix, part = () => null, fullPageNarrow = false }: {
    lang: "zh-CN" | "en";
    dir: string;
    prefix: string;
    part?: (name: string) => string | null;
    /** Whole-page screenshots at 390 px. */
    fullPageNarrow?: boolean;
  },
  afterWidth: (width: number) => Promise<void> = async () => {},
): Promise<void> {
  await setLanguage(page, origin, lang);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, path, selector] of pages) {
      await page.goto(`${origin}${path}`);
      await page.waitForSelector(selector);
      if (width === 390) await noSidewaysScroll(page, `${name} ${lang}`);
      const selected = part(name);
      const element = selected ? await page.$(selected) : null;
      const file = `${dir}/${prefix}-${name}-${lang}-${width}.png`;
      if (element) await element.screenshot({ path: file });
      else await page.screenshot({ path: file, fullPage: fullPageNarrow && width === 390 });
    }
    await afterWidth(width);
  }
}

/** The page is no wider than its window (no sideways scrolling). */
export async function noSidewaysScroll(page: Page, what: string) {
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(scroll <= client, `${what}: page is ${scroll}px wide in a ${client}px window`);
}

/** Posts events through the SDK API with the demo bank's key; 200 or the test fails. */
export async function postSdkEvents(
  origin: string,
  events: unknown[],
): Promise<{ accepted: number; duplicates: number; rejected: unknown[] }> {
  const res = await fetch(`${origin}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${BROWSER_SDK_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  assert.equal(res.status, 200);
  return await res.json();
}
