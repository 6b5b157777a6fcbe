import assert from "node:assert/strict";
import { createApp } from "../../app.ts";
import { seedIfEmpty } from "../../db/seed.ts";
import { readConfig } from "../../fresh.config.ts";
import { loadAssets } from "../../plugins/assets.ts";
import { ensureIslandsBuilt } from "../../tools/build_islands.ts";
import { openTestDatabase } from "../helpers/db.ts";
import { BROWSER_ADMIN, launchChromium } from "./helpers.ts";

/** The app with demo data and two days of sufficient statistics for `welcome-sms`. */
async function serveWithResults() {
  const database = await openTestDatabase("pglite");
  const db = database.db;
  await seedIfEmpty(db, {
    adminEmail: BROWSER_ADMIN.email,
    adminPassword: BROWSER_ADMIN.password,
    demo: true,
  });
  const e = await db.selectFrom("experiments").select(["id", "bank_id"])
    .where("key", "=", "welcome-sms").executeTakeFirstOrThrow();
  const row = (variant: string, day: string, users: number, converters: number) => ({
    experiment_id: e.id,
    bank_id: e.bank_id,
    variant,
    day,
    users,
    converters,
  });
  await db.insertInto("daily_stats").values([
    row("control", "2026-01-01", 3000, 150),
    row("coupon", "2026-01-01", 3000, 190),
    row("control", "2026-01-02", 3000, 152),
    row("coupon", "2026-01-02", 3000, 200),
  ]).execute();
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
  name: "the results page draws its charts and recommends, in Chinese and English",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await serveWithResults();
    const browser = await launchChromium();
    try {
      for (
        const [locale, pattern] of [["zh-CN", /^上线 coupon/], ["en", /^Ship coupon/]] as const
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
        assert.equal(
          await page.locator("[data-testid=recommendation]").getAttribute("data-action"),
          "ship",
        );
        assert.deepEqual(errors, []);
        await page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
