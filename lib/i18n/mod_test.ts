import assert from "node:assert/strict";
import { en } from "./en.ts";
import {
  formatNumber,
  formatPercent,
  formatPStatement,
  formatPValue,
  pickLocale,
  translator,
} from "./mod.ts";
import { zhCN } from "./zh-CN.ts";

Deno.test("pickLocale() prefers the cookie, then Accept-Language, then Chinese", () => {
  assert.equal(pickLocale(undefined, undefined), "zh-CN");
  assert.equal(pickLocale("en", "zh-CN"), "en");
  assert.equal(pickLocale("fr", "en-US,en;q=0.9"), "en");
  assert.equal(pickLocale(undefined, "fr-FR, en;q=0.5, zh;q=0.8"), "zh-CN");
  assert.equal(pickLocale(undefined, "de-DE"), "zh-CN");
  assert.equal(pickLocale(undefined, "en;q=0, zh-TW"), "zh-CN");
});

Deno.test("both catalogues have the same keys and no empty text", () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zhCN).sort());
  for (const [key, text] of [...Object.entries(en), ...Object.entries(zhCN)]) {
    assert.ok(text.trim().length > 0, key);
  }
});

Deno.test("translator() fills named parameters", () => {
  assert.equal(translator("en")("dashboard.peerBanksCount", { count: 20 }), "20 banks assessed");
  assert.equal(
    translator("zh-CN")("dashboard.peerBanksCount", { count: 20 }),
    "20 家银行已完成评估",
  );
});

Deno.test("numbers go through Intl and missing ones show as a dash", () => {
  assert.equal(formatNumber("en", 12345.678), "12,345.7");
  assert.equal(formatNumber("zh-CN", null), "—");
  assert.equal(formatNumber("en", NaN), "—");
  assert.equal(formatPercent("en", 0.1234), "12.3%");
});

Deno.test("formatPValue(): tiny p-values read '< 0.001', never '< 0' or '0' (issue 13)", () => {
  for (const locale of ["zh-CN", "en"] as const) {
    assert.equal(formatPValue(locale, 3e-6), "< 0.001");
    assert.equal(formatPValue(locale, 0), "< 0.001");
    assert.equal(formatPValue(locale, 1e-300), "< 0.001");
    assert.equal(formatPValue(locale, 0.00099), "< 0.001");
    assert.equal(formatPValue(locale, 0.001), "0.001");
    assert.equal(formatPValue(locale, 0.0234567), "0.0235");
    assert.equal(formatPValue(locale, 0.067), "0.067");
    assert.equal(formatPValue(locale, 1), "1");
    assert.equal(formatPValue(locale, null), "—");
    assert.equal(formatPValue(locale, NaN), "—");
    assert.equal(formatPStatement(locale, 3e-6), "p < 0.001");
    assert.equal(formatPStatement(locale, 0.067), "p = 0.067");
  }
});
