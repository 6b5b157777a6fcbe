/**
 * The seeded campaign's lineage in a real browser, in Chinese and in English: the chain of
 * iterations with each winner's lift and interval, the compounded lift, the winner's-curse note,
 * and the compounded-lift chart drawn on its canvas.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { browserTest, signIn } from "./helpers.ts";

const EXPECTED = {
  "zh-CN": {
    title: "迭代谱系",
    interval1: "+13.2% ～ +46.8%",
    interval2: "+5.7% ～ +30.8%",
    pending: "未决策",
    total: "2 轮已决策迭代累计提升 +53.8%",
    totalCi: "95%区间 +30.1% ～ +81.7%",
    curse: "赢家诅咒",
  },
  en: {
    title: "Lineage",
    interval1: "+13.2% to +46.8%",
    interval2: "+5.7% to +30.8%",
    pending: "Not decided",
    total: "Compounded lift over the decided iterations (2): +53.8%",
    totalCi: "95% interval +30.1% to +81.7%",
    curse: "winner's curse",
  },
} as const;

const text = async (page: Page, selector: string) =>
  (await page.locator(selector).first().textContent())?.trim();

async function checkLineage(browser: Browser, origin: string, locale: keyof typeof EXPECTED) {
  const expected = EXPECTED[locale];
  const page = await (await browser.newContext({ locale })).newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await signIn(page, origin, "/campaigns");
  await Promise.all([
    page.waitForURL((u) => /^\/campaigns\/[0-9a-f-]{36}$/.test(u.pathname)),
    page.click("text=沉睡客户唤醒"),
  ]);
  await page.waitForSelector("[data-testid=lineage]");
  assert.equal(await text(page, "[data-testid=lineage] h2"), expected.title);

  const rows = page.locator("[data-testid=iterations] tbody tr");
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-key"))), [
    "wake-push-1",
    "wake-push-2",
    "wake-push-3",
  ]);
  const row = (key: string, cell: string) => `tr[data-key=${key}] [data-testid=${cell}]`;
  assert.equal(await text(page, row("wake-push-1", "winner")), "personal");
  assert.equal(await text(page, row("wake-push-1", "lift")), "+30.0%");
  assert.equal(await text(page, row("wake-push-1", "interval")), expected.interval1);
  assert.equal(await text(page, row("wake-push-2", "lift")), "+18.3%");
  assert.equal(await text(page, row("wake-push-2", "interval")), expected.interval2);
  assert.equal(await text(page, row("wake-push-3", "lift")), expected.pending);
  const total = await text(page, "[data-testid=compounded]");
  assert.ok(total?.includes(expected.total), total);
  assert.equal(await text(page, "[data-testid=compounded-ci]"), `(${expected.totalCi})`);
  assert.ok((await text(page, "[data-testid=winners-curse]"))?.includes(expected.curse));

  await page.waitForSelector("[data-island=LiftChain][data-hydrated=true]");
  await page.waitForFunction(() => {
    const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=lift-chain] canvas");
    if (!canvas || canvas.width === 0) return false;
    const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    return pixels.data.some((v, i) => i % 4 === 3 && v > 0);
  });
  const [link] = await page.locator("tr[data-key=wake-push-2] a").evaluateAll((as) =>
    as.map((a) => a.getAttribute("href"))
  );
  assert.equal(link, "/experiments/wake-push-2");
  assert.deepEqual(errors, []);
  await page.context().close();
}

browserTest(
  "the campaign lineage renders with its intervals and chart in Chinese",
  (env) => checkLineage(env.browser, env.origin, "zh-CN"),
);

browserTest(
  "the campaign lineage renders with its intervals and chart in English",
  (env) => checkLineage(env.browser, env.origin, "en"),
);
