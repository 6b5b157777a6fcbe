/**
 * `PUT/GET/DELETE /api/banks/:id/targets`: the bank's executive and admins set a target, everyone
 * who reads the scorecard reads it with its gaps, roadmap and progress; audited; bad input is
 * always a 4xx with nothing stored. Both backends.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { listAudit } from "../db/audit.ts";
import type { Database } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import {
  call,
  createTestApp,
  DEMO_USERS,
  expectJson,
  sessionCookie,
  TEST_ADMIN,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const TARGET = {
  targetDate: "2027-12-31",
  dimensions: {
    digital: { kind: "level", value: 4 },
    intelligent: { kind: "score", value: 65.5 },
  },
  note: "三年规划：数字化领先级",
};

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db, { now: () => new Date("2026-11-30T08:00:00Z") });
  const passwordHash = await hashPassword("unused-password-1", 1000);
  await createUser(db, { email: "exec@cc1.test", role: "executive", bankId: "CC1", passwordHash });
  return {
    app,
    admin: await sessionCookie(db, TEST_ADMIN.email),
    exec: await sessionCookie(db, DEMO_USERS.executive),
    growth: await sessionCookie(db, DEMO_USERS.growth),
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
    cc1Exec: await sessionCookie(db, "exec@cc1.test"),
  };
}

testBothBackends(
  "targets: the executive sets, everyone in scope reads, audited",
  async (t, { db }) => {
    const s = await setUp(db);
    await t.step("no target yet", async () => {
      const body = await expectJson(
        await call(s.app, s.exec, "GET", "/api/banks/CC2/targets"),
        200,
      );
      assert.deepEqual(body, { target: null, plan: null });
    });
    await t.step("CC2's executive sets it; it reads back with a plan", async () => {
      const put = await expectJson(
        await call(s.app, s.exec, "PUT", "/api/banks/CC2/targets", TARGET),
        200,
      );
      assert.equal(put.target.targetDate, "2027-12-31");
      assert.deepEqual(put.target.dimensions, TARGET.dimensions);
      assert.equal(put.target.note, TARGET.note);
      for (const who of [s.exec, s.growth, s.consultant, s.admin]) {
        const body = await expectJson(await call(s.app, who, "GET", "/api/banks/CC2/targets"), 200);
        assert.equal(body.target.targetDate, "2027-12-31");
        assert.equal(body.plan.gaps.dimensions.length, 3);
        assert.equal(body.plan.gaps.dimensions[0].targetScore, 60);
        assert.equal(body.plan.progress.length, 1);
        assert.ok(body.plan.roadmap.steps.every((st: { due: string }) => st.due <= "2027-12-31"));
        assert.ok(body.plan.roadmap.steps.every((st: { due: string }) => st.due >= "2026-11-30"));
      }
    });
    await t.step("the change is in the audit log with who and what", async () => {
      const { entries } = await listAudit(db, {
        bankId: "CC2",
        action: "lens.target.set",
        limit: 5,
        offset: 0,
      });
      assert.equal(entries.length, 1);
      assert.equal(entries[0].actor, DEMO_USERS.executive);
      assert.deepEqual(
        (entries[0].details as { dimensions: unknown }).dimensions,
        TARGET.dimensions,
      );
    });
    await t.step("an admin replaces it; a second audit entry", async () => {
      const next = { targetDate: "2028-06-30", dimensions: { open: { kind: "level", value: 5 } } };
      const put = await expectJson(
        await call(s.app, s.admin, "PUT", "/api/banks/CC2/targets", next),
        200,
      );
      assert.deepEqual(put.target.dimensions, next.dimensions);
      assert.equal(put.target.note, "");
      const { total } = await listAudit(db, {
        bankId: "CC2",
        action: "lens.target.set",
        limit: 5,
        offset: 0,
      });
      assert.equal(total, 2);
    });
    await t.step("growth, the consultant and another bank's executive may not set it", async () => {
      for (const who of [s.growth, s.consultant]) {
        const body = await expectJson(
          await call(s.app, who, "PUT", "/api/banks/CC2/targets", TARGET),
          403,
        );
        assert.equal(body.error.code, "FORBIDDEN");
      }
      await expectJson(await call(s.app, s.cc1Exec, "PUT", "/api/banks/CC2/targets", TARGET), 404);
      await expectJson(await call(s.app, s.cc1Exec, "GET", "/api/banks/CC2/targets"), 404);
      await expectJson(await call(s.app, s.consultant, "GET", "/api/banks/JS1/targets"), 404);
      await expectJson(await call(s.app, s.exec, "DELETE", "/api/banks/CC1/targets"), 404);
      const body = await expectJson(
        await call(s.app, s.exec, "GET", "/api/banks/CC2/targets"),
        200,
      );
      assert.equal(body.target.targetDate, "2028-06-30");
    });
    await t.step("the executive clears it (audited); clearing again is 404", async () => {
      await expectJson(await call(s.app, s.exec, "DELETE", "/api/banks/CC2/targets"), 200);
      await expectJson(await call(s.app, s.exec, "DELETE", "/api/banks/CC2/targets"), 404);
      const { total } = await listAudit(db, {
        bankId: "CC2",
        action: "lens.target.clear",
        limit: 5,
        offset: 0,
      });
      assert.equal(total, 1);
    });
  },
);

testBothBackends("targets: bad input is a 4xx and stores nothing", async (t, { db }) => {
  const s = await setUp(db);
  const bad: [string, unknown, string][] = [
    ["a string body", '"nope"', "VALIDATION_ERROR"],
    ["a number date", { ...TARGET, targetDate: 20271231 }, "VALIDATION_ERROR"],
    ["an impossible date", { ...TARGET, targetDate: "2027-02-30" }, "BAD_DATE"],
    ["a free-text date", { ...TARGET, targetDate: "next year" }, "VALIDATION_ERROR"],
    [
      "a level 3.5",
      { ...TARGET, dimensions: { digital: { kind: "level", value: 3.5 } } },
      "BAD_LEVEL",
    ],
    ["a level 6", { ...TARGET, dimensions: { digital: { kind: "level", value: 6 } } }, "BAD_LEVEL"],
    [
      "a negative score",
      { ...TARGET, dimensions: { open: { kind: "score", value: -1 } } },
      "BAD_SCORE",
    ],
    [
      "a score as text",
      { ...TARGET, dimensions: { open: { kind: "score", value: "80" } } },
      "VALIDATION_ERROR",
    ],
    [
      "an unknown kind",
      { ...TARGET, dimensions: { open: { kind: "rank", value: 1 } } },
      "VALIDATION_ERROR",
    ],
    [
      "an unknown dimension",
      { ...TARGET, dimensions: { cloud: { kind: "level", value: 3 } } },
      "UNKNOWN_DIMENSION",
    ],
    ["no dimensions", { ...TARGET, dimensions: {} }, "NO_TARGETS"],
    ["an unknown field", { ...TARGET, owner: "C100000001" }, "VALIDATION_ERROR"],
    ["an unknown field in a target", {
      ...TARGET,
      dimensions: { open: { kind: "level", value: 3, by: 1 } },
    }, "VALIDATION_ERROR"],
    ["a NUL in the note", { ...TARGET, note: "规划\u0000" }, "INVALID_TEXT"],
    ["a lone surrogate in the note", { ...TARGET, note: "规划\ud800" }, "INVALID_TEXT"],
    ["a NUL in a dimension id", {
      ...TARGET,
      dimensions: { "digital\u0000": { kind: "level", value: 3 } },
    }, "INVALID_TEXT"],
    ["a note too long", { ...TARGET, note: "长".repeat(501) }, "VALIDATION_ERROR"],
  ];
  for (const [name, body, code] of bad) {
    await t.step(name, async () => {
      const res = await call(s.app, s.exec, "PUT", "/api/banks/CC2/targets", body);
      const json = await expectJson(res, 400);
      assert.equal(json.error.code, code, JSON.stringify(json));
    });
  }
  await t.step("malformed JSON and a wrong content type", async () => {
    const res = await s.app.request("/api/banks/CC2/targets", {
      method: "PUT",
      headers: { cookie: s.exec, "content-type": "application/json" },
      body: "{",
    });
    assert.equal((await expectJson(res, 400)).error.code, "MALFORMED_JSON");
    const text = await s.app.request("/api/banks/CC2/targets", {
      method: "PUT",
      headers: { cookie: s.exec, "content-type": "text/plain" },
      body: JSON.stringify(TARGET),
    });
    assert.equal(text.status, 415);
    await text.body?.cancel();
  });
  await t.step("nothing was stored", async () => {
    const body = await expectJson(await call(s.app, s.exec, "GET", "/api/banks/CC2/targets"), 200);
    assert.equal(body.target, null);
    const { total } = await listAudit(db, { action: "lens.target.set", limit: 1, offset: 0 });
    assert.equal(total, 0);
  });
});

testBothBackends(
  "targets: the form, the scorecard's roadmap and the report's section",
  async (t, { db }) => {
    const s = await setUp(db);
    const page = async (cookie: string, path: string, lang = "zh-CN") => {
      const res = await s.app.request(path, { headers: { cookie: `${cookie}; lang=${lang}` } });
      return { status: res.status, html: await res.text(), location: res.headers.get("location") };
    };
    await t.step(
      "without a target the executive is invited to set one; growth is not",
      async () => {
        assert.match((await page(s.exec, "/banks/CC2")).html, /data-testid="target-edit"/);
        const growth = await page(s.growth, "/banks/CC2");
        assert.match(growth.html, /data-testid="roadmap"/);
        assert.doesNotMatch(growth.html, /data-testid="target-edit"/);
        assert.equal((await page(s.growth, "/banks/CC2/targets")).status, 403);
        assert.equal((await page(s.consultant, "/banks/CC2/targets")).status, 403);
        assert.equal((await page(s.cc1Exec, "/banks/CC2/targets")).status, 404);
      },
    );
    const form = (fields: Record<string, string>) =>
      s.app.request("/banks/CC2/targets", {
        method: "POST",
        headers: { cookie: s.exec, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    await t.step(
      "a bad value re-shows the form with the problem in the reader's words",
      async () => {
        const res = await form({
          targetDate: "2027-12-31",
          "kind.digital": "level",
          "value.digital": "7",
        });
        assert.equal(res.status, 200);
        const html = await res.text();
        assert.match(html, /数字化的目标等级须为 1～5 的整数/);
        assert.match(html, /value="7"/);
      },
    );
    await t.step("the form saves and returns to the scorecard's roadmap", async () => {
      const res = await form({
        targetDate: "2027-12-31",
        "kind.digital": "level",
        "value.digital": "4",
        "kind.open": "score",
        "value.open": "70",
        "kind.intelligent": "",
        "value.intelligent": "",
        note: "董事会 2026 年批准",
      });
      assert.equal(res.status, 303);
      assert.match(res.headers.get("location") ?? "", /^\/banks\/CC2\?target=saved#roadmap$/);
    });
    await t.step(
      "the scorecard shows gaps, steps, milestones and progress in both languages",
      async () => {
        for (
          const [lang, words] of [["zh-CN", /目标与路线图/], ["en", /Target and roadmap/]] as const
        ) {
          const { html } = await page(s.growth, "/banks/CC2", lang);
          assert.match(html, words);
          for (const id of ["target-gaps", "capability-gaps", "roadmap-steps", "target-progress"]) {
            assert.match(html, new RegExp(`data-testid="${id}"`), id);
          }
          assert.match(html, /2027-12-31/);
          assert.match(html, /董事会 2026 年批准/);
        }
      },
    );
    await t.step("the board report carries the short section", async () => {
      const { html } = await page(s.consultant, "/banks/CC2/report", "en");
      assert.match(html, /First three steps/);
      assert.doesNotMatch(html, /data-testid="capability-gaps"/);
      assert.doesNotMatch(html, /data-testid="target-edit"/);
    });
  },
);
