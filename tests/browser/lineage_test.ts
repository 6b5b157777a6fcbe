/**
 * The seeded campaign's lineage in a real browser, in Chinese and in English: the chain of
 * iterations with each winner's lift and interval, the compounded lift, the winner's-curse note,
 * and the compounded-lift chart drawn on its canvas. A bandit made on its own in the campaign
 * (its own control "plain", never promoted from the chain) is listed apart, not compounded.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { browserTest, signIn } from "./helpers.ts";

const EXPECTED = {
  "zh-CN": {
    title: "迭代谱系",
    interval1: "+14.3% ～ +47.9%",
    interval2: "+6.4% ～ +31.5%",
    pending: "未决策",
    total: "2 轮已决策迭代累计提升 +53.8%",
    totalCi: "95%区间 +30.1% ～ +81.7%",
    curse: "赢家诅咒",
    standalone: "独立实验",
  },
  en: {
    title: "Lineage",
    interval1: "+14.3% to +47.9%",
    interval2: "+6.4% to +31.5%",
    pending: "Not decided",
    total: "Compounded lift over the decided iterations (2): +53.8%",
    totalCi: "95% interval +30.1% to +81.7%",
    curse: "winner's curse",
    standalone: "Standalone experiments",
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
  await addStandaloneBandit(page, origin, page.url().split("/").pop()!);
  await page.reload();
  await page.waitForSelector("[data-testid=lineage]");
  assert.equal(await text(page, "[data-testid=lineage] h2"), expected.title);

  const rows = page.locator("[data-testid=iterations] tbody tr");
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-key"))), [
    "wake-push-1",
    "wake-push-2",
    "wake-push-3",
  ]);
  assert.equal(await text(page, "[data-testid=standalone] h3"), expected.standalone);
  assert.deepEqual(
    await page.locator("[data-testid=standalone-iterations] tbody tr").evaluateAll((trs) =>
      trs.map((tr) => tr.getAttribute("data-key"))
    ),
    ["repay-bandit-v1"],
  );
  assert.equal(
    await page.locator("[data-testid=standalone] [data-testid=step-compounded]").count(),
    0,
  );
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
  assert.equal(link, "/experiments/wake-push-2?bank=CC2");
  assert.deepEqual(errors, []);
  await page.context().close();
}

/** A bandit in the campaign, created, started and decided through the API as a user would. */
async function addStandaloneBandit(page: Page, origin: string, campaignId: string) {
  const post = async (path: string, data: unknown) => {
    const res = await page.request.post(`${origin}${path}`, { data });
    assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
  };
  await post("/api/experiments", {
    key: "repay-bandit-v1",
    bankId: "CC2",
    name: "还款提醒老虎机",
    campaignId,
    mode: "bandit",
    variants: [
      { name: "plain", description: "普通还款提醒", weight: 1 },
      { name: "coupon", description: "¥5 还款红包", weight: 1 },
    ],
  });
  await post("/api/experiments/repay-bandit-v1/start", {});
  await post("/api/experiments/repay-bandit-v1/stop", {});
  await post("/api/experiments/repay-bandit-v1/decide", { winner: "coupon" });
}

browserTest(
  "the campaign lineage renders with its intervals and chart in Chinese",
  (env) => checkLineage(env.browser, env.origin, "zh-CN"),
);

browserTest(
  "the campaign lineage renders with its intervals and chart in English",
  (env) => checkLineage(env.browser, env.origin, "en"),
);
