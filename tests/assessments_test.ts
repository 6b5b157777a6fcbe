/**
 * Assessments and peers over HTTP: tenancy (anonymous 401, another bank's user 404, the wrong
 * role 403), coded 400s for bad input, all-or-nothing CSV imports with errors by line and
 * column, history, and the privacy rule in the peer API and its export. Both backends.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database, Role } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import {
  createTestApp,
  DEMO_USERS,
  jsonRequest,
  sessionCookie,
  TEST_ADMIN,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import demoBanks from "../lib/lens/demo-banks.json" with { type: "json" };

/** A demo bank's complete figures (every capability scorable), as a submission needs them. */
function completeValues(bankId: string): Record<string, number> {
  const bank = demoBanks.find((b) => b.id === bankId)!;
  return Object.fromEntries(
    Object.entries(bank.values).filter((e): e is [string, number] => e[1] !== null),
  );
}

async function addUser(db: Kysely<Database>, email: string, role: Role, bankId: string) {
  const passwordHash = await hashPassword("unused-password-1", 1000);
  await createUser(db, { email, role, bankId, passwordHash });
  return await sessionCookie(db, email);
}

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  const who = {
    anonymous: "",
    admin: await sessionCookie(db, TEST_ADMIN.email),
    cc2Exec: await sessionCookie(db, DEMO_USERS.executive),
    consultant: await sessionCookie(db, DEMO_USERS.consultant), // CC2, CC1, RC2
    cc1Exec: await addUser(db, "exec@cc1.test", "executive", "CC1"),
  };
  const call = async (as: keyof typeof who, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (who[as]) headers.set("cookie", who[as]);
    const res = await app.request(path, { ...init, headers });
    const type = res.headers.get("content-type") ?? "";
    const body = type.includes("json") ? await res.json() : await res.text();
    return { status: res.status, type, body };
  };
  return { app, who, call };
}

const csvRequest = (text: string) => ({
  method: "POST",
  headers: { "content-type": "text/csv" },
  body: text,
});

async function countAssessments(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("assessments").select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

testBothBackends("assessment API: tenancy on every endpoint", async (t, { db }) => {
  const { call } = await setUp(db);
  const put = jsonRequest("PUT", { values: { tag_system: 3 }, status: "draft" });
  await t.step("anonymous callers get 401 JSON", async () => {
    for (const path of ["/api/assessments", "/api/assessments/CC2/FY2024", "/api/peers"]) {
      const res = await call("anonymous", path);
      assert.equal(res.status, 401, path);
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.error.code, "UNAUTHORIZED");
    }
  });
  await t.step("another bank's executive gets 404 for CC2, never 403", async () => {
    for (
      const [path, init] of [
        ["/api/assessments/CC2/FY2024", {}],
        ["/api/assessments/CC2/FY2024/revisions", {}],
        ["/api/assessments/CC2/2025H1", put],
        ["/api/peers?bankId=CC2", {}],
        ["/api/peers/export.csv?bankId=CC2", {}],
      ] as const
    ) {
      const res = await call("cc1Exec", path, init);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, "NOT_FOUND");
    }
  });
  await t.step("an executive reads own bank only and may not edit it (403)", async () => {
    const list = await call("cc1Exec", "/api/assessments");
    assert.equal(list.status, 200);
    assert.deepEqual([...new Set(list.body.assessments.map((a: { bankId: string }) => a.bankId))], [
      "CC1",
    ]);
    const csv = await call("cc1Exec", "/api/assessments/export.csv");
    assert.equal(csv.status, 200);
    assert.match(csv.type, /text\/csv/);
    const lines = (csv.body as string).trim().split("\r\n");
    assert.equal(lines.length, 2);
    assert.match(lines[1], /^CC1,FY2024,/);
    assert.equal((await call("cc1Exec", "/api/assessments/CC1/2025H1", put)).status, 403);
    const imported = await call("cc1Exec", "/api/assessments/import", csvRequest("x"));
    assert.equal(imported.status, 403);
  });
  await t.step("the consultant reads assigned banks only", async () => {
    const list = await call("consultant", "/api/assessments");
    const banks = new Set(list.body.assessments.map((a: { bankId: string }) => a.bankId));
    assert.deepEqual([...banks].sort(), ["CC1", "CC2", "RC2"]);
    assert.equal((await call("consultant", "/api/assessments/SOE1/FY2024")).status, 404);
  });
});

testBothBackends("assessment API: save, submit, history and coded 400s", async (t, { db }) => {
  const { call } = await setUp(db);
  const save = (period: string, body: unknown) =>
    call("consultant", `/api/assessments/CC2/${period}`, jsonRequest("PUT", body));
  await t.step("a draft then a submission make two revisions", async () => {
    const draft = await save("2025H1", {
      values: { tag_system: 3, app_mau_penetration: 30 },
      notApplicable: { privacy_computing: "No cross-institution projects this year" },
      evidence: { tag_system: "Tag platform launched March 2025" },
      status: "draft",
    });
    assert.equal(draft.status, 200, JSON.stringify(draft.body));
    assert.equal(draft.body.assessment.revision, 1);
    assert.equal(draft.body.assessment.modelVersion, "1.0.0");
    // A submission needs every capability scorable (issue 13): the demo figures, with a change.
    const values = { ...completeValues("CC2"), tag_system: 4 };
    const submitted = await save("2025H1", { values, status: "submitted" });
    assert.equal(submitted.body.assessment.revision, 2);
    assert.equal(submitted.body.assessment.status, "submitted");
    const history = await call("consultant", "/api/assessments/CC2/2025H1/revisions");
    assert.deepEqual(history.body.revisions.map((r: { revision: number }) => r.revision), [2, 1]);
    assert.equal(history.body.revisions[1].evidence.tag_system, "Tag platform launched March 2025");
    assert.equal(history.body.revisions[0].changedBy, DEMO_USERS.consultant);
  });
  await t.step("bad input is refused with a coded 400", async () => {
    const cases: [string, unknown, string][] = [
      ["2025H1", { values: { no_such: 1 }, status: "draft" }, "UNKNOWN_INDICATOR"],
      ["2025H1", { values: { tag_system: 6 }, status: "draft" }, "MATURITY_OUT_OF_RANGE"],
      ["2025H3", { values: {}, status: "draft" }, "BAD_PERIOD"],
      [
        "2025H1",
        { values: {}, notApplicable: { app_mau_penetration: "n/a" }, status: "draft" },
        "NA_NOT_ALLOWED",
      ],
      [
        "2025H1",
        { values: {}, notApplicable: { optout_effective_hours: "n/a" }, status: "draft" },
        "NA_CRITICAL",
      ],
      [
        "2025H1",
        { values: {}, notApplicable: { tag_system: " " }, status: "draft" },
        "NA_JUSTIFICATION_EMPTY",
      ],
      ["2025H1", { values: {}, status: "final" }, "VALIDATION_ERROR"],
    ];
    for (const [period, body, code] of cases) {
      const res = await save(period, body);
      assert.equal(res.status, 400, code);
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.error.code, code);
    }
  });
});

testBothBackends(
  "CSV import is all-or-nothing with errors by line and column",
  async (t, { db }) => {
    const { call } = await setUp(db);
    const header = "bank_id,period,app_mau_penetration,tag_system,marketing_consent_coverage";
    await t.step("a file with bad rows imports nothing and lists every error", async () => {
      const before = await countAssessments(db);
      const csv = [
        header,
        "CC2,2025H1,30,3,95",
        "CC1,2025H1,abc,3,95",
        "RC2,2025H5,30,NA:,95",
        "SOE1,2025H1,30,3,95",
        "CC2,2025H1,30,3,NA:no",
      ].join("\n");
      const res = await call("consultant", "/api/assessments/import?status=draft", csvRequest(csv));
      assert.equal(res.status, 400);
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.error.code, "CSV_INVALID");
      const found = res.body.error.errors.map((e: { line: number; column: string; code: string }) =>
        `${e.line}:${e.column}:${e.code}`
      );
      assert.deepEqual(found, [
        "3:app_mau_penetration:NOT_A_NUMBER",
        "4:period:BAD_PERIOD",
        "4:tag_system:NA_JUSTIFICATION_EMPTY",
        "5:bank_id:UNKNOWN_BANK",
        "6:marketing_consent_coverage:NA_CRITICAL",
        "6:period:DUPLICATE_ROW",
      ]);
      assert.equal(await countAssessments(db), before, "nothing half-imported");
    });
    await t.step("unknown indicator columns are refused on line 1", async () => {
      const res = await call(
        "consultant",
        "/api/assessments/import",
        csvRequest("bank_id,period,foo\nCC2,2025H1,1\n"),
      );
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.error.errors[0], {
        line: 1,
        column: "foo",
        code: "UNKNOWN_INDICATOR",
        message: 'Unknown indicator "foo"',
      });
    });
    await t.step("a good file imports every row in one go, audited", async () => {
      const before = await countAssessments(db);
      const csv = `${header}\nCC2,2025H1,30,3,95\nCC1,2025H1,25,NA:outsourced to a vendor,90\n`;
      const res = await call("consultant", "/api/assessments/import?status=draft", csvRequest(csv));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.imported.length, 2);
      assert.equal(await countAssessments(db), before + 2);
      const cc1 = await call("consultant", "/api/assessments/CC1/2025H1");
      assert.equal(cc1.body.assessment.notApplicable.tag_system, "outsourced to a vendor");
      const audit = await db.selectFrom("audit_log").select("target")
        .where("action", "=", "assessment.import").execute();
      assert.deepEqual(audit.map((a) => a.target).sort(), ["CC1/2025H1", "CC2/2025H1"]);
      const back = await call("consultant", "/api/assessments/export.csv?period=2025H1");
      assert.match(back.body as string, /\r\nCC1,2025H1,25,/);
      assert.match(back.body as string, /NA:outsourced to a vendor/);
    });
  },
);

testBothBackends(
  "peer API applies the privacy rule and names only banks in scope",
  async (t, { db }) => {
    const { call } = await setUp(db);
    await t.step("a group of 2 falls back to all banks", async () => {
      const res = await call("cc2Exec", "/api/peers?group=foreign");
      assert.equal(res.status, 200);
      const overall = res.body.figures.find((f: { id: string }) => f.id === "overall");
      assert.equal(overall.summary.reason, "FALLBACK");
      assert.equal(overall.summary.group, "all");
      assert.equal(overall.summary.n, 20);
      assert.equal(typeof overall.summary.p10, "number", "deciles from 10 banks");
    });
    await t.step("a group of 5 shows quartiles but no deciles, never min or max", async () => {
      const res = await call("cc2Exec", "/api/peers?group=city_commercial&bankId=CC2");
      const overall = res.body.figures.find((f: { id: string }) => f.id === "overall");
      assert.equal(overall.summary.n, 5);
      assert.equal(overall.summary.p10, null);
      assert.ok(!("min" in overall.summary) && !("max" in overall.summary));
      assert.deepEqual(res.body.ranking.entries.map((e: { bankId: string }) => e.bankId), ["CC2"]);
      assert.equal(res.body.ranking.n, 5);
      const csv = await call("cc2Exec", "/api/peers/export.csv?group=city_commercial&bankId=CC2");
      assert.match(csv.type, /text\/csv/);
      const [head, first] = (csv.body as string).split("\r\n");
      assert.equal(
        head,
        "kind,id,requested_group,group,reason,n,q1,median,q3,p10,p90,direction,leaders,bank_id,bank_value,bank_percentile",
      );
      assert.match(
        first,
        /^overall,overall,city_commercial,city_commercial,OWN_GROUP,5,[\d.]+,[\d.]+,[\d.]+,,,higher_better,[\d.]+,CC2,/,
      );
      assert.doesNotMatch(csv.body as string, /CC1|CC3|CC4|CC5/);
    });
    await t.step("an unknown group is a 400", async () => {
      const res = await call("cc2Exec", "/api/peers?group=martians");
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, "UNKNOWN_GROUP");
    });
  },
);
