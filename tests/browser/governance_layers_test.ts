/**
 * Layers and QA units in Chromium, in both languages (issue 17): a layer is created through the
 * layers page's form, an experiment takes a range of it and a QA unit through the new-experiment
 * form, two more take ranges through the API (one running, one a draft overlapping it), the
 * layers page draws the bar with every range labelled, the experiment page shows its range and
 * QA units and takes another tester while running; no horizontal overflow at 390 px.
 * Screenshots: /tmp/shots/layers-*.png.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserTest, signIn } from "./helpers.ts";

const SHOTS = "/tmp/shots";

async function shot(page: Page, name: string) {
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/layers-${name}.png`, fullPage: true });
}

async function noOverflow(page: Page) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 392, `page is ${wide}px wide at 390px`);
}

async function api(page: Page, origin: string, path: string, data?: unknown) {
  const res = await page.request.post(`${origin}${path}`, data === undefined ? {} : { data });
  assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
}

browserTest("layers page, experiment form and QA units in Chromium, both languages", async (
  { origin, browser },
) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await context.addCookies([{ name: "lang", value: "zh-CN", url: origin }]);
  await signIn(page, origin, "/governance/layers?bank=CC2");

  // Chinese (the default): create the layer through the form.
  await page.waitForSelector("[data-testid=layer-form]");
  assert.match(await page.textContent("h1") ?? "", /互斥流量层/);
  await page.fill("[data-testid=layer-form] input[name=key]", "sms-main");
  await page.fill("[data-testid=layer-form] input[name=name]", "短信主流量层");
  await Promise.all([
    page.waitForSelector("[data-testid=flash-done]"),
    page.click("[data-testid=layer-form] button[type=submit]"),
  ]);
  assert.match(await page.textContent("[data-testid=flash-done]") ?? "", /已创建流量层“sms-main”/);
  // A second layer with the same key: refused on the form, in Chinese.
  await page.fill("[data-testid=layer-form] input[name=key]", "sms-main");
  await page.fill("[data-testid=layer-form] input[name=name]", "重复");
  await Promise.all([
    page.waitForSelector("[data-testid=layer-form] .errors"),
    page.click("[data-testid=layer-form] button[type=submit]"),
  ]);
  assert.match(
    await page.textContent("[data-testid=layer-form] .errors") ?? "",
    /流量层标识“sms-main”已被使用/,
  );

  // The new-experiment form takes the layer, the range in percent and a QA unit.
  await page.goto(`${origin}/experiments/new?bank=CC2`);
  await page.waitForSelector("[data-testid=layer-fields]");
  await page.fill("input[name=key]", "card-bind-sms");
  await page.fill("input[name=name]", "绑卡券短信");
  const bank = await page.$("input[name=bankId]");
  if (bank) await bank.fill("CC2");
  await page.fill("input[name=variant-name-0]", "control");
  await page.fill("input[name=variant-name-1]", "coupon");
  await page.selectOption("select[name=layer]", "sms-main");
  await page.fill("input[name=layerFrom]", "0");
  await page.fill("input[name=layerTo]", "30");
  await page.fill("textarea[name=forced]", "QA001, coupon");
  await Promise.all([
    page.waitForURL((url) => url.pathname === "/experiments/card-bind-sms"),
    page.click("[data-testid=experiment-form] button[type=submit]"),
  ]);
  await page.waitForSelector("[data-testid=layer-section]");
  assert.match(
    await page.textContent("[data-testid=layer-range]") ?? "",
    /流量层 sms-main，区间 0%–30%/,
  );
  assert.match(await page.textContent("[data-testid=forced-units]") ?? "", /QA001 → coupon/);

  // Two more through the API: one running on [30 %, 100 %), one draft overlapping the first.
  await api(page, origin, "/api/experiments/card-bind-sms/start?bank=CC2");
  const arms = [{ name: "control", weight: 1 }, { name: "积分", weight: 1 }];
  await api(page, origin, "/api/experiments", {
    key: "wake-sms",
    bankId: "CC2",
    name: "唤醒短信",
    variants: arms,
    layer: { key: "sms-main", range: [0.3, 1] },
  });
  await api(page, origin, "/api/experiments/wake-sms/start?bank=CC2");
  await api(page, origin, "/api/experiments", {
    key: "repay-sms",
    bankId: "CC2",
    name: "还款提醒短信",
    variants: arms,
    layer: { key: "sms-main", range: [0.2, 0.45] },
  });

  // The running experiment takes another tester from its page.
  await page.goto(`${origin}/experiments/card-bind-sms?bank=CC2`);
  await page.fill(
    "[data-testid=forced-form] textarea[name=forced]",
    "QA001, coupon\n测试-李四，control",
  );
  await Promise.all([
    page.waitForNavigation(),
    page.click("[data-testid=forced-form] button[type=submit]"),
  ]);
  await page.waitForSelector("[data-testid=forced-units]");
  assert.match(await page.textContent("[data-testid=forced-units]") ?? "", /测试-李四 → control/);
  await shot(page, "experiment-zh");
  // An arm that does not exist: refused, the list unchanged.
  await page.fill("[data-testid=forced-form] textarea[name=forced]", "QA002, 紧迫文案");
  await Promise.all([
    page.waitForNavigation(),
    page.click("[data-testid=forced-form] button[type=submit]"),
  ]);
  assert.match(
    await page.textContent("[data-testid=forced-form] .errors") ?? "",
    /该实验没有这个版本/,
  );
  assert.doesNotMatch(await page.textContent("[data-testid=forced-units]") ?? "", /QA002/);

  for (const lang of ["zh-CN", "en"] as const) {
    await context.addCookies([{ name: "lang", value: lang, url: origin }]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${origin}/governance/layers?bank=CC2`);
    await page.waitForSelector("[data-testid=layer-sms-main]");
    const rows = await page.$$eval(
      "[data-testid=layer-sms-main] tbody tr",
      (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, " ").trim()),
    );
    const running = lang === "en" ? "Running" : "运行中";
    const draft = lang === "en" ? "Draft" : "草稿";
    assert.equal(rows.length, 3);
    assert.match(rows[0], new RegExp(`card-bind-sms.*${running}.*0%–30%`));
    assert.match(rows[1], new RegExp(`repay-sms.*${draft}.*20%–45%`));
    assert.match(rows[2], new RegExp(`wake-sms.*${running}.*30%–100%`));
    // The bar holds the running ranges, each labelled for screen readers and on hover.
    const titles = await page.$$eval(
      "[data-testid=layer-bar-sms-main] title",
      (ts) => ts.map((t) => t.textContent),
    );
    assert.deepEqual(
      titles,
      lang === "en"
        ? ["card-bind-sms (Running): 0–30 %", "wake-sms (Running): 30–100 %"]
        : ["card-bind-sms（运行中）：0%–30%", "wake-sms（运行中）：30%–100%"],
    );
    await shot(page, `page-${lang}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector("[data-testid=layer-sms-main]");
    await noOverflow(page);
    await shot(page, `phone-${lang}`);
    await page.goto(`${origin}/experiments/card-bind-sms?bank=CC2`);
    await page.waitForSelector("[data-testid=layer-section]");
    await noOverflow(page);
    await shot(page, `experiment-phone-${lang}`);
    if (lang === "en") {
      assert.match(
        await page.textContent("[data-testid=layer-range]") ?? "",
        /Layer sms-main, range 0–30 %/,
      );
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});
