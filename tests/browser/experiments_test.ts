import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { seedIfEmpty } from "../../db/seed.ts";
import { readConfig } from "../../fresh.config.ts";
import { loadAssets } from "../../plugins/assets.ts";
import { ensureIslandsBuilt } from "../../tools/build_islands.ts";
import { openTestDatabase } from "../helpers/db.ts";
import { BROWSER_ADMIN, launchChromium } from "./helpers.ts";

/**
 * The app with demo data as a newcomer finds it: `welcome-sms` has four days of traffic,
 * seeded through assignment and event ingestion (`db/seed_welcome.ts`).
 */
async function serveWithResults() {
  const database = await openTestDatabase("pglite");
  const db = database.db;
  await seedIfEmpty(db, {
    adminEmail: BROWSER_ADMIN.email,
    adminPassword: BROWSER_ADMIN.password,
    demo: true,
  });
  const { manifest } = await ensureIslandsBuilt();
  const config = { ...readConfig({ get: () => undefined }), logRequests: false };
  const app = createApp({ db, config, assets: await loadAssets(manifest.entry) });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      await server.shutdown();
      await database.close();
    },
  };
}

Deno.test({
  name:
    "the seeded running test's results page draws its charts and recommends, in Chinese and English",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await serveWithResults();
    const browser = await launchChromium();
    try {
      for (
        const [locale, pattern] of [["zh-CN", /^继续运行/], ["en", /^Keep running/]] as const
      ) {
        const page = await (await browser.newContext({ locale })).newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(String(error)));
        await page.goto(`${server.origin}/login?next=/experiments/welcome-sms`);
        await page.fill("input[name=email]", BROWSER_ADMIN.email);
        await page.fill("input[name=password]", BROWSER_ADMIN.password);
        await Promise.all([
          page.waitForURL((u) => u.pathname === "/experiments/welcome-sms"),
          page.click("button[type=submit]"),
        ]);
        await page.waitForSelector("[data-island=ExperimentTimeline][data-hydrated=true]");
        const drawn = await page.waitForFunction(() => {
          const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=timeline] canvas");
          if (!canvas || canvas.width === 0) return false;
          const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
          return pixels.data.some((v, i) => i % 4 === 3 && v > 0);
        });
        assert.ok(await drawn.jsonValue(), "the cumulative chart has pixels");
        assert.equal(await page.locator("[data-testid=lift-chart] circle").count(), 1);
        const rec = await page.locator("[data-testid=recommendation] .rec-action").textContent();
        assert.match(rec?.trim() ?? "", pattern);
        // A real lift, significant before the planned sample size: keep running, not peek.
        assert.equal(
          await page.locator("[data-testid=recommendation]").getAttribute("data-action"),
          "keep_running",
        );
        assert.equal(await page.locator("[data-reason=EARLY_SIGNIFICANCE]").count(), 1);
        assert.equal(await page.locator("[data-testid=days-left]").count(), 1);
        assert.equal(await page.locator("[data-testid=srm-warning]").count(), 0);
        assert.deepEqual(errors, []);
        await page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
