/**
 * The metric library's pages on both backends: the library and a metric's page in both
 * languages, the create and edit forms (field errors in the reader's language, by label),
 * the preview of recent events, roles and other banks.
 */
import assert from "node:assert/strict";
import { createSessionApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

function form(cookie: string, fields: Record<string, string | string[]>, lang = "zh-CN") {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  }
  return {
    method: "POST",
    headers: {
      cookie: `${cookie}; lang=${lang}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
  };
}

const get = (cookie: string, lang = "zh-CN") => ({
  headers: { cookie: `${cookie}; lang=${lang}` },
});

const CARD_BOUND = {
  key: "card_bound_7d",
  nameZh: "7日绑卡率",
  nameEn: "Card bound within 7 days",
  kind: "proportion",
  direction: "higher_is_better",
  window: "7",
  windowUnit: "days",
  event: "card_bound",
};

testBothBackends("metric pages: library, create, preview, edit, errors", async (t, { db }) => {
  const { app, growth, exec, other } = await createSessionApp(db);

  await t.step("the library lists the built-ins in plain words in both languages", async () => {
    const zh = await app.request("/metrics", get(growth));
    assert.equal(zh.status, 200);
    const html = await zh.text();
    assert.match(html, /data-key="opt_out" data-builtin="true"/);
    assert.match(html, /曝光后至实验停止前退订（全部渠道或本实验渠道）的客户占比/);
    assert.match(html, /data-testid="new-metric"/);
    const en = await (await app.request("/metrics", get(growth, "en"))).text();
    assert.match(en, /Share of exposed customers who opted out/);
    assert.match(en, /Lower is better/);
  });

  await t.step("a refused form shows each error next to its field, by label", async () => {
    const res = await app.request(
      "/metrics/new?bank=CC2",
      form(growth, {
        ...CARD_BOUND,
        key: "Card-Bound",
        nameEn: "",
        event: "bad name",
        window: "x",
      }),
    );
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /data-testid="error-key"[^>]*>指标键（小写字母、数字和 _）：只能用/);
    assert.match(html, /data-testid="error-nameEn"[^>]*>英文名称：必填/);
    assert.match(html, /data-testid="error-event"[^>]*>事件名：只能用/);
    assert.match(html, /data-testid="error-window"[^>]*>时间窗口：请填写数字/);
    const blank = await (await app.request(
      "/metrics/new?bank=CC2",
      form(growth, { ...CARD_BOUND, event: "" }, "en"),
    )).text();
    assert.match(blank, /data-testid="error-event"[^>]*>Event name: required</);
    assert.doesNotMatch(html, /"name\.en"|Too small|Invalid/);
    const en = await app.request(
      "/metrics/new?bank=CC2",
      form(growth, { ...CARD_BOUND, key: "opt_out", nameZh: "\u0000", window: "400" }, "en"),
    );
    assert.equal(en.status, 400);
    const text = await en.text();
    assert.match(
      text,
      /Key \(lowercase letters, digits and _\): &quot;opt_out&quot; is a built-in/,
    );
    assert.match(text, /Chinese name: contains characters that cannot be stored/);
    assert.match(text, /Window: between 1 hour and 366 days/);
    const long = await app.request(
      "/metrics/new?bank=CC2",
      form(growth, { ...CARD_BOUND, nameEn: "x".repeat(101) }, "en"),
    );
    assert.equal(long.status, 400);
    assert.match(await long.text(), /English name: at most 100 characters/);
  });

  await t.step("creating stores version 1 and shows it", async () => {
    const res = await app.request("/metrics/new?bank=CC2", form(growth, CARD_BOUND));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/metrics/card_bound_7d?bank=CC2");
    const html = await (await app.request("/metrics/card_bound_7d?bank=CC2", get(growth))).text();
    assert.match(html, /曝光后 7 天内至少发生一次 card_bound 的客户占比/);
    assert.match(html, /Share of exposed customers with at least one card_bound within 7 days/);
    assert.match(html, /data-version="1"/);
    const again = await app.request("/metrics/new?bank=CC2", form(growth, CARD_BOUND));
    assert.equal(again.status, 409);
    assert.match(await again.text(), /本行已有指标“card_bound_7d”/);
  });

  await t.step("the preview counts the chosen events of the last 7 days", async () => {
    const now = Date.now();
    await db.insertInto("track_events").values([
      ["e1", "C100000001", 1200.5, 1],
      ["e2", "C100000001", -30, 2],
      ["e3", "C100000002", null, 3],
      ["e4", "C100000003", 99, 24 * 9],
    ].map(([id, unit, value, hoursAgo]) => ({
      bank_id: "CC2",
      event_id: String(id),
      event: "deposit",
      unit: String(unit),
      value: value as number | null,
      occurred_at: new Date(now - Number(hoursAgo) * 3_600_000),
    }))).execute();
    const res = await app.request(
      "/metrics/new?bank=CC2",
      form(growth, { ...CARD_BOUND, kind: "mean", event: "deposit", intent: "preview" }, "en"),
    );
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /data-event="deposit"/);
    assert.match(html, /data-testid="preview-events">3</);
    assert.match(html, /data-testid="preview-customers">2</);
    assert.match(html, /1,200.5 · -30</);
    const none = await (await app.request(
      "/metrics/new?bank=CC2",
      form(growth, { ...CARD_BOUND, intent: "preview" }),
    )).text();
    assert.match(none, /data-testid="preview-none"/);
  });

  await t.step("editing makes version 2; the history keeps both", async () => {
    const res = await app.request(
      "/metrics/card_bound_7d/edit?bank=CC2",
      form(growth, { ...CARD_BOUND, window: "36", windowUnit: "hours" }),
    );
    assert.equal(res.status, 303);
    const html = await (await app.request("/metrics/card_bound_7d?bank=CC2", get(growth, "en")))
      .text();
    assert.match(html, /data-version="2"/);
    assert.match(html, /data-version="1"/);
    assert.match(html, /within 36 hours of exposure/);
    const edit = await (await app.request("/metrics/card_bound_7d/edit?bank=CC2", get(growth)))
      .text();
    assert.match(edit, /name="window"[^>]*value="36"/);
    assert.match(edit, /<option value="hours" selected/);
  });

  await t.step("a mean with a percentile cap and a ratio are created from the form", async () => {
    const mean = await app.request(
      "/metrics/new?bank=CC2",
      form(growth, {
        ...CARD_BOUND,
        key: "deposit_30d",
        kind: "mean",
        event: "deposit",
        aggregate: "sum",
        capType: "percentile",
        capValue: "99",
        window: "30",
        numeratorEvent: "ignored since the kind is mean",
      }),
    );
    assert.equal(mean.status, 303);
    const html = await (await app.request("/metrics/deposit_30d?bank=CC2", get(growth))).text();
    assert.match(
      html,
      /每位曝光客户曝光后 30 天内 deposit 的数值之和，没有则记 0；每位客户的值先封顶于第 99 百分位/,
    );
    const ratio = await app.request(
      "/metrics/new?bank=CC2",
      form(growth, {
        ...CARD_BOUND,
        key: "avg_deposit",
        kind: "ratio",
        numeratorEvent: "deposit",
        numeratorAggregate: "sum",
        denominatorEvent: "deposit",
        denominatorAggregate: "count",
        event: "",
      }),
    );
    assert.equal(ratio.status, 303);
    const bad = await app.request(
      "/metrics/new?bank=CC2",
      form(growth, {
        ...CARD_BOUND,
        key: "cap_bad",
        kind: "mean",
        aggregate: "sum",
        capType: "percentile",
        capValue: "100",
      }),
    );
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /封顶值（百分位填 %，如 99）：百分位须大于 0% 且小于 100%/);
  });

  await t.step("the experiment form picks its metrics from the library", async () => {
    const page = await (await app.request("/experiments/new", get(growth))).text();
    assert.match(page, /<select name="metric-primary"/);
    assert.match(page, /name="metric-guardrail" value="opt_out" checked/);
    assert.match(page, /name="metric-secondary" value="deposit_30d"\/>/);
    assert.doesNotMatch(page, /guardrail-name-0|name="metricName"/);
    const experiment = {
      key: "metric-form",
      name: "绑卡短信 v3",
      "variant-name-0": "control",
      "variant-weight-0": "50",
      "variant-name-1": "coupon",
      "variant-weight-1": "50",
      "metric-primary": "card_bound_7d",
      "metric-secondary": ["deposit_30d", "avg_deposit"],
      "metric-guardrail": ["opt_out"],
    };
    const refused = await app.request(
      "/experiments",
      form(growth, { ...experiment, "metric-primary": "nope_metric" }),
    );
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /nope_metric/);
    const res = await app.request("/experiments", form(growth, experiment));
    assert.equal(res.status, 303, await res.text());
    const api = await (await app.request("/api/experiments/metric-form?bank=CC2", get(growth)))
      .json();
    assert.deepEqual(api.experiment?.metrics ?? api.metrics, {
      primary: "card_bound_7d",
      secondary: ["deposit_30d", "avg_deposit"],
      guardrails: ["opt_out"],
    });
    const edit = await (await app.request("/experiments/metric-form/edit?bank=CC2", get(growth)))
      .text();
    assert.match(edit, /<option value="card_bound_7d" selected/);
    assert.match(edit, /name="metric-secondary" value="avg_deposit" checked/);
    assert.doesNotMatch(edit, /name="metric-guardrail" value="deposit_30d" checked/);
    const used = await (await app.request("/metrics/card_bound_7d?bank=CC2", get(growth))).text();
    assert.match(used, /href="\/experiments\/metric-form\?bank=CC2"/);
  });

  await t.step("executives read but cannot define; other banks see nothing", async () => {
    const list = await (await app.request("/metrics", get(exec))).text();
    assert.match(list, /data-key="card_bound_7d"/);
    assert.doesNotMatch(list, /data-testid="new-metric"/);
    assert.equal((await app.request("/metrics/new", get(exec))).status, 403);
    assert.equal((await app.request("/metrics/new", form(exec, CARD_BOUND))).status, 403);
    assert.equal((await app.request("/metrics/card_bound_7d?bank=CC2", get(other))).status, 404);
    const own = await (await app.request("/metrics", get(other))).text();
    assert.doesNotMatch(own, /card_bound_7d/);
    assert.equal((await app.request("/metrics/opt_out/edit?bank=CC2", get(growth))).status, 409);
    assert.equal((await app.request("/metrics/NOPE%00?bank=CC2", get(growth))).status, 404);
  });
});
