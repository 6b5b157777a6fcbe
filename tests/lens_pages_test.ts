/**
 * The lens pages over HTTP: scorecard, assessment pages and peers render for the right users
 * in both languages, other banks' pages are 404, anonymous visitors go to /login, and a bad
 * form post comes back as a 400 page listing the problems. Both backends.
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
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
    cc1Exec: await sessionCookie(db, "exec@cc1.test"),
  };
  const page = async (
    as: keyof typeof who,
    path: string,
    init: RequestInit & { lang?: string } = {},
  ) => {
    const headers = new Headers(init.headers);
    headers.set("cookie", [who[as], `lang=${init.lang ?? "zh-CN"}`].filter(Boolean).join("; "));
    const res = await app.request(path, { ...init, headers });
    return {
      status: res.status,
      location: res.headers.get("location"),
      type: res.headers.get("content-type") ?? "",
      html: await res.text(),
    };
  };
  return { page };
}

testBothBackends("lens pages: tenancy", async (t, { db }) => {
  const { page } = await setUp(db);
  const paths = [
    "/banks/CC2",
    "/banks/CC2/assessments",
    "/banks/CC2/assessments/FY2024",
    "/banks/CC2/assessments/FY2024?revision=1",
  ];
  await t.step("anonymous visitors are sent to /login", async () => {
    for (const path of [...paths, "/peers"]) {
      const res = await page("anonymous", path);
      assert.equal(res.status, 303, path);
      assert.match(res.location ?? "", /^\/login\?next=/);
    }
  });
  await t.step("another bank's executive gets the 404 page", async () => {
    for (const path of [...paths, "/peers?bankId=CC2"]) {
      const res = await page("cc1Exec", path);
      assert.equal(res.status, 404, path);
      assert.match(res.type, /text\/html/);
    }
    const post = await page("cc1Exec", "/banks/CC2/assessments/2025H1", {
      method: "POST",
      body: new URLSearchParams({ "v:tag_system": "3", status: "draft" }),
    });
    assert.equal(post.status, 404);
  });
  await t.step("the own bank's executive reads but may not post", async () => {
    for (const path of paths) assert.equal((await page("cc2Exec", path)).status, 200, path);
    const post = await page("cc2Exec", "/banks/CC2/assessments/2025H1", {
      method: "POST",
      body: new URLSearchParams({ "v:tag_system": "3", status: "draft" }),
    });
    assert.equal(post.status, 403);
    assert.equal((await page("cc2Exec", "/banks/CC2/assessments/2030H1")).status, 404);
  });
});

testBothBackends("scorecard renders in both languages with its islands", async (t, { db }) => {
  const { page } = await setUp(db);
  for (
    const [lang, heading, level] of [["zh-CN", "能力评分卡", "成熟度等级"], [
      "en",
      "Scorecard",
      "Maturity level",
    ]]
  ) {
    await t.step(lang, async () => {
      const res = await page("cc2Exec", "/banks/CC2", { lang });
      assert.equal(res.status, 200);
      assert.match(res.type, /text\/html/);
      assert.match(res.html, new RegExp(`<html lang="${lang}">`));
      assert.ok(res.html.includes(heading) && res.html.includes(level));
      for (const island of ["LensRadar", "WhatIf"]) {
        assert.match(res.html, new RegExp(`data-island="${island}"`));
      }
      for (
        const id of [
          "radar-dimension",
          "radar-capability",
          "entry-points",
          "indicator-table",
          "trend",
        ]
      ) {
        assert.match(res.html, new RegExp(`data-testid="${id}"`), id);
      }
      assert.doesNotMatch(res.html, /style="/, "no inline styles (CSP)");
    });
  }
});

testBothBackends(
  "assessment form shows rubrics and units, and refuses bad posts",
  async (t, { db }) => {
    const { page } = await setUp(db);
    await t.step("every level's rubric and metric units are on the form, in Chinese", async () => {
      const res = await page("consultant", "/banks/CC2/assessments/FY2024");
      assert.equal(res.status, 200);
      assert.ok(res.html.includes("客户数据分散在各业务系统, 无统一客户号"));
      assert.ok(!res.html.includes("Customer data siloed"), "the rubric in the page's language");
      assert.ok(res.html.includes("天，中位数"));
      assert.ok(!res.html.includes("days (median)"));
      assert.match(res.html, /name="na:tag_system"/);
      assert.doesNotMatch(res.html, /name="na:app_mau_penetration"/, "N/A only where allowed");
    });
    await t.step("a bad post is a 400 page listing the problems, nothing saved", async () => {
      const res = await page("consultant", "/banks/CC2/assessments/2025H1", {
        method: "POST",
        body: new URLSearchParams({
          "v:app_mau_penetration": "lots",
          "v:tag_system": "9",
          "na:unified_customer_view": "1",
          "naj:unified_customer_view": "",
          status: "submitted",
        }),
      });
      assert.equal(res.status, 400);
      assert.match(res.html, /data-testid="form-errors"/);
      assert.match(res.html, /手机银行月活渗透率：“lots”不是数字/);
      assert.match(res.html, /成熟度须为 1～5 的整数，填的是 9/);
      assert.match(res.html, /标记为不适用时须说明理由/);
      assert.doesNotMatch(res.html, /is not a number|N\/A needs a justification/);
      assert.match(res.html, /value="lots"/, "the form comes back as typed");
      const none = await db.selectFrom("assessments").select("id").where("period", "=", "2025H1")
        .execute();
      assert.equal(none.length, 0);
    });
    await t.step("a good post saves a revision and redirects", async () => {
      const res = await page("consultant", "/banks/CC2/assessments/2025H1", {
        method: "POST",
        body: new URLSearchParams({
          "v:app_mau_penetration": "31",
          "v:tag_system": "4",
          "e:tag_system": "Tag platform in production",
          status: "draft",
        }),
      });
      assert.equal(res.status, 303);
      assert.equal(res.location, "/banks/CC2/assessments/2025H1?saved=1");
      const form = await page("consultant", "/banks/CC2/assessments/2025H1?saved=1");
      assert.match(form.html, /data-testid="saved"/);
      assert.match(form.html, /Tag platform in production/);
      assert.match(form.html, /data-revision="1"/);
    });
  },
);

testBothBackends("peers page shows the group, charts and a ranking in scope", async (t, { db }) => {
  const { page } = await setUp(db);
  await t.step("the executive's default group is their bank's", async () => {
    const res = await page("cc2Exec", "/peers?bankId=CC2", { lang: "en" });
    assert.equal(res.status, 200);
    assert.match(res.html, /<option value="city_commercial" selected/);
    assert.match(res.html, /data-island="QuartileChart"/);
    assert.match(res.html, /data-testid="radar-overlay"/);
    assert.match(res.html, /<tr data-bank="CC2">/);
    assert.doesNotMatch(res.html, /data-bank="CC1"/);
  });
  await t.step("a too-small group says which group is used instead", async () => {
    const res = await page("cc2Exec", "/peers?group=private_internet", { lang: "en" });
    assert.match(res.html, /data-testid="peer-note"/);
    assert.match(res.html, /Fewer than 5 banks/);
  });
});
