/**
 * The tenancy matrix: for every endpoint that touches bank data, anonymous callers are turned
 * away (401 JSON / redirect to /login), a user of another bank gets 404, the wrong role 403,
 * and the right role gets through.
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
  TEST_SDK_KEY,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

async function addUser(
  db: Kysely<Database>,
  email: string,
  role: Role,
  bankId: string,
  growthLead = false,
) {
  await createUser(db, {
    email,
    role,
    bankId,
    growthLead,
    passwordHash: await hashPassword("unused-password-1", 1000),
  });
  return await sessionCookie(db, email);
}

/** CC2's demo users, CC1's growth lead and executive, a non-lead growth user of CC2, the admin. */
async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  const who = {
    anonymous: "",
    admin: await sessionCookie(db, TEST_ADMIN.email),
    cc2Exec: await sessionCookie(db, DEMO_USERS.executive),
    cc2Lead: await sessionCookie(db, DEMO_USERS.growth),
    cc2Growth: await addUser(db, "growth2@cc2.test", "growth", "CC2"),
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
    cc1Lead: await addUser(db, "lead@cc1.test", "growth", "CC1", true),
    cc1Exec: await addUser(db, "exec@cc1.test", "executive", "CC1"),
  };
  const cc2Key = await db.selectFrom("sdk_keys").select("id").where("bank_id", "=", "CC2")
    .executeTakeFirstOrThrow();
  return { app, who, cc2KeyId: cc2Key.id };
}

type Who = keyof Awaited<ReturnType<typeof setUp>>["who"];

testBothBackends("tenancy matrix: dashboard, SDK keys, users, audit", async (t, { db }) => {
  const { app, who, cc2KeyId } = await setUp(db);
  const call = async (as: Who, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (who[as]) headers.set("cookie", who[as]);
    const res = await app.request(path, { ...init, headers });
    const text = await res.text();
    return {
      status: res.status,
      location: res.headers.get("location"),
      type: res.headers.get("content-type") ?? "",
      text,
    };
  };
  const expect = async (
    as: Who,
    path: string,
    init: RequestInit,
    status: number,
    code?: string,
  ) => {
    const res = await call(as, path, init);
    assert.equal(
      res.status,
      status,
      `${as} ${init.method ?? "GET"} ${path}: ${res.text.slice(0, 200)}`,
    );
    if (path.startsWith("/api/") && status >= 400) {
      assert.match(res.type, /application\/json/);
      if (code) assert.equal(JSON.parse(res.text).error.code, code);
    }
    return res;
  };

  await t.step(
    "dashboard of a bank: other bank 404, anonymous to /login, own bank and assigned consultant 200",
    async () => {
      const anon = await expect("anonymous", "/?bank=CC2", {}, 303);
      assert.equal(anon.location, "/login?next=%2F%3Fbank%3DCC2");
      await expect("cc1Exec", "/?bank=CC2", {}, 404);
      await expect("cc1Lead", "/?bank=CC2", {}, 404);
      await expect("consultant", "/?bank=CC3", {}, 404, "not assigned");
      for (const as of ["cc2Exec", "cc2Lead", "consultant", "admin"] as const) {
        const res = await expect(as, "/?bank=CC2", {}, 200);
        assert.match(res.text, /甬鑫银行/, as);
      }
      const own = await expect("cc1Exec", "/", {}, 200);
      assert.doesNotMatch(own.text, /甬鑫银行/, "CC1's executive sees CC1 by default");
      assert.doesNotMatch(own.text, /首绑短信/, "and not CC2's experiments");
      const consultantDefault = await expect("consultant", "/", {}, 200);
      assert.match(consultantDefault.text, /甬鑫银行/, "the consultant's own bank first");
      assert.match(consultantDefault.text, /data-testid="bank-picker"/);
    },
  );

  await t.step(
    "POST /api/sdk-keys: other bank 404, wrong role 403, anonymous 401, lead and admin 201",
    async () => {
      const body = (bankId: string) => jsonRequest("POST", { bankId, label: "matrix" });
      await expect("anonymous", "/api/sdk-keys", body("CC2"), 401, "UNAUTHORIZED");
      await expect("cc1Lead", "/api/sdk-keys", body("CC2"), 404, "NOT_FOUND");
      await expect("cc2Exec", "/api/sdk-keys", body("CC2"), 403, "FORBIDDEN");
      await expect("cc2Growth", "/api/sdk-keys", body("CC2"), 403, "FORBIDDEN");
      await expect("consultant", "/api/sdk-keys", body("CC2"), 403, "FORBIDDEN");
      const lead = JSON.parse((await expect("cc2Lead", "/api/sdk-keys", body("CC2"), 201)).text);
      assert.equal(lead.bankId, "CC2");
      assert.match(lead.key, /^ll_[A-Za-z0-9_-]{43}$/);
      const admin = JSON.parse((await expect("admin", "/api/sdk-keys", body("CC1"), 201)).text);
      assert.equal(admin.bankId, "CC1");
      const defaulted = JSON.parse(
        (await expect("cc1Lead", "/api/sdk-keys", jsonRequest("POST", {}), 201)).text,
      );
      assert.equal(defaulted.bankId, "CC1", "a lead's key is for their bank by default");
    },
  );

  await t.step("GET /api/sdk-keys lists only the caller's bank and never the key", async () => {
    await expect("anonymous", "/api/sdk-keys", {}, 401);
    await expect("cc2Exec", "/api/sdk-keys", {}, 403);
    const cc1 = JSON.parse((await expect("cc1Lead", "/api/sdk-keys", {}, 200)).text);
    assert.ok(cc1.keys.length >= 1);
    assert.ok(cc1.keys.every((k: { bankId: string }) => k.bankId === "CC1"));
    assert.ok(!cc1.keys.some((k: { id: string }) => k.id === cc2KeyId));
    assert.doesNotMatch(JSON.stringify(cc1), /key_hash|"key"/);
    const all = JSON.parse((await expect("admin", "/api/sdk-keys", {}, 200)).text);
    assert.ok(all.keys.some((k: { id: string }) => k.id === cc2KeyId));
  });

  await t.step(
    "DELETE /api/sdk-keys/:id: other bank 404, wrong role 403, anonymous 401, lead 200",
    async () => {
      const del = { method: "DELETE" };
      await expect("anonymous", `/api/sdk-keys/${cc2KeyId}`, del, 401);
      await expect("cc1Lead", `/api/sdk-keys/${cc2KeyId}`, del, 404, "NOT_FOUND");
      await expect("cc2Exec", `/api/sdk-keys/${cc2KeyId}`, del, 403);
      const still = await app.request("/api/v1/whoami", {
        headers: { authorization: `Bearer ${TEST_SDK_KEY}` },
      });
      assert.equal(still.status, 200, "the failed attempts did not revoke it");
      await still.body?.cancel();
      const res = JSON.parse((await expect("cc2Lead", `/api/sdk-keys/${cc2KeyId}`, del, 200)).text);
      assert.ok(res.key.revokedAt);
    },
  );

  await t.step(
    "the keys page: growth leads see their bank's keys, others' revocations are not found",
    async () => {
      const anon = await expect("anonymous", "/admin/keys", {}, 303);
      assert.match(anon.location ?? "", /^\/login\?next=/);
      await expect("cc2Exec", "/admin/keys", {}, 403);
      const page = await expect("cc1Lead", "/admin/keys", {}, 200);
      assert.doesNotMatch(page.text, /<td(?: [^>]*)?>CC2<\/td>/);
      assert.match(page.text, /<td(?: [^>]*)?>CC1<\/td>/);
      const created = await expect("cc2Lead", "/admin/keys", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "bankId=CC2&label=page",
      }, 201);
      const key = /<code class="secret">([^<]+)<\/code>/.exec(created.text)![1];
      const row = await db.selectFrom("sdk_keys").select("id").where("label", "=", "page")
        .executeTakeFirstOrThrow();
      const refused = await expect(
        "cc1Lead",
        `/admin/keys/${row.id}/revoke`,
        { method: "POST" },
        303,
      );
      assert.equal(refused.location, "/admin/keys?error=NOT_FOUND");
      const works = await app.request("/api/v1/whoami", {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.deepEqual(await works.json(), { bankId: "CC2" });
      const revoked = await expect(
        "cc2Lead",
        `/admin/keys/${row.id}/revoke`,
        { method: "POST" },
        303,
      );
      assert.equal(revoked.location, "/admin/keys?done=revoked");
      const gone = await app.request("/api/v1/whoami", {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(gone.status, 401);
      await gone.body?.cancel();
      const other = await expect("cc1Lead", "/admin/keys", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "bankId=CC2&label=nope",
      }, 400);
      assert.match(other.text, /NOT_FOUND/);
    },
  );

  await t.step("users API and admin pages: admins only", async () => {
    await expect("anonymous", "/api/users", {}, 401);
    for (const as of ["cc2Exec", "cc2Lead", "consultant"] as const) {
      await expect(as, "/api/users", {}, 403, "FORBIDDEN");
      await expect(
        as,
        "/api/users",
        jsonRequest("POST", { email: "x@y.test", password: "long-enough-pw", role: "admin" }),
        403,
      );
      await expect(as, "/admin/users", {}, 403);
      await expect(as, "/admin/audit", {}, 403);
    }
    const list = JSON.parse((await expect("admin", "/api/users", {}, 200)).text);
    assert.ok(list.users.some((u: { email: string }) => u.email === DEMO_USERS.executive));
    assert.doesNotMatch(JSON.stringify(list), /password|pbkdf2/);
    await expect("admin", "/admin/users", {}, 200);
    await expect("admin", "/admin/audit", {}, 200);
  });

  await t.step("the audit page filters by bank and action and pages", async () => {
    const res = await expect("admin", "/admin/audit?bank=CC2&action=sdk_key.revoke", {}, 200);
    assert.match(res.text, /sdk_key\.revoke/);
    assert.doesNotMatch(res.text, /<code>sdk_key\.create<\/code>/);
    await expect("admin", "/admin/audit?page=abc", {}, 200);
    await expect("admin", "/admin/audit?page=99999999", {}, 200);
  });
});

testBothBackends(
  "SDK keys are scoped to their bank and stop working when revoked",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const whoami = (authorization?: string) =>
      app.request("/api/v1/whoami", { headers: authorization ? { authorization } : {} });
    for (
      const header of [
        undefined,
        "Bearer nope",
        `Basic ${TEST_SDK_KEY}`,
        `Bearer ${TEST_SDK_KEY}x`,
        "Bearer " + "x".repeat(5000),
      ]
    ) {
      const res = await whoami(header);
      assert.equal(res.status, 401, String(header).slice(0, 40));
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.equal((await res.json()).error.code, "INVALID_SDK_KEY");
    }
    const ok = await whoami(`Bearer ${TEST_SDK_KEY}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { bankId: "CC2" });
    const used = await db.selectFrom("sdk_keys").select("last_used_at").where("bank_id", "=", "CC2")
      .executeTakeFirstOrThrow();
    assert.ok(used.last_used_at, "last use recorded");

    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const created = await (await app.request(
      "/api/sdk-keys",
      jsonRequest("POST", { bankId: "RC2" }, { cookie: admin }),
    )).json();
    assert.deepEqual(await (await whoami(`Bearer ${created.key}`)).json(), { bankId: "RC2" });
    const revoke = await app.request(`/api/sdk-keys/${created.id}`, {
      method: "DELETE",
      headers: { cookie: admin },
    });
    assert.equal(revoke.status, 200);
    assert.equal(
      (await whoami(`Bearer ${created.key}`)).status,
      401,
      "revocation takes effect at once",
    );
    assert.equal((await whoami(`Bearer ${TEST_SDK_KEY}`)).status, 200, "other keys keep working");
    const actions = await db.selectFrom("audit_log").select("action").where(
      "action",
      "like",
      "sdk_key.%",
    ).orderBy("id").execute();
    assert.deepEqual(actions.map((a) => a.action), ["sdk_key.create", "sdk_key.revoke"]);
    const cookieOnly = await app.request("/api/v1/whoami", { headers: { cookie: admin } });
    assert.equal(cookieOnly.status, 401, "a session cookie is no SDK key");
    await cookieOnly.body?.cancel();
  },
);

testBothBackends("everything requires signing in except the public list", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  for (
    const path of [
      "/",
      "/banks",
      "/peers",
      "/experiments",
      "/campaigns",
      "/admin/users",
      "/admin/keys",
      "/admin/audit",
      "/no/such/page",
    ]
  ) {
    const res = await app.request(path);
    assert.equal(res.status, 303, path);
    assert.equal(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  }
  for (const path of ["/api/auth/me", "/api/users", "/api/sdk-keys", "/api/nothing-here", "/api"]) {
    const res = await app.request(path);
    assert.equal(res.status, 401, path);
    assert.equal((await res.json()).error.code, "UNAUTHORIZED");
  }
  for (
    const path of [
      "/login",
      "/healthz",
      "/tools/calculator",
      "/tools/bandit-simulator",
      "/static/app.css",
      "/favicon.ico",
    ]
  ) {
    const res = await app.request(path);
    assert.equal(res.status, 200, path);
    await res.body?.cancel();
  }
  const lang = await app.request("/lang/en?next=%2F");
  assert.equal(lang.status, 303);
  assert.equal(lang.headers.get("location"), "/");
  const score = await app.request("/api/lens/score", jsonRequest("POST", { values: {} }));
  assert.notEqual(score.status, 401);
  await score.body?.cancel();
});
