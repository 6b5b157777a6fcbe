/**
 * Text the database cannot store (a NUL, a lone high or low surrogate) in any field a client
 * sends: every endpoint that stores text answers 4xx with the code `INVALID_TEXT` (pages: 400,
 * or the admin forms' redirect naming it), nothing is half-stored (every table keeps its row
 * count), an event batch rejects only the bad event, and an opt-out batch is refused whole.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../db/schema.ts";
import { INDICATORS } from "../lib/lens/model.ts";
import type { AppEnv } from "../plugins/context.ts";
import { onError } from "../plugins/errors.ts";
import {
  createSessionApp,
  expectJson,
  jsonRequest,
  sessionCookie,
  TEST_ADMIN,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { SDK_AUTH, sdkCall } from "./helpers/sdk.ts";

/** The three kinds of unstorable text, each inside otherwise ordinary text. */
const BAD = { nul: "甬鑫\u0000C000000001", high: "张三\ud83d", low: "\udc9b李四" } as const;
const NA_ID = INDICATORS.find((i) => i.na_allowed_with_justification && !i.critical)!.id;
const METRIC_ID = INDICATORS[0].id;
const STRONG_PASSWORD = "Zq8#mW2!pL5vR9xT";

/** Rows per table: a refused request must leave every one as it was. */
async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { table_name } of rows) {
    const result = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)}`
      .execute(db);
    counts[table_name] = Number(result.rows[0].n);
  }
  return counts;
}

type App = Awaited<ReturnType<typeof createSessionApp>>["app"];
interface Cookies {
  growth: string;
  consultant: string;
  admin: string;
}
/** A JSON endpoint that stores text, with `bad` put in one field. */
interface JsonCase {
  name: string;
  send: (app: App, cookies: Cookies, bad: string) => Response | Promise<Response>;
}

const json = (method: string, path: string, body: unknown, cookie?: string) => (app: App) =>
  app.request(path, jsonRequest(method, body, cookie ? { cookie } : SDK_AUTH));

const experiment = (patch: Record<string, unknown>) => ({
  key: "fuzz-exp",
  name: "短信欢迎礼",
  variants: [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }],
  ...patch,
});

const JSON_CASES: JsonCase[] = [
  {
    name: "POST /api/v1/opt-outs units",
    send: (app, _, bad) => json("POST", "/api/v1/opt-outs", { units: ["oo-1", bad] })(app),
  },
  {
    name: "PUT /api/v1/customers unit",
    send: (app, _, bad) =>
      json("PUT", "/api/v1/customers", { customers: [{ unit: "C1" }, { unit: bad }] })(app),
  },
  {
    name: "PUT /api/v1/customers stage",
    send: (app, _, bad) =>
      json("PUT", "/api/v1/customers", { customers: [{ unit: "C1", attributes: { stage: bad } }] })(
        app,
      ),
  },
  {
    name: "PUT /api/v1/customers tags",
    send: (app, _, bad) =>
      json("PUT", "/api/v1/customers", {
        customers: [{ unit: "C1", attributes: { tags: ["vip", bad] } }],
      })(app),
  },
  {
    name: "POST /api/v1/assignments units",
    send: (app, _, bad) =>
      json("POST", "/api/v1/assignments", { experiment: "welcome-sms", units: ["C1", bad] })(app),
  },
  {
    name: "POST /api/experiments name",
    send: (app, c, bad) =>
      json("POST", "/api/experiments", experiment({ name: bad }), c.growth)(app),
  },
  {
    name: "POST /api/experiments variant description",
    send: (app, c, bad) =>
      json(
        "POST",
        "/api/experiments",
        experiment({
          variants: [{ name: "control", weight: 1, description: bad }, { name: "b", weight: 1 }],
        }),
        c.growth,
      )(app),
  },
  {
    name: "POST /api/experiments targeting tag",
    send: (app, c, bad) =>
      json("POST", "/api/experiments", experiment({ targeting: { tags: [bad] } }), c.growth)(app),
  },
  {
    name: "POST /api/experiments metric name",
    send: (app, c, bad) =>
      json(
        "POST",
        "/api/experiments",
        experiment({ primaryMetric: { type: "conversion", name: bad } }),
        c.growth,
      )(app),
  },
  {
    name: "POST /api/experiments guardrail name",
    send: (app, c, bad) =>
      json(
        "POST",
        "/api/experiments",
        experiment({
          guardrails: [{ name: bad, type: "conversion", direction: "lower_is_better" }],
        }),
        c.growth,
      )(app),
  },
  {
    name: "PATCH /api/experiments/:key name",
    send: (app, c, bad) =>
      json("PATCH", "/api/experiments/fuzz-draft", { name: bad }, c.growth)(app),
  },
  {
    name: "POST /api/experiments/:key/decide winner",
    send: (app, c, bad) =>
      json("POST", "/api/experiments/welcome-sms/decide", { winner: bad }, c.growth)(app),
  },
  {
    name: "POST /api/campaigns name",
    send: (app, c, bad) =>
      json("POST", "/api/campaigns", { name: bad, channel: "sms" }, c.growth)(app),
  },
  {
    name: "POST /api/campaigns description",
    send: (app, c, bad) =>
      json(
        "POST",
        "/api/campaigns",
        { name: "开户礼", channel: "sms", description: bad },
        c.growth,
      )(
        app,
      ),
  },
  {
    name: "POST /api/sdk-keys label",
    send: (app, c, bad) =>
      json("POST", "/api/sdk-keys", { bankId: "CC2", label: bad }, c.admin)(app),
  },
  {
    name: "POST /api/users displayName",
    send: (app, c, bad) =>
      json("POST", "/api/users", {
        email: "fuzz@cc2.demo",
        password: STRONG_PASSWORD,
        role: "executive",
        bankId: "CC2",
        displayName: bad,
      }, c.admin)(app),
  },
  {
    name: "PUT /api/assessments evidence",
    send: (app, c, bad) =>
      json("PUT", "/api/assessments/CC2/2025Q4", {
        values: { [METRIC_ID]: 1 },
        evidence: { [METRIC_ID]: bad },
        status: "draft",
      }, c.consultant)(app),
  },
  {
    name: "PUT /api/assessments N/A justification",
    send: (app, c, bad) =>
      json("PUT", "/api/assessments/CC2/2025Q4", {
        values: {},
        notApplicable: { [NA_ID]: bad },
        status: "draft",
      }, c.consultant)(app),
  },
  {
    name: "PUT /api/assessments indicator id",
    send: (app, c, bad) =>
      json(
        "PUT",
        "/api/assessments/CC2/2025Q4",
        { values: { [bad]: 1 }, status: "draft" },
        c.consultant,
      )(
        app,
      ),
  },
  {
    name: "POST /api/auth/login email",
    send: (app, _, bad) => json("POST", "/api/auth/login", { email: bad, password: "x" }, "")(app),
  },
];

/** HTML forms (NUL only: a browser cannot put a lone surrogate in a form post). */
const FORM_CASES: Array<
  { name: string; path: string; cookie: keyof Cookies; body: string; expect: RegExp | 400 }
> = [
  {
    name: "POST /experiments name",
    path: "/experiments",
    cookie: "growth",
    body: "key=fuzz-form&name=%00&variant-name-0=control&variant-weight-0=50" +
      "&variant-name-1=coupon&variant-weight-1=50",
    expect: 400,
  },
  {
    name: "POST /campaigns name",
    path: "/campaigns",
    cookie: "growth",
    body: "name=a%00&channel=sms",
    expect: 400,
  },
  {
    name: "POST /admin/keys label",
    path: "/admin/keys",
    cookie: "admin",
    body: "bankId=CC2&label=%00",
    expect: 400,
  },
  {
    name: "POST /admin/users displayName",
    path: "/admin/users",
    cookie: "admin",
    body: `email=form%40cc2.demo&password=${encodeURIComponent(STRONG_PASSWORD)}` +
      "&role=executive&bankId=CC2&displayName=%00",
    expect: /error=INVALID_TEXT/,
  },
  {
    name: "POST /banks/:id/assessments/:period evidence",
    path: "/banks/CC2/assessments/2025Q4",
    cookie: "consultant",
    body: `v%3A${METRIC_ID}=1&e%3A${METRIC_ID}=%00&status=draft`,
    expect: 400,
  },
  {
    name: "POST /banks/:id/assessments/:period N/A justification",
    path: "/banks/CC2/assessments/2025Q4",
    cookie: "consultant",
    body: `na%3A${NA_ID}=on&naj%3A${NA_ID}=%00&status=draft`,
    expect: 400,
  },
  {
    name: "POST /banks/:id/assessments/:period v:constructor",
    path: "/banks/CC2/assessments/2025Q4",
    cookie: "consultant",
    body: `v%3Aconstructor=1&v%3A__proto__=1&e%3Aconstructor=x&status=draft`,
    expect: 400,
  },
  {
    name: "POST /login email",
    path: "/login",
    cookie: "growth",
    body: "email=%00&password=x",
    expect: 400,
  },
];

/** Look-ups by a NUL in the path or query: nothing to store, never a 500. */
const LOOKUPS: Array<{ path: string; cookie: keyof Cookies }> = [
  { path: "/admin/audit?bank=%00", cookie: "admin" },
  { path: "/admin/audit?action=%00", cookie: "admin" },
  { path: "/?bank=%00", cookie: "admin" },
  { path: "/peers?bankId=%00", cookie: "admin" },
  { path: "/banks/%00", cookie: "admin" },
  { path: "/experiments/welcome-sms?bank=%00", cookie: "admin" },
  { path: "/api/experiments/welcome-sms?bank=%00", cookie: "admin" },
  { path: "/api/assessments?bankId=%00", cookie: "admin" },
  { path: "/api/v1/experiments/welcome-sms/assignment?unit=C1%00", cookie: "admin" },
];

testBothBackends(
  "unstorable text is refused with INVALID_TEXT and nothing is stored",
  async (t, { db }) => {
    const { app, growth, consultant } = await createSessionApp(db);
    const cookies: Cookies = {
      growth,
      consultant,
      admin: await sessionCookie(db, TEST_ADMIN.email),
    };
    const draft = await app.request(
      "/api/experiments",
      jsonRequest("POST", experiment({ key: "fuzz-draft" }), { cookie: growth }),
    );
    await expectJson(draft, 201);

    for (const c of JSON_CASES) {
      for (const [kind, bad] of Object.entries(BAD)) {
        await t.step(`${c.name} with ${kind}`, async () => {
          const before = await rowCounts(db);
          const body = await expectJson(await c.send(app, cookies, bad), 400);
          assert.equal(body.error.code, "INVALID_TEXT", JSON.stringify(body));
          assert.ok(body.error.message.isWellFormed() && !body.error.message.includes("\u0000"));
          assert.deepEqual(await rowCounts(db), before);
        });
      }
    }

    for (const c of FORM_CASES) {
      await t.step(c.name, async () => {
        const before = await rowCounts(db);
        const res = await app.request(c.path, {
          method: "POST",
          headers: {
            cookie: c.path === "/login" ? "" : cookies[c.cookie],
            "content-type": "application/x-www-form-urlencoded",
          },
          body: c.body,
        });
        await res.body?.cancel();
        if (c.expect === 400) assert.equal(res.status, 400);
        else {
          assert.equal(res.status, 303);
          assert.match(res.headers.get("location") ?? "", c.expect);
        }
        assert.deepEqual(await rowCounts(db), before);
      });
    }

    await t.step("a CSV import with an unstorable N/A justification imports nothing", async () => {
      // NUL only: a CSV is UTF-8 bytes, where a lone surrogate cannot be written.
      for (const bad of [BAD.nul]) {
        const csv = `bank_id,period,${METRIC_ID},${NA_ID}\nCC2,2025Q4,12,NA:${bad}\n`;
        const before = await rowCounts(db);
        const res = await app.request("/api/assessments/import", {
          method: "POST",
          headers: { cookie: consultant, "content-type": "text/csv" },
          body: csv,
        });
        const body = await expectJson(res, 400);
        assert.equal(body.error.code, "CSV_INVALID");
        const codes = body.error.errors.map((e: { code: string }) => e.code);
        assert.ok(codes.includes("INVALID_TEXT"), codes.join());
        assert.deepEqual(await rowCounts(db), before);
      }
      const form = new FormData();
      const csv = `bank_id,period,${METRIC_ID},${NA_ID}\nCC2,2025Q4,12,NA:a\u0000b\n`;
      form.set("file", new File([csv], "import.csv", { type: "text/csv" }));
      const before = await rowCounts(db);
      const page = await app.request("/banks/CC2/assessments/import", {
        method: "POST",
        headers: { cookie: consultant },
        body: form,
      });
      assert.ok(page.status < 500, String(page.status));
      assert.match(await page.text(), /INVALID_TEXT|NUL/);
      assert.deepEqual(await rowCounts(db), before);
    });

    await t.step("the session API says it in the reader's language", async () => {
      const campaign = (cookie: string) =>
        app.request(
          "/api/campaigns",
          jsonRequest("POST", { name: BAD.nul, channel: "sms" }, { cookie }),
        );
      const zh = await expectJson(await campaign(growth), 400);
      assert.equal(zh.error.message, "“name”不能包含空字符（U+0000）");
      const en = await expectJson(await campaign(`${growth}; lang=en`), 400);
      assert.equal(en.error.message, '"name" must not contain the NUL character (U+0000)');
    });

    await t.step("look-ups by a NUL never answer 500", async () => {
      for (const { path, cookie } of LOOKUPS) {
        const headers = path.startsWith("/api/v1/") ? SDK_AUTH : { cookie: cookies[cookie] };
        const res = await app.request(path, { headers });
        await res.body?.cancel();
        assert.ok(res.status < 500, `${path}: ${res.status}`);
      }
    });

    await t.step("the experiment form names INVALID_TEXT in the reader's language", async () => {
      const res = await app.request("/experiments", {
        method: "POST",
        headers: {
          cookie: `${growth}; lang=en`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "key=fuzz-lang&name=a%00&variant-name-0=control&variant-weight-0=50" +
          "&variant-name-1=coupon&variant-weight-1=50",
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /&quot;name&quot; must not contain the NUL character/);
    });
  },
);

testBothBackends(
  "one unstorable event is rejected on its own; the batch is stored",
  async (t, { db }) => {
    const { app } = await createSessionApp(db);
    for (const [kind, bad] of Object.entries(BAD)) {
      await t.step(kind, async () => {
        const events = [
          { id: `${kind}-1`, type: "exposure", experiment: "welcome-sms", unit: `C${kind}01` },
          { id: bad, type: "exposure", experiment: "welcome-sms", unit: `C${kind}02` },
          { id: `${kind}-3`, type: "exposure", experiment: "welcome-sms", unit: bad },
          { id: `${kind}-4`, type: "conversion", experiment: "welcome-sms", unit: `C${kind}01` },
        ];
        for (let attempt = 0; attempt < 2; attempt++) {
          const res = await sdkCall(app, "POST", "/api/v1/events", { events });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.deepEqual(res.body.rejected.map((r: { index: number }) => r.index), [1, 2]);
          for (const r of res.body.rejected) assert.equal(r.error.code, "INVALID_TEXT");
          assert.match(res.body.rejected[0].error.message, /^"id" /);
          assert.match(res.body.rejected[1].error.message, /^"unit" /);
          assert.equal(res.body.accepted + res.body.duplicates, 2);
          assert.equal(res.body.duplicates, attempt === 0 ? 0 : 2);
        }
      });
    }
  },
);

testBothBackends(
  "an opt-out batch with one unstorable unit is refused whole, then holds",
  async (_t, { db }) => {
    const { app } = await createSessionApp(db);
    const assignment = (unit: string) =>
      sdkCall(app, "GET", `/api/v1/experiments/welcome-sms/assignment?unit=${unit}`);
    for (const bad of Object.values(BAD)) {
      const refused = await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["oo-1", bad] });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, "INVALID_TEXT");
      assert.equal((await assignment("oo-1")).body.reason, "assigned");
    }
    const done = await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["oo-1"] });
    assert.equal(done.status, 200);
    assert.equal((await assignment("oo-1")).body.reason, "opted_out");
  },
);

testBothBackends(
  "the error plugin answers PostgreSQL's refusals of text with 400 INVALID_TEXT",
  async (t, { db }) => {
    const app = new Hono<AppEnv>();
    app.post("/api/store", async (c) => {
      const { text, json } = await c.req.json();
      if (text !== undefined) await sql`select ${text}::text as v`.execute(db);
      else await sql`select ${json}::jsonb as v`.execute(db);
      return c.json({ stored: true });
    });
    app.onError(onError);
    const cases: Array<[string, unknown, string]> = [
      ["a NUL in text (22021)", { text: BAD.nul }, "NUL"],
      ["a NUL in jsonb (22P05)", { json: { name: BAD.nul } }, "NUL"],
      ["a lone high surrogate in jsonb (22P02)", { json: { name: BAD.high } }, "LONE_SURROGATE"],
      ["a lone low surrogate in jsonb (22P02)", { json: { name: BAD.low } }, "LONE_SURROGATE"],
    ];
    for (const [name, body, problem] of cases) {
      await t.step(name, async () => {
        // In English (the error plugin says errors in the reader's language, Chinese by default).
        const res = await app.request(
          "/api/store",
          jsonRequest("POST", body, { "accept-language": "en" }),
        );
        const answer = await expectJson(res, 400);
        assert.equal(answer.error.code, "INVALID_TEXT");
        const expected = problem === "NUL" ? /NUL character/ : /unpaired surrogate/;
        assert.match(answer.error.message, expected);
      });
    }
  },
);
