/**
 * A bandit in a real browser, in both languages: created through the form, fed by the bank's
 * systems through the SDK API, reweighted with the page's button; the page shows the arms'
 * probabilities and weights, the arm the data took offline, the stacked allocation chart and
 * the per-period sample-ratio check; then the winner is promoted into a confirming A/B.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { createRng } from "../../lib/random.ts";
import { BROWSER_SDK_KEY, browserTest, signIn } from "./helpers.ts";

const RATES: Record<string, number> = { control: 0.04, coupon: 0.1, call: 0.01 };

async function sdk(origin: string, path: string, body: unknown) {
  const res = await fetch(`${origin}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${BROWSER_SDK_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

/** One round of new customers: assigned, exposed, converted at their arm's true rate. */
async function traffic(origin: string, key: string, from: number, count: number, seed: number) {
  const rng = createRng(seed);
  const units = Array.from({ length: count }, (_, i) => `${key}-${from + i}`);
  const { assignments } = await sdk(origin, "/api/v1/assignments", { experiment: key, units });
  const events = assignments.flatMap((a: { unit: string; variant: string }) => [
    { id: `x-${a.unit}`, type: "exposure", experiment: key, unit: a.unit },
    ...(rng() < RATES[a.variant]
      ? [{ id: `c-${a.unit}`, type: "conversion", experiment: key, unit: a.unit }]
      : []),
  ]);
  const sent = await sdk(origin, "/api/v1/events", { events });
  assert.deepEqual(sent.rejected, []);
}

async function createBandit(page: Page, origin: string, key: string) {
  await signIn(page, origin, "/experiments/new");
  await page.fill("input[name=key]", key);
  await page.fill("input[name=name]", `Bandit ${key}`);
  await page.fill("input[name=bankId]", "CC2");
  for (const [i, name] of ["control", "coupon", "call"].entries()) {
    await page.fill(`input[name=variant-name-${i}]`, name);
    await page.fill(`input[name=variant-weight-${i}]`, "1");
  }
  await page.selectOption("select[name=mode]", "bandit");
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/experiments/${key}`),
    page.click("[data-testid=experiment-form] button[type=submit]"),
  ]);
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/experiments/${key}`),
    page.click("[data-testid=action-start]"),
  ]);
}

for (const locale of ["zh-CN", "en"] as const) {
  browserTest(
    `a bandit's allocation page and the promotion of its winner [${locale}]`,
    async ({ origin, browser }) => {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      const key = `bandit-${locale.toLowerCase()}`;
      await createBandit(page, origin, key);
      assert.ok(await page.isVisible("[data-testid=bandit] [data-testid=burn-in]"));

      await traffic(origin, key, 0, 60, 1);
      await page.reload();
      await page.click("[data-testid=action-reweight]");
      await page.waitForSelector("[data-testid=action-error]");
      const refused = await page.textContent("[data-testid=action-error]");
      assert.match(refused ?? "", /100/, "the burn-in is explained");

      for (let round = 0; round < 4; round++) {
        await traffic(origin, key, 60 + round * 900, 900, 10 + round);
        await Promise.all([
          page.waitForURL((u) => u.pathname === `/experiments/${key}`),
          page.click("[data-testid=action-reweight]"),
        ]);
      }

      const offline = await page.getAttribute("[data-arm=call]", "data-offline");
      assert.equal(offline, "true", "the 1 % arm is taken offline");
      assert.equal(await page.getAttribute("[data-arm=coupon]", "data-offline"), "false");
      const state = await page.textContent("[data-arm=call] td:last-child");
      assert.match(state ?? "", locale === "en" ? /offline/ : /下线/);
      await page.waitForSelector("[data-testid=allocation-chart] canvas");
      const drawn = await page.$eval(
        "[data-testid=allocation-chart] canvas",
        (c) => (c as HTMLCanvasElement).width > 0 && (c as HTMLCanvasElement).height > 0,
      );
      assert.ok(drawn, "the allocation chart is drawn");
      const periods = await page.$$("[data-testid=bandit-periods] tbody tr");
      assert.equal(periods.length, 5, "one row before the first reweighting, one per reweighting");
      assert.equal(await page.$$eval("[data-mismatch=true]", (rows) => rows.length), 0);
      const title = await page.textContent("[data-testid=bandit] h2");
      assert.equal(title, locale === "en" ? "Bandit allocation" : "多臂老虎机分配");

      const action = await page.getAttribute("[data-testid=recommendation]", "data-action");
      assert.equal(action, "ship");
      await page.check("[data-testid=promote] input[name=confirm]");
      // Promoting cannot be undone: the confirmation page says what it does before it acts.
      await page.click("[data-testid=action-promote]");
      await page.waitForSelector("[data-testid=confirm][data-action=promote]");
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/experiments/${key}-v2`),
        page.click("[data-testid=confirm-yes]"),
      ]);
      const arms = await page.$$eval(
        "[data-testid=settings] th[scope=row]",
        (cells) => cells.map((c) => c.textContent),
      );
      assert.equal(arms.length, 2);
      assert.match(arms[0] ?? "", /^coupon/, "the winner is the confirming test's control");
      assert.match(arms[1] ?? "", /^control/);
      await page.goto(`${origin}/experiments/${key}`);
      assert.ok(await page.isVisible("[data-testid=promoted]"));
      assert.deepEqual(errors, []);
      await context.close();
    },
  );
}
