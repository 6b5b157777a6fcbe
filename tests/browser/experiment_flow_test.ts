/**
 * The growth team's whole path in a real browser: create an experiment through the UI, start
 * it, let the bank's systems post events through the SDK API, and see the results page count
 * them and draw its charts.
 */
import assert from "node:assert/strict";
import { assignVariant } from "../../lib/experiments/assignment.ts";
import { browserTest, fillExperimentForm, postSdkEvents, signIn } from "./helpers.ts";

const KEY = "e2e-push";
const ARMS = [{ name: "control", weight: 1 }, { name: "bonus", weight: 1 }];

function sdkEvents() {
  const events: unknown[] = [];
  const users = { control: 0, bonus: 0 };
  const converters = { control: 0, bonus: 0 };
  for (let i = 0; i < 1000; i++) {
    const unit = `c-${(i * 7919) % 100_003}`;
    const arm = assignVariant(KEY, unit, ARMS, 2) as "control" | "bonus";
    users[arm]++;
    events.push({ id: `x-${i}`, type: "exposure", experiment: KEY, unit });
    // The bonus arm converts one in three, control one in ten: a clear winner.
    if (i % (arm === "bonus" ? 3 : 10) === 0) {
      converters[arm]++;
      events.push({ id: `c-${i}`, type: "conversion", experiment: KEY, unit });
    }
  }
  return { events, users, converters };
}

browserTest(
  "create an experiment in the UI, start it, post SDK events, see the results drawn",
  async ({ origin, browser }) => {
    const page = await (await browser.newContext({ locale: "zh-CN" })).newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));

    await signIn(page, origin, "/experiments/new");

    await fillExperimentForm(page, {
      key: KEY,
      name: "App 推送：普通 vs 加赠积分",
      bank: "CC2",
      arms: ["control", "bonus"],
    });
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/experiments/${KEY}`),
      page.click("[data-testid=experiment-form] button[type=submit]"),
    ]);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/experiments/${KEY}`),
      page.click("[data-testid=action-start]"),
    ]);
    await page.waitForSelector("[data-testid=status].status-running");

    const { events, users, converters } = sdkEvents();
    const ack = await postSdkEvents(origin, events);
    assert.deepEqual([ack.accepted, ack.duplicates, ack.rejected], [events.length, 0, []]);

    await page.reload();
    for (const arm of ["control", "bonus"] as const) {
      const cells = page.locator(`[data-testid=arms] tr[data-variant=${arm}] td`);
      assert.equal((await cells.nth(0).textContent())?.replace(/,/g, ""), String(users[arm]));
      assert.equal(
        (await cells.nth(1).textContent())?.replace(/,/g, ""),
        String(converters[arm]),
      );
    }
    await page.waitForSelector("[data-island=ExperimentTimeline][data-hydrated=true]");
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=timeline] canvas");
      if (!canvas || canvas.width === 0) return false;
      const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      return pixels.data.some((v, i) => i % 4 === 3 && v > 0);
    });
    assert.equal(await page.locator("[data-testid=lift-chart] circle").count(), 1);
    assert.deepEqual(errors, []);
  },
);
