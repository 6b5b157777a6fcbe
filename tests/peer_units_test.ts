/**
 * The peers page names each indicator's unit in the reader's language: the Chinese page said
 * "客户流失率 (% per year)", "需求上线周期 (days (median))", "对外开放API数量 (count)".
 */
import assert from "node:assert/strict";
import { INDICATOR_UNITS } from "../lib/i18n/unit_messages.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const ENGLISH_UNITS = ["per year", "days (median)", "seconds (p50)", "(count)", "% relative"];

testBothBackends(
  "peer tables give indicator units in the reader's language",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const cookie = await sessionCookie(db, DEMO_USERS.executive);
    const page = async (lang: string) => {
      const res = await app.request("/peers", { headers: { cookie: `${cookie}; lang=${lang}` } });
      assert.equal(res.status, 200);
      return await res.text();
    };
    const zh = await page("zh-CN");
    for (const unit of ENGLISH_UNITS) {
      assert.ok(
        !zh.includes(unit),
        `"${unit}" on the Chinese page`,
      );
    }
    assert.ok(zh.includes("客户流失率 (%/年)"));
    assert.ok(zh.includes("需求上线周期 (天，中位数)"));
    const en = await page("en");
    assert.ok(en.includes("(days (median))"));
    assert.ok(en.includes("(% per year)"));
  },
);

Deno.test("every unit of the model has a label", async () => {
  const model = JSON.parse(
    await Deno.readTextFile(new URL("../lib/lens/lens-model.json", import.meta.url)),
  );
  const units = new Set<string>();
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === "object") {
      const unit = (o as Record<string, unknown>).unit;
      if (typeof unit === "string") units.add(unit);
      Object.values(o).forEach(walk);
    }
  };
  walk(model);
  assert.ok(units.size > 0);
  for (const unit of units) assert.ok(unit in INDICATOR_UNITS, `no label for "${unit}"`);
});
