/**
 * Evidence of assessment values and several assessors over HTTP (issue 19 parts 6 and 7):
 * sources, notes and links on values (http/https only, coded 400s, backward-compatible plain
 * numbers), the confidence shares, CSV evidence columns all-or-nothing; assessors' own drafts,
 * the consensus (median, disagreement above one level), who may see and reconcile, and the
 * audited submission. Both backends.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { measuredIndicators } from "../db/measured_indicators.ts";
import type { Database, Role } from "../db/schema.ts";
import { assignConsultant, createUser } from "../db/users.ts";
import demoBanks from "../lib/lens/demo-banks.json" with { type: "json" };
import { EVERY_BANK } from "../lib/scope.ts";
import { hashPassword } from "../lib/security/password.ts";
import {
  createTestApp,
  DEMO_USERS,
  jsonRequest,
  sessionCookie,
  TEST_ADMIN,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

function completeValues(bankId: string): Record<string, number> {
  const bank = demoBanks.find((b) => b.id === bankId)!;
  return Object.fromEntries(
    Object.entries(bank.values).filter((e): e is [string, number] => e[1] !== null),
  );
}

async function addUser(db: Kysely<Database>, email: string, role: Role, bankId: string) {
  const passwordHash = await hashPassword("unused-password-1", 1000);
  const user = await createUser(db, { email, role, bankId, passwordHash });
  return { id: user.id, cookie: await sessionCookie(db, email) };
}

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  const second = await addUser(db, "顾问二@consult.test", "consultant", "CC2");
  await assignConsultant(db, second.id, ["CC2"]);
  const other = await addUser(db, "rc1-consultant@consult.test", "consultant", "RC1");
  await assignConsultant(db, other.id, ["RC1"]);
  const consultantId = (await db.selectFrom("users").select("id")
    .where("email", "=", DEMO_USERS.consultant).executeTakeFirstOrThrow()).id;
  const who = {
    anonymous: "",
    admin: await sessionCookie(db, TEST_ADMIN.email),
    cc2Exec: await sessionCookie(db, DEMO_USERS.executive),
    growth: await sessionCookie(db, DEMO_USERS.growth),
    consultant: await sessionCookie(db, DEMO_USERS.consultant), // CC2, CC1, RC2
    second: second.cookie, // CC2 only
    other: other.cookie, // RC1 only
    cc1Exec: (await addUser(db, "exec@cc1.test", "executive", "CC1")).cookie,
  };
  const call = async (
    as: keyof typeof who,
    path: string,
    init: RequestInit = {},
    lang = "zh-CN",
  ) => {
    const headers = new Headers(init.headers);
    if (who[as]) headers.set("cookie", `${who[as]}; lang=${lang}`);
    const res = await app.request(path, { ...init, headers });
    const type = res.headers.get("content-type") ?? "";
    const body = type.includes("json") ? await res.json() : await res.text();
    return { status: res.status, type, body };
  };
  return { call, ids: { consultant: consultantId, second: second.id } };
}

const put = (body: unknown) => jsonRequest("PUT", body);

testBothBackends("value evidence: sources, notes and links on the JSON API", async (t, { db }) => {
  const { call } = await setUp(db);
  const values = {
    ...completeValues("CC2"),
    tag_system: {
      value: 3,
      source: "verified",
      note: "标签平台 2025 年 3 月上线；见年报第 12 页",
      link: "https://bank.example/年报/2025.pdf",
    },
    churn_rate: { value: 12.5, link: "http://10.0.0.8/证据?id=-5" },
  };
  await t.step(
    "a value may carry source, note and link; plain numbers stay self-reported",
    async () => {
      const res = await call(
        "consultant",
        "/api/assessments/CC2/2026H1",
        put({ values, status: "submitted" }),
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.match(res.type, /application\/json/);
      assert.deepEqual(res.body.provenance.tag_system, {
        source: "verified",
        note: "标签平台 2025 年 3 月上线；见年报第 12 页",
        link: "https://bank.example/年报/2025.pdf",
      });
      assert.deepEqual(res.body.provenance.churn_rate, {
        source: "self_reported",
        link: "http://10.0.0.8/证据?id=-5",
      });
      assert.deepEqual(res.body.provenance.app_mau_penetration, { source: "self_reported" });
      assert.equal(res.body.assessment.values.tag_system, 3);
      // digital 0.4 × data_foundation 0.25 × tag_system 0.35
      assert.ok(Math.abs(res.body.confidence.verified - 0.035) < 1e-12);
      assert.equal(res.body.confidence.measured, 0);
      const got = await call("cc2Exec", "/api/assessments/CC2/2026H1");
      assert.equal(got.status, 200);
      assert.equal(got.body.provenance.tag_system.source, "verified");
      assert.ok(Math.abs(got.body.confidence.checked - 0.035) < 1e-12);
    },
  );
  await t.step(
    "links other than http(s) are refused with a code, in the reader's language",
    async () => {
      for (
        const [link, code] of [
          ["javascript:alert(1)", "LINK_NOT_HTTP"],
          ["ftp://files.bank.example/a.xlsx", "LINK_NOT_HTTP"],
          ["file:///etc/passwd", "LINK_NOT_HTTP"],
          ["www.bank.example/a", "LINK_INVALID"],
          ["/reports/2025.pdf", "LINK_INVALID"],
        ]
      ) {
        const body = { values: { tag_system: { value: 2, link } }, status: "draft" };
        const res = await call("consultant", "/api/assessments/CC2/2026H2", put(body));
        assert.equal(res.status, 400, link);
        assert.match(res.type, /application\/json/);
        assert.equal(res.body.error.code, code, link);
        assert.match(res.body.error.message, /标签体系|佐证链接/);
        const en = await call("consultant", "/api/assessments/CC2/2026H2", put(body), "en");
        assert.match(en.body.error.message, /evidence link/);
      }
    },
  );
  await t.step("bad shapes and sources are 400s", async () => {
    for (
      const [body, code] of [
        [
          { values: { tag_system: { value: 2, source: "guessed" } }, status: "draft" },
          "VALIDATION_ERROR",
        ],
        [{ values: { tag_system: { value: 2, extra: 1 } }, status: "draft" }, "VALIDATION_ERROR"],
        [{ values: { tag_system: { value: "2" } }, status: "draft" }, "VALIDATION_ERROR"],
        [
          { values: { tag_system: { value: null, source: "verified" } }, status: "draft" },
          "SOURCE_WITHOUT_VALUE",
        ],
        [
          { values: { churn_rate: { value: 9, source: "measured" } }, status: "draft" },
          "MEASURED_NOT_AVAILABLE",
        ],
        [
          { values: { tag_system: { value: 7, source: "verified" } }, status: "draft" },
          "MATURITY_OUT_OF_RANGE",
        ],
      ] as const
    ) {
      const res = await call("consultant", "/api/assessments/CC2/2026H2", put(body));
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, code, JSON.stringify(res.body));
    }
  });
  await t.step("measured takes the platform's figure, and only that", async () => {
    const measured = await measuredIndicators(db, EVERY_BANK, "CC2");
    const share = measured.ab_test_share?.value;
    assert.equal(typeof share, "number", "the demo bank has decided iterations");
    const rounded = Math.round(share! * 100) / 100;
    const ok = await call(
      "consultant",
      "/api/assessments/CC2/2026H2",
      put({
        values: { ab_test_share: { value: rounded, source: "measured" } },
        status: "draft",
      }),
    );
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.assessment.values.ab_test_share, share);
    assert.equal(ok.body.provenance.ab_test_share.source, "measured");
    const off = await call(
      "consultant",
      "/api/assessments/CC2/2026H2",
      put({
        values: { ab_test_share: { value: rounded + 5, source: "measured" } },
        status: "draft",
      }),
    );
    assert.equal(off.status, 400);
    assert.equal(off.body.error.code, "MEASURED_MISMATCH");
  });
  await t.step("only consultants and admins edit, so only they verify", async () => {
    const body = { values: { tag_system: { value: 3, source: "verified" } }, status: "draft" };
    const res = await call("cc2Exec", "/api/assessments/CC2/2026H2", put(body));
    assert.equal(res.status, 403);
    const admin = await call("admin", "/api/assessments/CC2/2026H2", put(body));
    assert.equal(admin.status, 200);
  });
});

testBothBackends(
  "value evidence: CSV columns, all-or-nothing with line errors",
  async (t, { db }) => {
    const { call } = await setUp(db);
    const csv = (rows: string[]) => ({
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: rows.join("\r\n"),
    });
    const ids = Object.keys(completeValues("CC1"));
    const row = (bank: string, extra: string[]) =>
      [bank, "2026H1", ...ids.map((id) => String(completeValues(bank)[id])), ...extra].join(",");
    const header = [
      "bank_id",
      "period",
      ...ids,
      "tag_system:source",
      "tag_system:note",
      "tag_system:link",
    ]
      .join(",");
    await t.step("a bad source or link refuses the whole file with line and column", async () => {
      const res = await call(
        "consultant",
        "/api/assessments/import",
        csv([
          header,
          row("CC1", ["verified", "年报第 3 页", "https://bank.example/a.pdf"]),
          row("CC2", ["guessed", "", "javascript:alert(1)"]),
          row("RC2", ["measured", "", ""]),
        ]),
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, "CSV_INVALID");
      assert.deepEqual(
        res.body.error.errors.map((
          e: { line: number; column: string; code: string },
        ) => [e.line, e.column, e.code]),
        [
          [3, "tag_system:source", "BAD_SOURCE"],
          [3, "tag_system:link", "LINK_NOT_HTTP"],
          [4, "tag_system:source", "MEASURED_NOT_AVAILABLE"],
        ],
      );
      const list = await call("consultant", "/api/assessments?period=2026H1");
      assert.equal(list.body.assessments.length, 0);
    });
    await t.step(
      "a good file stores sources, notes and links, and the export writes them",
      async () => {
        const res = await call(
          "consultant",
          "/api/assessments/import",
          csv([
            header,
            row("CC1", ["verified", '"年报第 3 页, ""附表"""', "https://bank.example/a.pdf"]),
          ]),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const got = await call("consultant", "/api/assessments/CC1/2026H1");
        assert.deepEqual(got.body.provenance.tag_system, {
          source: "verified",
          note: '年报第 3 页, "附表"',
          link: "https://bank.example/a.pdf",
        });
        const back = await call(
          "consultant",
          "/api/assessments/export.csv?bankId=CC1&period=2026H1",
        );
        assert.equal(back.status, 200);
        const [head, line] = (back.body as string).trim().split("\r\n");
        const cells = head.split(",");
        assert.ok(cells.includes("tag_system:source"));
        assert.match(line, /,verified,"年报第 3 页, ""附表""",https:\/\/bank\.example\/a\.pdf/);
      },
    );
    await t.step(
      "re-importing the same figures without the columns keeps their evidence",
      async () => {
        const plain = ["bank_id", "period", ...ids].join(",");
        const res = await call(
          "consultant",
          "/api/assessments/import",
          csv([plain, row("CC1", [])]),
        );
        assert.equal(res.status, 200);
        const got = await call("consultant", "/api/assessments/CC1/2026H1");
        assert.equal(got.body.provenance.tag_system.source, "verified");
        const changed = row("CC1", []).replace(/^CC1,2026H1,/, "CC1,2026H1,").split(",");
        changed[2 + ids.indexOf("tag_system")] = "2";
        await call("consultant", "/api/assessments/import", csv([plain, changed.join(",")]));
        const after = await call("consultant", "/api/assessments/CC1/2026H1");
        assert.equal(after.body.provenance.tag_system.source, "self_reported");
        assert.equal(after.body.provenance.tag_system.link, "https://bank.example/a.pdf");
      },
    );
  },
);

testBothBackends("several assessors: drafts, consensus, reconcile, roles", async (t, { db }) => {
  const { call, ids } = await setUp(db);
  const base = "/api/assessments/CC2/2026H1";
  const first = {
    ...completeValues("CC2"),
    tag_system: 2,
    app_mau_penetration: 12,
    churn_rate: 25,
  };
  const second = {
    ...completeValues("CC2"),
    tag_system: 4,
    app_mau_penetration: 25.99,
    churn_rate: 20,
  };
  await t.step("each assessor saves a draft of their own", async () => {
    const a = await call(
      "consultant",
      `${base}/drafts/mine`,
      put({
        values: { ...first, tag_system: { value: 2, source: "verified", note: "访谈记录" } },
      }),
    );
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const b = await call("second", `${base}/drafts/mine`, put({ values: second }));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    const mine = await call("second", `${base}/drafts/mine`);
    assert.equal(mine.body.draft.values.tag_system, 4);
    const assessments = await call("admin", "/api/assessments/CC2/2026H1");
    assert.equal(assessments.status, 404, "drafts are not the bank's assessment");
  });
  await t.step("the consensus takes medians and flags more than one level apart", async () => {
    const res = await call("cc2Exec", `${base}/consensus`);
    assert.equal(res.status, 200);
    assert.equal(res.body.assessors.length, 2);
    const of = (id: string) => res.body.indicators.find((i: { id: string }) => i.id === id);
    assert.equal(of("tag_system").median, 3);
    assert.equal(of("tag_system").disagree, true);
    assert.ok(Math.abs(of("app_mau_penetration").median - (12 + 25.99) / 2) < 1e-12);
    assert.deepEqual(of("app_mau_penetration").levels, { min: 2, max: 3 });
    assert.equal(of("app_mau_penetration").disagree, false);
    assert.equal(of("churn_rate").median, 22.5);
    assert.equal(of("churn_rate").disagree, false);
    assert.deepEqual(res.body.disagreements, ["tag_system"]);
    assert.equal(res.body.canReconcile, true);
  });
  await t.step("a bank's assessors never see another bank's drafts", async () => {
    const cc1 = await call(
      "consultant",
      "/api/assessments/CC1/2026H1/drafts/mine",
      put({
        values: { tag_system: 5 },
      }),
    );
    assert.equal(cc1.status, 200);
    for (
      const path of [
        "/api/assessments/CC1/2026H1/consensus",
        "/api/assessments/CC1/2026H1/drafts/mine",
      ]
    ) {
      const res = await call("second", path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, "NOT_FOUND");
    }
    for (const path of [`${base}/consensus`, `${base}/drafts/mine`]) {
      const res = await call("other", path);
      assert.equal(res.status, 404, path);
    }
    const other = await call("other", `${base}/drafts/mine`, put({ values: { tag_system: 1 } }));
    assert.equal(other.status, 404);
    assert.equal((await call("cc1Exec", `${base}/consensus`)).status, 404);
    const cc2 = await call("cc2Exec", `${base}/consensus`);
    assert.equal(cc2.body.assessors.length, 2, "CC1's draft is not among CC2's");
  });
  await t.step(
    "roles: growth reads nothing, consultants do not reconcile, executives do not draft",
    async () => {
      assert.equal((await call("growth", `${base}/consensus`)).status, 403);
      assert.equal((await call("anonymous", `${base}/consensus`)).status, 401);
      const consultant = await call("consultant", `${base}/reconcile`, jsonRequest("POST", {}));
      assert.equal(consultant.status, 403);
      assert.equal(consultant.body.error.code, "FORBIDDEN");
      const exec = await call("cc2Exec", `${base}/drafts/mine`, put({ values: { tag_system: 3 } }));
      assert.equal(exec.status, 403);
      assert.equal(
        (await call("cc1Exec", `${base}/reconcile`, jsonRequest("POST", {}))).status,
        404,
      );
    },
  );
  await t.step("bad input is a coded 400 (or 409 without drafts)", async () => {
    for (
      const [path, init, status, code] of [
        [`${base}/drafts/mine`, put({ values: { tag_system: 9 } }), 400, "MATURITY_OUT_OF_RANGE"],
        [
          `${base}/drafts/mine`,
          put({ values: { churn_rate: { value: 3, link: "javascript:x" } } }),
          400,
          "LINK_NOT_HTTP",
        ],
        [`${base}/drafts/mine`, put({ values: { no_such: 3 } }), 400, "UNKNOWN_INDICATOR"],
        [`${base}/drafts/mine`, put("{not json"), 400, "MALFORMED_JSON"],
        ["/api/assessments/CC2/2026H9/drafts/mine", put({ values: {} }), 400, "BAD_PERIOD"],
        [
          `${base}/reconcile`,
          jsonRequest("POST", { choices: { tag_system: "nobody" } }),
          400,
          "UNKNOWN_ASSESSOR",
        ],
        [
          `${base}/reconcile`,
          jsonRequest("POST", { choices: { no_such: "median" } }),
          400,
          "UNKNOWN_INDICATOR",
        ],
        [`${base}/reconcile`, jsonRequest("POST", { choices: [] }), 400, "VALIDATION_ERROR"],
        ["/api/assessments/CC2/2027H1/reconcile", jsonRequest("POST", {}), 409, "NO_DRAFTS"],
      ] as const
    ) {
      const who = path.endsWith("reconcile") ? "cc2Exec" : "consultant";
      const res = await call(who, path, init);
      assert.equal(res.status, status, `${path} ${JSON.stringify(res.body)}`);
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.error.code, code, path);
    }
  });
  await t.step("reconciling submits the chosen values, audited", async () => {
    const res = await call(
      "cc2Exec",
      `${base}/reconcile`,
      jsonRequest("POST", {
        choices: { tag_system: ids.second, churn_rate: "median" },
      }),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.assessment.status, "submitted");
    assert.equal(res.body.assessment.values.tag_system, 4);
    assert.equal(res.body.assessment.values.churn_rate, 22.5);
    assert.equal(res.body.assessment.values.app_mau_penetration, (12 + 25.99) / 2);
    assert.equal(res.body.provenance.tag_system.source, "self_reported");
    const again = await call("admin", `${base}/reconcile`, jsonRequest("POST", {}));
    assert.equal(again.status, 200);
    assert.equal(again.body.assessment.values.tag_system, 3, "the median by default");
    assert.equal(again.body.assessment.revision, 2);
    const audit = await db.selectFrom("audit_log").selectAll()
      .where("action", "=", "assessment.reconcile").orderBy("at").execute();
    assert.equal(audit.length, 2);
    assert.equal(audit[0].bank_id, "CC2");
    assert.deepEqual(audit[0].details.chosen, { tag_system: "顾问二@consult.test" });
    assert.deepEqual(audit[0].details.disagreements, ["tag_system"]);
    assert.equal(ids.consultant.length > 0, true);
  });
  await t.step("a consensus that cannot be submitted is refused with the reason", async () => {
    const path = "/api/assessments/CC2/2026H2";
    await call("consultant", `${path}/drafts/mine`, put({ values: { tag_system: 3 } }));
    const res = await call("cc2Exec", `${path}/reconcile`, jsonRequest("POST", {}));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, "CAPABILITY_INSUFFICIENT");
  });
});
