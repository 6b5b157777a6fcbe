/**
 * Walks every page of the demo in both languages, signed in as each role (and signed out), in
 * Chromium at a phone's width (390 px), following every link a page offers. It fails on
 *
 * - English words in the Chinese UI, outside an allow-list of proper names and codes and the
 *   demo's data (bank, campaign and experiment names, arm names, keys, emails);
 * - Chinese in the English UI, outside the data (a Chinese bank or campaign name is data) and
 *   elements marked as such (`data-i18n-skip`, or a `lang` other than the page's);
 * - horizontal overflow: `document.documentElement.scrollWidth > 390`;
 * - a script error, or a page that does not answer 200;
 * - a page route (routes/pages.ts, read from the app's route table) that no walk reached.
 *
 * Screenshots of every page go to /tmp/shots/walk/.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Browser, Page } from "playwright-core";
import { createApp } from "../../app.ts";
import type { Database } from "../../db/schema.ts";
import { seedIfEmpty } from "../../db/seed.ts";
import { readConfig } from "../../fresh.config.ts";
import { loadAssets } from "../../plugins/assets.ts";
import { produceDigests } from "../../routes/digests/_produce.ts";
import { SESSION_COOKIE } from "../../plugins/session.ts";
import { ensureIslandsBuilt } from "../../tools/build_islands.ts";
import { DEMO_USERS, sessionCookie } from "../helpers/app.ts";
import { openTestDatabase } from "../helpers/db.ts";
import { BROWSER_ADMIN, BROWSER_SDK_KEY, launchChromium } from "./helpers.ts";

const WIDTH = 390;
const SHOTS = "/tmp/shots/walk";
/** Per route pattern and walk: enough to see a page's variants, few enough to finish. */
const PER_PATTERN = 3;

/** Latin words the Chinese UI may show: proper names, codes, units and abbreviations. */
const ALLOWED_LATIN = new Set([
  "Lensloop",
  "SDK",
  "API",
  "CSV",
  "Excel",
  "xlsx",
  "JSON",
  "A",
  "B",
  "App",
  "CUPED",
  "SRM",
  "ms",
  "s",
  "p",
  "n",
  "x",
  "L",
  "H",
  "Q",
  "FY",
  "ID",
  "PDF",
  "UTC",
  "Bearer",
  "WeChat",
  "OpenAPI",
  "GET",
  "POST",
  "PATCH",
  "English",
  // Proper names of methods, each said in words beside it (多重比较校正, 逐步法).
  "Holm",
  "Benjamini",
  "Hochberg",
  "Welch",
  "log",
  "t", // t 检验
  "Webhook",
  // Jargon the model's own Chinese rubrics use (lib/lens/lens-model.json).
  "PoC",
  "MLOps",
  "owner",
  // CSV column names in the import help.
  "period",
]);

/** Page routes no walk needs: redirects and non-HTML answers. */
const NOT_PAGES = new Set([
  "/lang/:locale",
  "/sdk/lensloop.js",
  "/api/openapi.json",
  "/favicon.ico",
]);

const HAN = /\p{Script=Han}/u;

interface Finding {
  who: string;
  url: string;
  problem: string;
}

/** Every string of the demo's data (names, keys, emails, descriptions, notes), longest first. */
async function dataStrings(db: Kysely<Database>): Promise<string[]> {
  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === "string") {
      for (const part of value.split(/\s+\/\s+|\n/)) {
        if (part.trim().length >= 2) found.add(part.trim());
      }
      if (value.trim().length >= 2) found.add(value.trim());
    } else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === "object" && !(value instanceof Date)) {
      Object.values(value).forEach(add);
    }
  };
  const tables = [
    "banks",
    "users",
    "campaigns",
    "experiments",
    "variants",
    "sdk_keys",
    "metrics",
    "assessments",
    "peer_groups",
    "audit_log",
  ] as const;
  for (const table of tables) {
    try {
      // deno-lint-ignore no-explicit-any
      const rows = await (db as Kysely<any>).selectFrom(table).selectAll().execute();
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (/hash|token|password/i.test(column)) continue;
          add(value);
        }
      }
    } catch {
      // a table another branch has not created yet
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** The page's text nodes a reader sees, without data-marked elements, scripts and code. */
function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const lang = document.documentElement.lang;
    const out: string[] = [];
    const skip = (el: Element | null): boolean => {
      for (let e = el; e; e = e.parentElement) {
        if (
          e.matches("script, style, noscript, code, pre, kbd, samp, template, [data-i18n-skip]")
        ) {
          return true;
        }
        const own = e.getAttribute("lang");
        if (own && own !== lang) return true;
        if (e instanceof HTMLElement && e.hidden) return true;
      }
      return false;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (text && !skip(node.parentElement)) out.push(text);
    }
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], img[alt]")) {
      if (skip(el)) continue;
      for (const name of ["placeholder", "title", "aria-label", "alt"]) {
        const value = el.getAttribute(name)?.trim();
        if (value) out.push(value);
      }
    }
    for (const el of document.querySelectorAll("option, input[type=submit], button")) {
      if (!skip(el) && el instanceof HTMLInputElement && el.value) out.push(el.value);
    }
    out.push(document.title);
    return out;
  });
}

/** What is left of a text once the data's strings, emails, URLs and numbers are taken out. */
const dataPatterns = new Map<string, RegExp>();

/** A data string as a pattern that matches it only as a whole word (`conversion` not in `conversion_value`). */
function dataPattern(value: string): RegExp {
  let pattern = dataPatterns.get(value);
  if (!pattern) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    pattern = new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, "g");
    dataPatterns.set(value, pattern);
  }
  return pattern;
}

function withoutData(text: string, data: string[]): string {
  let rest = text;
  for (const value of data) if (rest.includes(value)) rest = rest.replace(dataPattern(value), " ");
  // Keys (conversion_value, welcome-sms) are codes.
  rest = rest.replace(/[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+/g, " ");
  return rest
    .replace(/\S+@\S+/g, " ")
    .replace(/https?:\/\/\S*|[\w.-]*\/[\w./:?=&-]+/g, " ");
}

/** Latin words in a Chinese page's text that are neither allowed nor codes. */
export function strayEnglish(text: string): string[] {
  const words = text.match(/[A-Za-z][A-Za-z0-9_'’]*(?:-[A-Za-z0-9_]+)*/g) ?? [];
  return words.filter((word) =>
    !ALLOWED_LATIN.has(word) &&
    !/^[A-Z0-9_]+$/.test(word) && // codes and abbreviations: CC2, BAD_PERIOD, KPI
    !/[-_]/.test(word) // keys: welcome-sms, conversion_value
  );
}

/** The route pattern of a path, from the app's GET routes. */
function patternOf(patterns: string[], path: string): string | undefined {
  const matches = patterns.filter((p) =>
    new RegExp(`^${p.replace(/:[^/]+/g, "[^/]+")}/?$`).test(path)
  );
  // A fixed path (/experiments/new) before a parameter (/experiments/:key).
  return matches.sort((a, b) => a.split(":").length - b.split(":").length)[0];
}

/** A link worth following: same origin, a page (not an action, a download or the API). */
function followable(url: URL, origin: string): boolean {
  if (url.origin !== origin) return false;
  const p = url.pathname;
  if (p === "/logout" || p.startsWith("/lang/") || p.startsWith("/static/")) return false;
  if (p.startsWith("/sdk/") || p.endsWith(".csv") || p.endsWith(".json") || /export/.test(p)) {
    return false;
  }
  if (p.startsWith("/api/") && p !== "/api/docs") return false;
  return true;
}

async function walk(
  browser: Browser,
  origin: string,
  who: string,
  locale: "zh-CN" | "en",
  cookie: string | null,
  patterns: string[],
  data: string[],
  reached: Set<string>,
  findings: Finding[],
  starts: string[],
): Promise<number> {
  const context = await browser.newContext({
    locale,
    viewport: { width: WIDTH, height: 844 },
  });
  const host = new URL(origin).hostname;
  await context.addCookies([
    { name: "lang", value: locale, domain: host, path: "/" },
    ...(cookie
      ? [{ name: SESSION_COOKIE, value: cookie.split("=")[1], domain: host, path: "/" }]
      : []),
  ]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  const queue = [cookie ? "/" : "/login", ...starts];
  const seen = new Set(queue);
  const perPattern = new Map<string, number>();
  let visited = 0;
  const report = (url: string, problem: string) =>
    findings.push({ who: `${who} ${locale}`, url, problem });
  while (queue.length) {
    const path = queue.shift()!;
    let response;
    for (let attempt = 1; !response; attempt++) {
      try {
        response = await page.goto(origin + path, { waitUntil: "load", timeout: 90_000 });
      } catch (error) {
        // A navigation an island started on the page before can interrupt this one: retry.
        if (attempt < 3 && /interrupted by another navigation/.test(String(error))) continue;
        report(path, `not loaded: ${String(error).split("\n")[0]}`);
        break;
      }
    }
    if (!response) continue;
    visited++;
    const status = response?.status() ?? 0;
    const landed = new URL(page.url());
    if (status !== 200) {
      report(path, `status ${status}`);
      continue;
    }
    const pattern = patternOf(patterns, landed.pathname);
    if (pattern) reached.add(pattern);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll<HTMLElement>("[data-island]")].every((e) =>
          e.dataset.hydrated === "true"
        ),
      undefined,
      { timeout: 30_000 },
    ).catch(() => report(path, "islands did not hydrate in 30 s"));
    for (const text of await visibleTexts(page)) {
      const rest = withoutData(text, data);
      if (locale === "zh-CN") {
        const stray = strayEnglish(rest);
        if (stray.length) report(path, `English: ${stray.join(" ")} ← “${text.slice(0, 120)}”`);
      } else if (HAN.test(rest)) {
        report(path, `Chinese: “${text.slice(0, 120)}”`);
      }
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > WIDTH) {
      const culprits = await page.evaluate(
        (limit) =>
          [...document.querySelectorAll<HTMLElement>("body *")]
            .filter((e) => e.getBoundingClientRect().right > limit + 1)
            .filter((e) =>
              !e.parentElement || e.parentElement.getBoundingClientRect().right <= limit + 1
            )
            .slice(0, 3)
            .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`),
        WIDTH,
      );
      report(path, `overflow: scrollWidth ${width} > ${WIDTH} (${culprits.join(", ")})`);
    }
    const slug = `${who}-${locale}-${path.replace(/[^A-Za-z0-9]+/g, "_").slice(0, 80) || "root"}`;
    await page.screenshot({ path: `${SHOTS}/${slug}.png` });
    for (const error of errors.splice(0)) report(path, `script error: ${error}`);

    const links = await page.$$eval(
      "a[href]",
      (as) => as.map((a) => (a as HTMLAnchorElement).href),
    );
    for (const href of links) {
      const url = new URL(href);
      url.hash = "";
      if (!followable(url, origin)) continue;
      const next = url.pathname + url.search;
      if (seen.has(next)) continue;
      const nextPattern = patternOf(patterns, url.pathname) ?? url.pathname;
      const count = perPattern.get(nextPattern) ?? 0;
      if (count >= PER_PATTERN) continue;
      perPattern.set(nextPattern, count + 1);
      seen.add(next);
      queue.push(next);
    }
  }
  await context.close();
  return visited;
}

Deno.test({
  name: "every page in both languages, for every role, at 390 px: its language only, no overflow",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await Deno.mkdir(SHOTS, { recursive: true });
    const database = await openTestDatabase("pglite");
    const { db } = database;
    await seedIfEmpty(db, {
      adminEmail: BROWSER_ADMIN.email,
      adminPassword: BROWSER_ADMIN.password,
      demo: true,
      sdkKey: BROWSER_SDK_KEY,
    });
    // The scheduler's first round on a running app makes the demo bank's digests.
    await produceDigests(db, new Date());
    const { manifest } = await ensureIslandsBuilt();
    const config = { ...readConfig({ get: () => undefined }), logRequests: false };
    const app = createApp({ db, config, assets: await loadAssets(manifest.entry) });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    const origin = `http://127.0.0.1:${server.addr.port}`;
    const browser = await launchChromium();
    try {
      const patterns = [...new Set(app.routes.filter((r) => r.method === "GET").map((r) => r.path))]
        .filter((p) => !p.includes("*") && (!p.startsWith("/api/") || p === "/api/docs"))
        .filter((p) => !p.startsWith("/static") && p !== "/healthz");
      const data = await dataStrings(db);
      const sessions: Record<string, string | null> = {
        admin: await sessionCookie(db, BROWSER_ADMIN.email),
        executive: await sessionCookie(db, DEMO_USERS.executive),
        growth: await sessionCookie(db, DEMO_USERS.growth),
        consultant: await sessionCookie(db, DEMO_USERS.consultant),
        anonymous: null,
      };
      // Pages no menu links to, and forms only some roles open.
      const everyone = ["/api/docs", "/tools/bandit-simulator"];
      const draft = await db.selectFrom("experiments").select(["key", "bank_id"])
        .where("status", "=", "draft").executeTakeFirst();
      // deno-lint-ignore no-explicit-any
      const metric = await (db as Kysely<any>).selectFrom("metrics").select(["key"])
        .where("bank_id", "=", "CC2").executeTakeFirst().catch(() => undefined);
      const editors = [
        ...everyone,
        "/experiments/new?bank=CC2",
        "/metrics/new?bank=CC2",
        "/peers/groups",
        ...(draft ? [`/experiments/${draft.key}/edit?bank=${draft.bank_id}`] : []),
        ...(metric ? [`/metrics/${metric.key}/edit?bank=CC2`] : []),
      ];
      const startsOf = (who: string) =>
        who === "admin" ? editors : who === "anonymous" ? [] : everyone;
      const reached = new Set<string>();
      const findings: Finding[] = [];
      let pages = 0;
      for (const [who, cookie] of Object.entries(sessions)) {
        for (const locale of ["zh-CN", "en"] as const) {
          pages += await walk(
            browser,
            origin,
            who,
            locale,
            cookie,
            patterns,
            data,
            reached,
            findings,
            startsOf(who),
          );
        }
      }
      const missed = patterns.filter((p) => !reached.has(p) && !NOT_PAGES.has(p));
      const unique = [
        ...new Map(findings.map((f) => [`${f.who}|${f.url}|${f.problem}`, f])).values(),
      ];
      console.log(
        `walked ${pages} pages; ${unique.length} findings; routes missed: ${
          missed.join(", ") || "none"
        }`,
      );
      await Deno.writeTextFile(
        `${SHOTS}/findings.txt`,
        unique.map((f) => `${f.who}\t${f.url}\t${f.problem}`).join("\n") + "\n",
      );
      assert.deepEqual(missed, [], "page routes no walk reached");
      assert.deepEqual(unique.map((f) => `${f.who} ${f.url}: ${f.problem}`), []);
    } finally {
      await browser.close();
      await server.shutdown();
      await database.close();
    }
  },
});
