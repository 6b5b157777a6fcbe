/**
 * The board report (/banks/:id/report) over HTTP: the same authorisation as the scorecard
 * (own bank's executive, admin, consultant of assigned banks; everyone else 404), both
 * languages, every section, the Print button and the trend chart islands, server-drawn SVG
 * radars, no inline styles; the scorecard links to it and draws its trend chart. Both backends.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import { createTestApp, DEMO_USERS, sessionCookie, TEST_ADMIN } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  const passwordHash = await hashPassword("unused-password-1", 1000);
  await createUser(db, { email: "exec@cc1.test", role: "executive", bankId: "CC1", passwordHash });
  const who = {
    anonymous: "",
    admin: await sessionCookie(db, TEST_ADMIN.email),
    cc2Exec: await sessionCookie(db, DEMO_USERS.executive),
    growth: await sessionCookie(db, DEMO_USERS.growth),
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
    cc1Exec: await sessionCookie(db, "exec@cc1.test"),
  };
  const page = async (as: keyof typeof who, path: string, lang = "zh-CN") => {
    const cookie = [who[as], `lang=${lang}`].filter(Boolean).join("; ");
    const res = await app.request(path, { headers: { cookie } });
    return {
      status: res.status,
      location: res.headers.get("location"),
      type: res.headers.get("content-type") ?? "",
      html: await res.text(),
    };
  };
  return { page, users: Object.keys(who) as (keyof typeof who)[] };
}

testBothBackends("board report: the scorecard's authorisation", async (t, { db }) => {
  const { page, users } = await setUp(db);
  await t.step("anonymous visitors are sent to /login", async () => {
    const res = await page("anonymous", "/banks/CC2/report");
    assert.equal(res.status, 303);
    assert.match(res.location ?? "", /^\/login\?next=/);
  });
  await t.step(
    "another bank's executive and an unassigned consultant get the 404 page",
    async () => {
      for (
        const [as, path] of [["cc1Exec", "/banks/CC2/report"], [
          "consultant",
          "/banks/JS1/report",
        ]] as const
      ) {
        const res = await page(as, path);
        assert.equal(res.status, 404, `${as} ${path}`);
        assert.match(res.type, /text\/html/);
        assert.doesNotMatch(res.html, /data-testid="report"/);
      }
    },
  );
  await t.step("own executive, admin and the assigned consultant read it", async () => {
    for (const as of ["cc2Exec", "admin", "consultant"] as const) {
      assert.equal((await page(as, "/banks/CC2/report")).status, 200, as);
    }
    assert.equal((await page("cc1Exec", "/banks/CC1/report")).status, 200);
  });
  await t.step("every user gets the same answer as from the scorecard", async () => {
    for (const as of users.filter((u) => u !== "anonymous")) {
      for (const bank of ["CC1", "CC2", "RC2", "JS1", "NOPE1"]) {
        const card = await page(as, `/banks/${bank}`);
        const report = await page(as, `/banks/${bank}/report`);
        assert.equal(report.status, card.status, `${as} ${bank}`);
      }
    }
  });
});

testBothBackends("board report renders every section in both languages", async (t, { db }) => {
  const { page } = await setUp(db);
  for (
    const [lang, title, bank, level] of [
      ["zh-CN", "数字化能力对标报告", "甬鑫银行", "成熟度等级"],
      ["en", "Digital capability benchmark", "Yongxin Bank", "Maturity level"],
    ]
  ) {
    await t.step(lang, async () => {
      const res = await page("cc2Exec", "/banks/CC2/report", lang);
      assert.equal(res.status, 200);
      assert.match(res.html, new RegExp(`<html lang="${lang}">`));
      for (const text of [title, bank, level]) assert.ok(res.html.includes(text), text);
      for (
        const id of [
          "report-cover",
          "report-summary",
          "summary-table",
          "report-radars",
          "report-capabilities",
          "capabilities-digital",
          "capabilities-intelligent",
          "capabilities-open",
          "indicator-table",
          "entry-points",
          "report-trend",
          "trend",
          "report-method",
        ]
      ) assert.match(res.html, new RegExp(`data-testid="${id}"`), id);
      // The radars are SVG drawn on the server (vector in the PDF), the trend a Chart.js island.
      for (const id of ["radar-dimension", "radar-capability"]) {
        assert.match(
          res.html,
          new RegExp(`data-testid="${id}"><figcaption>[^<]+</figcaption><svg`),
        );
      }
      assert.match(res.html, /data-island="PrintButton"/);
      assert.match(res.html, /data-island="TrendChart"/);
      assert.doesNotMatch(res.html, /data-island="LensRadar"/);
      // All 41 indicators and the 14 capabilities are in the tables.
      assert.equal(res.html.match(/<tr data-indicator=/g)?.length, 41);
      assert.equal(res.html.match(/<tbody data-capability=/g)?.length, 14);
      assert.doesNotMatch(res.html, /style="/, "no inline styles (CSP)");
    });
  }
  await t.step("a hostile period is ignored, not echoed", async () => {
    const res = await page("cc2Exec", "/banks/CC2/report?period=%3Cscript%3Ealert(1)%3C/script%3E");
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.html, /<script>alert/);
  });
});

testBothBackends("scorecard links to the report and draws the trend chart", async (t, { db }) => {
  const { page } = await setUp(db);
  for (const [lang, label] of [["zh-CN", "董事会报告"], ["en", "Board report"]]) {
    await t.step(lang, async () => {
      const res = await page("cc2Exec", "/banks/CC2", lang);
      assert.equal(res.status, 200);
      const link = res.html.match(/<a href="([^"]+)" data-testid="report-link">([^<]+)</);
      assert.ok(link, "report link");
      assert.match(link[1], /^\/banks\/CC2\/report\?period=/);
      assert.ok(link[2].startsWith(label), link[2]);
      assert.match(res.html, /data-island="TrendChart"/);
      // The level bands' names travel to the island in the page's language.
      assert.ok(res.html.includes(lang === "zh-CN" ? "L5 引领级" : "L5 Leading"));
    });
  }
});
