/**
 * Issue 13 item 6 on both backends: the peers' "leaders" are the better quartile in each
 * indicator's direction (the lower one for latency, churn, lead times), in the JSON, the CSV
 * export and the page's table, in both languages.
 */
import assert from "node:assert/strict";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const LOWER_BETTER = ["realtime_trigger_latency", "churn_rate", "release_lead_time"];

interface Summary {
  q1: number;
  median: number;
  q3: number;
  leaders: number;
  direction: string;
}

testBothBackends(
  "peers: the leaders are the better quartile in the direction",
  async (t, { db }) => {
    const { app } = await createTestApp(db);
    const exec = await sessionCookie(db, DEMO_USERS.executive);
    const get = (path: string, lang = "zh-CN") =>
      app.request(path, { headers: { cookie: `lang=${lang}; ${exec}` } });
    let figures: { kind: string; id: string; direction: string; summary: Summary }[] = [];

    await t.step("JSON: lower-is-better leaders sit below the median", async () => {
      const res = await get("/api/peers?group=all");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      figures = (await res.json()).figures;
      const of = (id: string) => figures.find((f) => f.id === id)!.summary;
      for (const id of LOWER_BETTER) {
        const s = of(id);
        assert.equal(s.direction, "lower_better", id);
        assert.equal(s.leaders, s.q1, id);
        assert.ok(s.leaders < s.median, `${id}: leaders ${s.leaders}, median ${s.median}`);
      }
      for (const f of figures.filter((f) => f.direction === "higher_better")) {
        assert.equal(f.summary.leaders, f.summary.q3, f.id);
      }
      assert.ok(
        figures.filter((f) => f.kind === "overall" || f.kind === "capability").every((f) =>
          f.direction === "higher_better"
        ),
      );
    });

    await t.step("CSV: the leaders column follows the direction", async () => {
      const res = await get("/api/peers/export.csv?group=all");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/csv/);
      const [header, ...rows] = (await res.text()).trim().split("\r\n").map((l) => l.split(","));
      const col = (name: string) => header.indexOf(name);
      assert.ok(col("leaders") > 0 && col("direction") > 0, header.join(","));
      for (const id of [...LOWER_BETTER, "app_mau_penetration"]) {
        const row = rows.find((r) => r[col("id")] === id)!;
        const s = figures.find((f) => f.id === id)!.summary;
        assert.equal(row[col("direction")], s.direction);
        assert.equal(Number(row[col("leaders")]), s.leaders, id);
      }
    });

    await t.step("page: the leaders column and the direction note, in both languages", async () => {
      for (
        const [lang, head, note] of [
          ["zh-CN", "领先者（较优四分位）", "越低越好"],
          ["en", "Leaders (better quartile)", "Lower is better"],
        ] as const
      ) {
        const res = await get("/peers?group=all", lang);
        assert.equal(res.status, 200);
        const html = await res.text();
        const table = html.match(/data-testid="peer-indicators"[\s\S]*?<\/table>/)?.[0] ?? "";
        assert.ok(table.includes(`>${head}</th>`), `${lang}: leaders header`);
        const row = table.match(/<tr data-figure="realtime_trigger_latency"[\s\S]*?<\/tr>/)?.[0] ??
          "";
        assert.ok(row.includes(note), `${lang}: direction note`);
        const leaders = row.match(/data-testid="leaders">([^<]*)</)?.[1] ?? "";
        const s = figures.find((f) => f.id === "realtime_trigger_latency")!.summary;
        const shown = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(s.leaders);
        assert.equal(leaders, shown, `${lang}: leaders cell`);
      }
    });
  },
);
