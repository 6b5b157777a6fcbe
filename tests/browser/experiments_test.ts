import assert from "node:assert/strict";
import { launchChromium, serveApp, signIn } from "./helpers.ts";

/*
 * The app with demo data as a newcomer finds it: `welcome-sms` has four days of traffic,
 * seeded through assignment and event ingestion (`db/seed_welcome.ts`).
 */
Deno.test({
  name:
    "the seeded running test's results page draws its charts and recommends, in Chinese and English",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await serveApp();
    const browser = await launchChromium();
    try {
      for (
        const [locale, pattern] of [["zh-CN", /^继续运行/], ["en", /^Keep running/]] as const
      ) {
        const page = await (await browser.newContext({ locale })).newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(String(error)));
        await signIn(page, server.origin, "/experiments/welcome-sms");
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
