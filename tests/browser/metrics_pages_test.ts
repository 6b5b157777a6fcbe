/**
 * The metric library in Chromium, in both languages, on the demo data: the library and a
 * metric's page, the create form (a refused submission with its error next to the field, the
 * preview of recent events, then a saved metric), the experiment form picking that metric, and
 * the results page of an experiment reading it after SDK events: one table per role whose
 * numbers equal the API's, a drawn chart per metric, no horizontal overflow at 390 px.
 * Screenshots: /tmp/shots/metrics-*.png.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { assignVariant } from "../../lib/experiments/assignment.ts";
import { formatNumber, formatPercent, type Locale } from "../../lib/i18n/mod.ts";
import { browserTest, fillExperimentForm, postSdkEvents, signIn } from "./helpers.ts";

const SHOTS = "/tmp/shots";
const KEY = "app-minutes";
const ARMS = [{ name: "control", weight: 1 }, { name: "guide", weight: 1 }];
const METRIC = "app_minutes_7d";

async function postEvents(origin: string, events: unknown[]) {
  const ack = await postSdkEvents(origin, events);
  assert.deepEqual([ack.accepted, ack.rejected], [events.length, []]);
}

/** Minutes in the app before the metric exists: 30 sessions of 12 customers. */
function earlySessions() {
  const at = new Date(Date.now() - 3 * 3_600_000).toISOString();
  return Array.from({ length: 30 }, (_, i) => ({
    id: `early-${i}`,
    type: "track",
    event: "app_session",
    unit: `C3000000${String(i % 12).padStart(2, "0")}`,
    value: 5 + (i % 7),
    at,
  }));
}

/** 600 exposures; the guide arm's customers spend more minutes (and one a huge 2,000). */
function experimentTraffic() {
  const exposures: unknown[] = [];
  const sessions: unknown[] = [];
  for (let i = 0; i < 600; i++) {
    const unit = `C4${String(10_000_000 + i * 7919).padStart(8, "0")}`;
    const arm = assignVariant(KEY, unit, ARMS, 2);
    exposures.push({ id: `x-${i}`, type: "exposure", experiment: KEY, unit });
    if (i % (arm === "guide" ? 4 : 6) === 0) {
      sessions.push({ id: `b-${i}`, type: "track", event: "card_bound", unit });
    }
    const visits = arm === "guide" ? i % 3 : i % 4 === 0 ? 1 : 0;
    for (let v = 0; v < visits; v++) {
      const value = i === 7 ? 2000 : 10 + ((i * 13 + v * 5) % 30);
      sessions.push({ id: `s-${i}-${v}`, type: "track", event: "app_session", unit, value });
    }
  }
  return { exposures, sessions };
}

/** Whether the page is wider than 390 px; names the outermost elements past the edge. */
async function noOverflowAt390(page: Page, what: string) {
  await page.setViewportSize({ width: 390, height: 844 });
  // Charts resize on their ResizeObserver: wait until every canvas fits its box.
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll("canvas")).every((c) =>
      c.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5
    )
  );
  const [scroll, client, wide] = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    const past = (el: Element | null) => (el?.getBoundingClientRect().right ?? 0) > client + 0.5;
    const wide = Array.from(document.querySelectorAll("body *"))
      .filter((el) => past(el) && !past(el.parentElement))
      .slice(0, 5).map((el) => `${el.tagName}.${el.className}[${el.getAttribute("name") ?? ""}]`);
    return [document.documentElement.scrollWidth, client, wide.join(", ")];
  });
  assert.ok(Number(scroll) <= Number(client), `${what}: ${scroll} px wide at 390 (${wide})`);
}

async function shoot(page: Page, name: string) {
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/metrics-${name}.png`, fullPage: true });
}

async function newPage(browser: Browser, locale: Locale, origin: string, next: string) {
  const page = await (await browser.newContext({ locale, viewport: { width: 1280, height: 900 } }))
    .newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await signIn(page, origin, next);
  return { page, errors };
}

/** Creates the metric through the form: a refused key first, then the preview, then saved. */
async function createMetric(page: Page, origin: string) {
  await page.goto(`${origin}/metrics/new?bank=CC2`);
  await page.check("input[name=kind][value=mean]");
  assert.equal(await page.locator(".for-ratio").isVisible(), false, "ratio fields hidden");
  assert.equal(await page.locator("input[name=capValue]").isVisible(), true);
  await page.fill("input[name=key]", "App-Minutes");
  await page.fill("input[name=nameZh]", "7日App使用时长（分钟）");
  await page.fill("input[name=nameEn]", "App minutes within 7 days");
  await page.fill("input[name=event]", "app_session");
  await page.selectOption("select[name=capType]", "absolute");
  await page.fill("input[name=capValue]", "600");
  await Promise.all([page.waitForLoadState("load"), page.click("[data-testid=metric-save]")]);
  const error = await page.locator("[data-testid=error-key]").textContent();
  assert.match(error ?? "", /^指标键（小写字母、数字和 _）：只能用 1–64 个小写字母、数字或 _$/);
  assert.equal(await page.locator("#f-key[aria-invalid=true]").count(), 1);
  assert.equal(await page.locator("input[name=kind][value=mean]").isChecked(), true);
  await shoot(page, "form-error-zh");
  await noOverflowAt390(page, "refused form");
  await shoot(page, "form-error-zh-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.fill("input[name=key]", METRIC);
  await Promise.all([page.waitForLoadState("load"), page.click("[data-testid=metric-preview]")]);
  const row = page.locator("[data-testid=metric-preview-result] tr[data-event=app_session]");
  assert.equal(await row.locator("[data-testid=preview-events]").textContent(), "30");
  assert.equal(await row.locator("[data-testid=preview-customers]").textContent(), "12");
  await shoot(page, "form-preview-zh");
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/metrics/${METRIC}`),
    page.click("[data-testid=metric-save]"),
  ]);
}

/** The experiment form: the new metric as primary, card binding secondary, opt-outs kept. */
async function createExperiment(page: Page, origin: string) {
  await page.goto(`${origin}/experiments/new?bank=CC2`);
  assert.equal(await page.locator("input[name=metric-guardrail][value=opt_out]").isChecked(), true);
  await fillExperimentForm(page, {
    key: KEY,
    name: "新手引导：有无 App 使用指引",
    bank: "CC2",
    arms: ["control", "guide"],
  });
  await page.selectOption("select[name=metric-primary]", METRIC);
  await page.check("input[name=metric-secondary][value=card_bound_7d]");
  await page.check("input[name=metric-guardrail][value=complaint_7d]");
  await shoot(page, "experiment-form-zh");
  await noOverflowAt390(page, "experiment form");
  await shoot(page, "experiment-form-zh-390");
  await page.setViewportSize({ width: 1280, height: 900 });
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/experiments/${KEY}`),
    page.click("[data-testid=experiment-form] button[type=submit]"),
  ]);
  // Started without opening the running page, so no snapshot is taken before the events.
  const started = await page.request.post(`${origin}/experiments/${KEY}/start?bank=CC2`, {
    headers: { origin },
    maxRedirects: 0,
  });
  assert.equal(started.status(), 303);
}

// deno-lint-ignore no-explicit-any
type ApiMetric = any;

/** Every metric's per-arm customers and value on the page equal the API's, in `locale`. */
async function assertTablesEqualApi(page: Page, locale: Locale, metrics: ApiMetric[]) {
  for (const m of metrics) {
    const body = page.locator(`[data-testid=metrics-${m.role}] tbody[data-metric=${m.key}]`);
    assert.equal(await body.getAttribute("data-version"), String(m.version), m.key);
    for (const v of m.variants) {
      const row = body.locator(`tr[data-variant=${v.name}]`);
      assert.equal(
        await row.locator("[data-testid=units]").textContent(),
        formatNumber(locale, v.units),
      );
      const mean = m.kind === "proportion"
        ? formatPercent(locale, v.mean, 2)
        : formatNumber(locale, v.mean, { maximumFractionDigits: 2 });
      assert.equal(
        await row.locator("[data-testid=mean]").textContent(),
        mean,
        `${m.key} ${v.name}`,
      );
    }
  }
}

/** The metrics the page draws a chart for: those with a lift and an interval. */
function charted(metrics: ApiMetric[]): number {
  return metrics.filter((m) =>
    m.comparisons.some((c: ApiMetric) =>
      (c.relativeLift !== null && c.relativeCi) || (c.absoluteLift !== null && c.ci)
    )
  ).length;
}

async function assertChartsDrawn(page: Page, count: number) {
  await page.waitForFunction(
    (n) => document.querySelectorAll("[data-island=MetricChart][data-hydrated=true]").length === n,
    count,
  );
  const drawn = await page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLCanvasElement>("[data-testid=metric-chart] canvas"))
      .every((canvas) => {
        if (canvas.width === 0) return false;
        const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
        return pixels.data.some((v, i) => i % 4 === 3 && v > 0);
      })
  );
  assert.ok(await drawn.jsonValue());
}

browserTest(
  "metric library, metric form, experiment form and per-role results in both languages",
  async ({ origin, browser }) => {
    await postEvents(origin, earlySessions());
    const zh = await newPage(browser, "zh-CN", origin, "/metrics");

    // The library: built-ins marked, demo metrics in plain words, used by welcome-sms.
    await zh.page.goto(`${origin}/metrics?bank=CC2`);
    const optOut = zh.page.locator("[data-key=opt_out]");
    assert.equal(await optOut.locator("[data-testid=builtin]").textContent(), "内置");
    const card = zh.page.locator("[data-key=card_bound_7d]");
    assert.equal(
      await card.locator("[data-testid=definition]").textContent(),
      "曝光后 7 天内至少发生一次 card_bound 的客户占比",
    );
    assert.equal(
      await card.locator("a[href='/experiments/welcome-sms?bank=CC2']").count(),
      1,
      "the experiment link names the bank",
    );
    await shoot(zh.page, "library-zh");
    await noOverflowAt390(zh.page, "library");
    await shoot(zh.page, "library-zh-390");
    await zh.page.setViewportSize({ width: 1280, height: 900 });

    await createMetric(zh.page, origin);
    assert.match(
      (await zh.page.locator("[data-testid=definition]").textContent()) ?? "",
      /^每位曝光客户曝光后 7 天内 app_session 的数值之和，没有则记 0；每位客户最多计 600$/,
    );
    assert.equal(await zh.page.locator("[data-testid=versions] tr[data-version]").count(), 1);
    await shoot(zh.page, "metric-zh");

    await createExperiment(zh.page, origin);
    const { exposures, sessions } = experimentTraffic();
    await postEvents(origin, exposures);
    await postEvents(
      origin,
      sessions.map((s) => ({ ...(s as object), at: new Date().toISOString() })),
    );
    const api =
      await (await zh.page.request.get(`${origin}/api/experiments/${KEY}/results?bank=CC2`))
        .json();
    assert.deepEqual(
      api.metrics.map((m: ApiMetric) => `${m.role}:${m.key}`),
      [
        `primary:${METRIC}`,
        "secondary:card_bound_7d",
        "guardrail:opt_out",
        "guardrail:complaint_7d",
      ],
    );
    const minutes = api.metrics[0];
    assert.equal(minutes.variants.reduce((n: number, v: ApiMetric) => n + v.units, 0), 600);
    assert.equal(minutes.capValue, 600, "the huge session is capped at 600");

    for (const [locale, ctx] of [["zh-CN", zh], ["en", null]] as const) {
      const { page, errors } = ctx ?? await newPage(browser, locale, origin, "/metrics");
      const suffix = locale === "en" ? "en" : "zh";
      await page.goto(`${origin}/experiments/${KEY}?bank=CC2`);
      await assertTablesEqualApi(page, locale, api.metrics);
      const head = page.locator(`tbody[data-metric=${METRIC}] .metric-head`);
      assert.match(
        (await head.textContent()) ?? "",
        locale === "en" ? /App minutes within 7 days/ : /7日App使用时长（分钟）/,
      );
      const verdicts = await page.locator("[data-testid=metrics-guardrail] [data-verdict]")
        .allTextContents();
      assert.ok(verdicts.length === 2 && verdicts.every((v) => /^✓ (通过|Pass)$/.test(v.trim())));
      assert.ok(charted(api.metrics) >= 2, "the primary and card binding have intervals");
      await assertChartsDrawn(page, charted(api.metrics));
      await shoot(page, `results-${suffix}`);
      for (const role of ["primary", "guardrail"]) {
        await page.locator(`[data-testid=metrics-${role}]`).screenshot({
          path: `${SHOTS}/metrics-results-${role}-${suffix}.png`,
        });
      }
      // The Excel export from the page's own link: both sheets, the API's units as numbers.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("[data-testid=xlsx]"),
      ]);
      assert.equal(download.suggestedFilename(), `${KEY}-results.xlsx`);
      const { Workbook } = (await import("exceljs")).default;
      const book = new Workbook();
      await book.xlsx.load(
        (await Deno.readFile(await download.path())).buffer as ArrayBuffer,
      );
      assert.deepEqual(book.worksheets.map((w) => w.name), ["results", "metrics"]);
      const units: number[] = [];
      book.getWorksheet("metrics")!.eachRow((row, n) => {
        if (n > 1 && row.getCell(1).value === METRIC) units.push(row.getCell(7).value as number);
      });
      assert.deepEqual(units, api.metrics[0].variants.map((v: ApiMetric) => v.units));
      await noOverflowAt390(page, "results");
      await shoot(page, `results-${suffix}-390`);
      await page.locator("[data-testid=metrics-guardrail]").screenshot({
        path: `${SHOTS}/metrics-results-guardrail-${suffix}-390.png`,
      });

      // The demo's results page: the seeded library metrics beside the conversions.
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${origin}/experiments/welcome-sms?bank=CC2`);
      assert.equal(await page.locator("[data-testid=metrics-secondary] tbody").count(), 3);
      await shoot(page, `welcome-${suffix}`);

      await page.goto(`${origin}/metrics/${METRIC}?bank=CC2`);
      const defn = (await page.locator("[data-testid=definition]").textContent()) ?? "";
      assert.match(
        await page.locator(`[data-testid=used-by] [data-experiment=${KEY}]`).textContent() ?? "",
        locale === "en" ? /Primary metric/ : /主要指标/,
      );
      if (locale === "en") {
        assert.equal(
          defn,
          "Per exposed customer, the sum of app_session values within 7 days of exposure (0 when none); each customer's value capped at 600",
        );
        await page.goto(`${origin}/metrics?bank=CC2`);
        await shoot(page, "library-en");
        await page.goto(`${origin}/metrics/new?bank=CC2`);
        await page.fill("input[name=key]", "x");
        await Promise.all([page.waitForLoadState("load"), page.click("[data-testid=metric-save]")]);
        assert.equal(
          await page.locator("[data-testid=error-nameZh]").textContent(),
          "Chinese name: required",
        );
        await shoot(page, "form-error-en");
      }
      assert.deepEqual(errors, []);
    }
  },
);
