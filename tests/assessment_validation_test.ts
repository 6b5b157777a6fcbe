/**
 * Issue 13 item 9 on both backends: inputs that make the lens numbers meaningless are refused
 * the same way by the JSON API, the form and the CSV import: a value outside its indicator's
 * range (a digital sales share of 150 %) even in a draft, and a submission that leaves a
 * capability insufficient (1 of 41 values), named in the reader's language. Drafts may be
 * partial; nothing is stored when refused.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import demoBanks from "../lib/lens/demo-banks.json" with { type: "json" };
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const complete = Object.fromEntries(
  Object.entries(demoBanks.find((b) => b.id === "CC2")!.values)
    .filter((e): e is [string, number] => e[1] !== null),
);

const SAY = {
  "zh-CN": {
    range: "数字渠道销售占比：须在 0～100（%）之间，填的是 150",
    insufficient:
      /无法提交：能力「数字渠道与触达」的数据不足以评分.*缺少：数字渠道销售占比、客户旅程数字化功能覆盖率/,
  },
  en: {
    range: "Digital sales share: must be between 0 and 100 (%), got 150",
    insufficient: /Cannot submit: capability “.+” has too few values to be scored.*missing: /,
  },
} as const;

async function stored(db: Kysely<Database>, period: string) {
  return (await db.selectFrom("assessments").select("status").where("bank_id", "=", "CC2")
    .where("period", "=", period).execute()).map((r) => r.status);
}

testBothBackends(
  "assessments: values out of range and incomplete submissions are refused everywhere",
  async (t, { db }) => {
    const { app } = await createTestApp(db);
    const consultant = await sessionCookie(db, DEMO_USERS.consultant);
    const send = (path: string, init: RequestInit & { lang?: string }) => {
      const headers = new Headers(init.headers);
      headers.set("cookie", `lang=${init.lang ?? "zh-CN"}; ${consultant}`);
      return app.request(path, { ...init, headers });
    };
    const put = (period: string, body: unknown, lang?: string) =>
      send(`/api/assessments/CC2/${period}`, {
        method: "PUT",
        lang,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const error = async (res: Response) => {
      assert.equal(res.status, 400);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      return (await res.json()).error;
    };

    for (const lang of ["zh-CN", "en"] as const) {
      await t.step(`API (${lang}): 150 % is refused, even in a draft`, async () => {
        const e = await error(
          await put("2026H1", { values: { digital_sales_share: 150 }, status: "draft" }, lang),
        );
        assert.equal(e.code, "VALUE_OUT_OF_RANGE");
        assert.equal(e.message, SAY[lang].range);
      });
      await t.step(`API (${lang}): 1 of 41 values cannot be submitted`, async () => {
        const e = await error(
          await put("2026H1", { values: { app_mau_penetration: 30 }, status: "submitted" }, lang),
        );
        assert.equal(e.code, "CAPABILITY_INSUFFICIENT");
        assert.match(e.message, SAY[lang].insufficient);
      });
    }
    await t.step("API: the same values save as a draft, and complete ones submit", async () => {
      assert.deepEqual(await stored(db, "2026H1"), []);
      const draft = await put("2026H1", { values: { app_mau_penetration: 30 }, status: "draft" });
      assert.equal(draft.status, 200);
      const done = await put("2026H1", { values: complete, status: "submitted" });
      assert.equal(done.status, 200, await done.clone().text());
      assert.deepEqual(await stored(db, "2026H1"), ["submitted"]);
    });

    await t.step("form: 150 % and an incomplete submission are listed, nothing saved", async () => {
      const res = await send("/banks/CC2/assessments/2026H2", {
        method: "POST",
        body: new URLSearchParams({
          "v:digital_sales_share": "150",
          "v:app_mau_penetration": "30",
          status: "submitted",
        }),
      });
      assert.equal(res.status, 400);
      const html = await res.text();
      assert.ok(html.includes(SAY["zh-CN"].range), "range message in Chinese");
      assert.match(html, /无法提交：能力「数据治理与数据运营」/);
      assert.deepEqual(await stored(db, "2026H2"), []);
      assert.match(html, /有效范围：0–100/, "the form says each field's valid range");
      const draft = await send("/banks/CC2/assessments/2026H2", {
        method: "POST",
        body: new URLSearchParams({ "v:app_mau_penetration": "30", status: "draft" }),
      });
      assert.equal(draft.status, 303);
      assert.deepEqual(await stored(db, "2026H2"), ["draft"]);
    });

    await t.step("CSV: out-of-range values and incomplete submitted rows are refused", async () => {
      const csv = (rows: string[]) =>
        send("/api/assessments/import", {
          method: "POST",
          lang: "en",
          headers: { "content-type": "text/csv" },
          body: ["bank_id,period,digital_sales_share,app_mau_penetration", ...rows].join("\n"),
        });
      const bad = await error(await csv(["CC2,2027H1,150,30"]));
      assert.equal(bad.code, "CSV_INVALID");
      const found = bad.errors.map((e: { column: string; code: string }) =>
        `${e.column}:${e.code}`
      );
      assert.ok(found.includes("digital_sales_share:VALUE_OUT_OF_RANGE"), found.join(" "));
      assert.ok(found.includes("digital_sales_share:CAPABILITY_INSUFFICIENT") === false);
      assert.ok(found.some((f: string) => f.endsWith(":CAPABILITY_INSUFFICIENT")), found.join(" "));
      const range = bad.errors.find((e: { code: string }) => e.code === "VALUE_OUT_OF_RANGE");
      assert.equal(range.message, SAY.en.range);
      assert.deepEqual(Object.keys(range).sort(), ["code", "column", "line", "message"]);
      assert.deepEqual(await stored(db, "2027H1"), []);
      const draft = await send("/api/assessments/import?status=draft", {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: "bank_id,period,app_mau_penetration\nCC2,2027H1,30\n",
      });
      assert.equal(draft.status, 200);
      assert.deepEqual(await stored(db, "2027H1"), ["draft"]);
    });

    await t.step("the public score calculator refuses 150 % too", async () => {
      const res = await send("/api/lens/score", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ values: { digital_sales_share: 150 } }),
      });
      assert.equal((await error(res)).code, "VALUE_OUT_OF_RANGE");
    });
  },
);
