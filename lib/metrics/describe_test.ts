import assert from "node:assert/strict";
import { builtinMetric } from "./definition.ts";
import { describeMetric, windowPhrase, windowShort } from "./describe.ts";

const cardBound = { kind: "proportion", event: "card_bound", windowHours: 168 } as const;
const deposits = {
  kind: "mean",
  event: "deposit",
  aggregate: "sum",
  windowHours: 720,
  cap: { type: "percentile", value: 0.99 },
} as const;
const perDeposit = {
  kind: "ratio",
  windowHours: 720,
  numerator: { event: "deposit", aggregate: "sum" },
  denominator: { event: "deposit", aggregate: "count" },
} as const;

Deno.test("describeMetric() says a proportion in both languages", () => {
  assert.equal(
    describeMetric("zh-CN", cardBound),
    "曝光后 7 天内至少发生一次 card_bound 的客户占比",
  );
  assert.equal(
    describeMetric("en", cardBound),
    "Share of exposed customers with at least one card_bound within 7 days of exposure",
  );
});

Deno.test("describeMetric() says a mean with its aggregate and a percentile cap", () => {
  assert.equal(
    describeMetric("zh-CN", deposits),
    "每位曝光客户曝光后 30 天内 deposit 的数值之和，没有则记 0；每位客户的值先封顶于第 99 百分位",
  );
  assert.equal(
    describeMetric("en", deposits),
    "Per exposed customer, the sum of deposit values within 30 days of exposure (0 when none); each customer's value capped at the 99th percentile",
  );
});

Deno.test("describeMetric() says counts, absolute caps with grouping, and odd percentiles", () => {
  const logins = { kind: "mean", event: "app_login", aggregate: "count", windowHours: 36 } as const;
  assert.equal(
    describeMetric("en", { ...logins, cap: { type: "absolute", value: 50000 } }),
    "Per exposed customer, the number of app_login events within 36 hours of exposure (0 when none); each customer's value capped at 50,000",
  );
  assert.equal(
    describeMetric("zh-CN", { ...logins, cap: { type: "absolute", value: -2.5 } }),
    "每位曝光客户曝光后 36 小时内 app_login 的次数，没有则记 0；每位客户最多计 -2.5",
  );
  const at = (value: number) =>
    describeMetric("en", { ...logins, cap: { type: "percentile", value } }).split("at the ")[1];
  assert.equal(at(0.95), "95th percentile");
  assert.equal(at(0.91), "91st percentile");
  assert.equal(at(0.92), "92nd percentile");
  assert.equal(at(0.13), "13th percentile");
  assert.equal(at(0.995), "99.5th percentile");
});

Deno.test("describeMetric() says a ratio as Σ over Σ", () => {
  assert.equal(
    describeMetric("zh-CN", perDeposit),
    "各组曝光客户曝光后 30 天内的 deposit 数值之和 ÷ deposit 次数之和",
  );
  assert.equal(
    describeMetric("en", perDeposit),
    "Σ deposit values ÷ Σ deposit events over an arm's exposed customers, within 30 days of exposure",
  );
});

Deno.test("describeMetric() says 'until the experiment stops' without a window", () => {
  const open = { ...cardBound, windowHours: null };
  assert.equal(
    describeMetric("zh-CN", open),
    "曝光后至实验停止前至少发生一次 card_bound 的客户占比",
  );
  assert.equal(
    describeMetric("en", open),
    "Share of exposed customers with at least one card_bound from exposure until the experiment stops",
  );
  assert.equal(windowShort("zh-CN", null), "至实验停止");
  assert.equal(windowShort("en", 48), "2 days");
  assert.equal(windowShort("zh-CN", 5), "5 小时");
  assert.equal(windowPhrase("en", 24), "within a day of exposure");
  assert.equal(windowPhrase("zh-CN", 24), "曝光后 1 天内");
  assert.equal(windowPhrase("en", 1), "within an hour of exposure");
  assert.equal(windowShort("en", 24), "1 day");
});

Deno.test("describeMetric() says the built-ins by their source, not as track events", () => {
  assert.equal(
    describeMetric("zh-CN", builtinMetric("opt_out")!),
    "曝光后至实验停止前退订（全部渠道或本实验渠道）的客户占比",
  );
  assert.match(
    describeMetric("en", builtinMetric("opt_out")!),
    /^Share of exposed customers who opted out/,
  );
  assert.match(
    describeMetric("en", builtinMetric("conversion")!),
    /conversion event of this experiment/,
  );
  assert.match(
    describeMetric("zh-CN", builtinMetric("conversion_value")!),
    /^每位曝光客户.*转化事件的金额之和/,
  );
});

Deno.test("describeMetric() reads a result's nulls as absent fields", () => {
  assert.equal(
    describeMetric("en", { ...cardBound, aggregate: null, cap: null, numerator: null }),
    describeMetric("en", cardBound),
  );
});

Deno.test("describeMetric() says a ratio per depositing customer", () => {
  const perDepositor = {
    ...perDeposit,
    denominator: { event: "deposit", aggregate: "customers" },
  } as const;
  assert.equal(
    describeMetric("zh-CN", perDepositor),
    "各组曝光客户曝光后 30 天内的 deposit 数值之和 ÷ 发生过 deposit 的客户数之和",
  );
  assert.equal(
    describeMetric("en", perDepositor),
    "Σ deposit values ÷ Σ customers with deposit over an arm's exposed customers, within 30 days of exposure",
  );
});
