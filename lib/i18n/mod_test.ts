import assert from "node:assert/strict";
import { en } from "./en.ts";
import {
  formatNumber,
  formatPercent,
  formatPStatement,
  formatPValue,
  keyFor,
  MissingMessageError,
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
    assert.equal(typeof text, "string", key);
    assert.ok(text.trim().length > 0, key);
  }
});

Deno.test("each message names the same {parameters} in both languages", () => {
  const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
    assert.deepEqual(names(zhCN[key]), names(en[key]), key);
  }
});

Deno.test("a missing or misspelt key is a type error, and never shown as the key", () => {
  const t = translator("en");
  // @ts-expect-error: not a catalogue key
  assert.throws(() => t("dashboard.titel"), MissingMessageError);
  const stage: "new" | "active" = "active";
  assert.equal(t(`loop.stage.${stage}`), "Active"); // a template literal over a union is checked
  assert.equal(keyFor("loop.stage.", "churned"), "loop.stage.churned");
  assert.equal(keyFor("loop.stage.", "dead"), undefined);
  assert.equal(keyFor("level.", 3), "level.3");
  assert.equal(keyFor("level.", "constructor"), undefined);
});

Deno.test("no source file casts a string to MessageKey (the cast skips the key check)", async () => {
  const root = new URL("../../", import.meta.url);
  const offenders: string[] = [];
  for (const dir of ["lib", "routes", "components", "islands", "plugins", "db"]) {
    for await (const file of walk(new URL(`${dir}/`, root))) {
      const text = await Deno.readTextFile(file);
      if (/as\s+MessageKey\b/.test(text)) offenders.push(file.pathname);
    }
  }
  assert.deepEqual(offenders.filter((f) => !f.endsWith("mod_test.ts")), []);
});

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* walk(url);
    else if (/\.tsx?$/.test(entry.name)) yield url;
  }
}

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
