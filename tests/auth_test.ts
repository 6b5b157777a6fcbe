import assert from "node:assert/strict";
import {
  createTestApp,
  DEMO_PASSWORD,
  DEMO_USERS,
  jsonRequest,
  login,
  sessionCookie,
  sessionCookieOf,
  TEST_ADMIN,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const HOUR = 3600_000;

/** A clock the test moves by hand. */
function manualClock(start = Date.parse("2026-03-02T08:00:00Z")) {
  const clock = {
    t: start,
    now: () => new Date(clock.t),
    advance: (ms: number) => (clock.t += ms),
  };
  return clock;
}

function form(fields: Record<string, string>) {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

testBothBackends(
  "the seeded admin signs in with an HttpOnly, SameSite=Lax session cookie",
  async (_t, { db }) => {
    const { app } = await createTestApp(db, { demo: false });
    const res = await app.request("/api/auth/login", jsonRequest("POST", TEST_ADMIN));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.equal((await res.json()).user.role, "admin");
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("ll_session="))!;
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.doesNotMatch(setCookie, /Secure/i, "plain http: no Secure flag");
    const token = setCookie.split(";")[0].split("=")[1];
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, "256 random bits, base64url");
    const stored = await db.selectFrom("sessions").select("token_hash").execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].token_hash, token, "only the hash is stored");
    assert.match(stored[0].token_hash, /^[0-9a-f]{64}$/);

    const me = await app.request("/api/auth/me", { headers: { cookie: setCookie.split(";")[0] } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).user.email, TEST_ADMIN.email);
    const audit = await db.selectFrom("audit_log").select(["action", "actor"]).where(
      "action",
      "=",
      "auth.login.success",
    )
      .execute();
    assert.deepEqual(audit, [{ action: "auth.login.success", actor: TEST_ADMIN.email }]);
  },
);

testBothBackends(
  "the session cookie is Secure over HTTPS, and X-Forwarded-Proto counts only behind a trusted proxy",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const body = { email: DEMO_USERS.executive, password: DEMO_PASSWORD };
    const https = await app.request(
      "https://lensloop.example/api/auth/login",
      jsonRequest("POST", body),
    );
    assert.match(https.headers.getSetCookie().join("\n"), /ll_session=[^;]+;.*Secure/i);
    const forwarded = await app.request(
      "/api/auth/login",
      jsonRequest("POST", body, { "x-forwarded-proto": "https" }),
    );
    assert.doesNotMatch(forwarded.headers.getSetCookie().join("\n"), /Secure/i);
    const trusted = await createTestApp(db, { trustProxy: true });
    const behindProxy = await trusted.app.request(
      "/api/auth/login",
      jsonRequest("POST", body, { "x-forwarded-proto": "https" }),
    );
    assert.match(behindProxy.headers.getSetCookie().join("\n"), /Secure/i);
  },
);

testBothBackends(
  "a wrong password or unknown email gets 401 INVALID_CREDENTIALS and is audited",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    for (
      const body of [{ email: DEMO_USERS.executive, password: "wrong-password-1" }, {
        email: "nobody@x.test",
        password: "whatever-123",
      }]
    ) {
      const res = await app.request("/api/auth/login", jsonRequest("POST", body));
      assert.equal(res.status, 401);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.equal((await res.json()).error.code, "INVALID_CREDENTIALS");
      assert.equal(sessionCookieOf(res), null);
    }
    const failures = await db.selectFrom("audit_log").select(["target", "bank_id"]).where(
      "action",
      "=",
      "auth.login.failure",
    )
      .orderBy("id").execute();
    assert.deepEqual(failures, [{ target: DEMO_USERS.executive, bank_id: "CC2" }, {
      target: "nobody@x.test",
      bank_id: null,
    }]);
  },
);

testBothBackends("signing in rotates the session; logout revokes it", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  const first = await login(app, DEMO_USERS.growth, DEMO_PASSWORD);
  const res = await app.request(
    "/api/auth/login",
    jsonRequest("POST", { email: DEMO_USERS.growth, password: DEMO_PASSWORD }, { cookie: first }),
  );
  const second = sessionCookieOf(res)!;
  assert.notEqual(second, first);
  assert.equal(
    (await app.request("/api/auth/me", { headers: { cookie: first } })).status,
    401,
    "the old one is revoked",
  );
  assert.equal((await app.request("/api/auth/me", { headers: { cookie: second } })).status, 200);

  const out = await app.request("/api/auth/logout", {
    method: "POST",
    headers: { cookie: second },
  });
  assert.equal(out.status, 204);
  assert.match(out.headers.getSetCookie().join("\n"), /ll_session=;/);
  const after = await app.request("/api/auth/me", { headers: { cookie: second } });
  assert.equal(after.status, 401);
  assert.equal((await after.json()).error.code, "UNAUTHORIZED");

  const third = await login(app, DEMO_USERS.growth, DEMO_PASSWORD);
  const formOut = await app.request("/logout", { method: "POST", headers: { cookie: third } });
  assert.equal(formOut.status, 303);
  assert.equal(formOut.headers.get("location"), "/login");
  assert.equal((await app.request("/", { headers: { cookie: third } })).status, 303);
  const actions = await db.selectFrom("audit_log").select("action").where(
    "action",
    "=",
    "auth.logout",
  ).execute();
  assert.equal(actions.length, 2);
});

testBothBackends(
  "a session expires after 12 idle hours, and after 7 days however active",
  async (_t, { db }) => {
    const clock = manualClock();
    const { app } = await createTestApp(db, { now: clock.now });
    const me = async (cookie: string) =>
      (await app.request("/api/auth/me", { headers: { cookie } })).status;

    const idle = await login(app, DEMO_USERS.executive, DEMO_PASSWORD);
    clock.advance(11 * HOUR);
    assert.equal(await me(idle), 200, "11 hours idle: still valid, and the use slides the window");
    clock.advance(11 * HOUR);
    assert.equal(await me(idle), 200);
    clock.advance(12 * HOUR + 1);
    assert.equal(await me(idle), 401, "12 hours idle: expired");

    const busy = await login(app, DEMO_USERS.executive, DEMO_PASSWORD);
    for (let hours = 0; hours < 7 * 24 - 10; hours += 10) {
      clock.advance(10 * HOUR);
      assert.equal(await me(busy), 200, `after ${hours + 10} hours of activity`);
    }
    clock.advance(10 * HOUR);
    assert.equal(await me(busy), 401, "past 7 days: expired");
  },
);

testBothBackends("last_seen_at is written at most once a minute", async (_t, { db }) => {
  const clock = manualClock();
  const { app } = await createTestApp(db, { now: clock.now });
  const cookie = await sessionCookie(db, DEMO_USERS.executive, clock.now());
  const lastSeen = async () =>
    (await db.selectFrom("sessions").select("last_seen_at").executeTakeFirstOrThrow()).last_seen_at
      .getTime();
  const before = await lastSeen();
  clock.advance(30_000);
  await app.request("/api/auth/me", { headers: { cookie } });
  assert.equal(await lastSeen(), before);
  clock.advance(31_000);
  await app.request("/api/auth/me", { headers: { cookie } });
  assert.equal(await lastSeen(), clock.t);
});

testBothBackends(
  "disabling a user revokes their sessions and refuses sign-in until enabled",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const growth = await login(app, DEMO_USERS.growth, DEMO_PASSWORD);
    const user = await db.selectFrom("users").select("id").where("email", "=", DEMO_USERS.growth)
      .executeTakeFirstOrThrow();

    const disable = await app.request(
      `/api/users/${user.id}`,
      jsonRequest("PATCH", { disabled: true }, { cookie: admin }),
    );
    assert.equal(disable.status, 200);
    assert.equal((await disable.json()).user.disabled, true);
    assert.equal((await app.request("/api/auth/me", { headers: { cookie: growth } })).status, 401);
    const open = await db.selectFrom("sessions").select("token_hash").where("user_id", "=", user.id)
      .where("revoked_at", "is", null)
      .execute();
    assert.equal(open.length, 0);
    const refused = await app.request(
      "/api/auth/login",
      jsonRequest("POST", { email: DEMO_USERS.growth, password: DEMO_PASSWORD }),
    );
    assert.equal(refused.status, 401);

    const enable = await app.request(
      `/api/users/${user.id}`,
      jsonRequest("PATCH", { disabled: false }, { cookie: admin }),
    );
    assert.equal(enable.status, 200);
    await login(app, DEMO_USERS.growth, DEMO_PASSWORD);
    const actions = await db.selectFrom("audit_log").select("action").where(
      "target",
      "=",
      DEMO_USERS.growth,
    )
      .where("action", "in", ["user.disable", "user.enable"]).orderBy("id").execute();
    assert.deepEqual(actions.map((a) => a.action), ["user.disable", "user.enable"]);
  },
);

testBothBackends(
  "the /login form signs in and goes to next; a failure re-renders the form",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const page = await app.request("/login?next=%2Fbanks", { headers: { cookie: "lang=en" } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<form method="post" action="\/login"/);
    assert.match(html, /name="next" value="\/banks"/);

    const ok = await app.request(
      "/login",
      form({ email: DEMO_USERS.executive, password: DEMO_PASSWORD, next: "/banks" }),
    );
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/banks");
    const cookie = sessionCookieOf(ok)!;
    assert.equal((await app.request("/banks", { headers: { cookie } })).status, 200);

    const evil = await app.request(
      "/login",
      form({ email: DEMO_USERS.executive, password: DEMO_PASSWORD, next: "//evil.example" }),
    );
    assert.equal(evil.headers.get("location"), "/");

    const bad = await app.request("/login", {
      ...form({ email: DEMO_USERS.executive, password: "wrong-password-x" }),
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: "lang=en" },
    });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await bad.text(), /Email or password is wrong/);
    const empty = await app.request("/login", form({}));
    assert.equal(empty.status, 400);
    await empty.body?.cancel();
  },
);

testBothBackends(
  "admins create users under the password policy; the new user signs in",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const create = (body: unknown) =>
      app.request("/api/users", jsonRequest("POST", body, { cookie: admin }));
    const weak = await create({
      email: "new@cc1.test",
      password: "short",
      role: "executive",
      bankId: "CC1",
    });
    assert.equal(weak.status, 400);
    assert.equal((await weak.json()).error.code, "WEAK_PASSWORD");
    const repetitive = await create({
      email: "new@cc1.test",
      password: "aaaaaaaaaaaa",
      role: "executive",
      bankId: "CC1",
    });
    assert.equal((await repetitive.json()).error.code, "WEAK_PASSWORD");

    const res = await create({
      email: "New@CC1.test",
      password: "a-fine-password-9",
      role: "executive",
      bankId: "CC1",
    });
    assert.equal(res.status, 201);
    const { user } = await res.json();
    assert.equal(user.email, "new@cc1.test");
    assert.equal(user.bankId, "CC1");
    const stored = await db.selectFrom("users").select("password_hash").where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    assert.match(stored.password_hash, /^pbkdf2-sha256\$600000\$/);

    const again = await create({
      email: "new@cc1.test",
      password: "a-fine-password-9",
      role: "executive",
      bankId: "CC1",
    });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, "EMAIL_TAKEN");

    const cookie = await login(app, "new@cc1.test", "a-fine-password-9");
    const me = await (await app.request("/api/auth/me", { headers: { cookie } })).json();
    assert.deepEqual(me.scope, { all: false, bankIds: ["CC1"] });
    const audit = await db.selectFrom("audit_log").select(["bank_id", "actor"]).where(
      "action",
      "=",
      "user.create",
    )
      .where("target", "=", "new@cc1.test").executeTakeFirstOrThrow();
    assert.deepEqual(audit, { bank_id: "CC1", actor: TEST_ADMIN.email });
  },
);

testBothBackends(
  "admins change roles and banks and assign consultants; they cannot lock themselves out",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const id = async (email: string) =>
      (await db.selectFrom("users").select("id").where("email", "=", email)
        .executeTakeFirstOrThrow()).id;
    const consultant = await id(DEMO_USERS.consultant);
    const assign = await app.request(
      `/api/users/${consultant}/banks`,
      jsonRequest("PUT", { bankIds: ["CC3", "RC2"] }, { cookie: admin }),
    );
    assert.equal(assign.status, 200);
    assert.deepEqual((await assign.json()).user.consultantBankIds, ["CC3", "RC2"]);
    const cookie = await sessionCookie(db, DEMO_USERS.consultant);
    const me = await (await app.request("/api/auth/me", { headers: { cookie } })).json();
    assert.deepEqual([...me.scope.bankIds].sort(), ["CC2", "CC3", "RC2"]);

    const exec = await id(DEMO_USERS.executive);
    const promote = await app.request(
      `/api/users/${exec}`,
      jsonRequest("PATCH", { role: "growth", growthLead: true, bankId: "CC1" }, { cookie: admin }),
    );
    assert.equal(promote.status, 200);
    const changed = (await promote.json()).user;
    assert.deepEqual([changed.role, changed.growthLead, changed.bankId], ["growth", true, "CC1"]);

    const self = await id(TEST_ADMIN.email);
    const lockout = await app.request(
      `/api/users/${self}`,
      jsonRequest("PATCH", { disabled: true }, { cookie: admin }),
    );
    assert.equal(lockout.status, 409);
    assert.equal((await lockout.json()).error.code, "CANNOT_CHANGE_SELF");
  },
);

testBothBackends(
  "the admin users page creates, disables and assigns through forms",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const post = (path: string, body: URLSearchParams) =>
      app.request(path, {
        method: "POST",
        headers: {
          cookie: admin,
          "content-type": "application/x-www-form-urlencoded",
          origin: "http://localhost",
        },
        body: body.toString(),
      });
    const page = await app.request("/admin/users", { headers: { cookie: `lang=en; ${admin}` } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /exec@cc2\.demo/);
    assert.match(html, /Create user/);

    const created = await post(
      "/admin/users",
      new URLSearchParams({
        email: "form@cc2.test",
        password: "form-password-42",
        role: "growth",
        bankId: "CC2",
        growthLead: "on",
      }),
    );
    assert.equal(created.status, 303);
    assert.equal(created.headers.get("location"), "/admin/users?done=created");
    const user = await db.selectFrom("users").selectAll().where("email", "=", "form@cc2.test")
      .executeTakeFirstOrThrow();
    assert.equal(user.growth_lead, true);

    const weak = await post(
      "/admin/users",
      new URLSearchParams({ email: "w@cc2.test", password: "x", role: "growth", bankId: "CC2" }),
    );
    assert.equal(weak.headers.get("location"), "/admin/users?error=WEAK_PASSWORD");
    const explained = await app.request("/admin/users?error=WEAK_PASSWORD", {
      headers: { cookie: `lang=en; ${admin}` },
    });
    assert.match(await explained.text(), /the password is too weak/);

    const disabled = await post(
      `/admin/users/${user.id}/status`,
      new URLSearchParams({ disabled: "1" }),
    );
    assert.equal(disabled.headers.get("location"), "/admin/users?done=status");
    const after = await db.selectFrom("users").select("disabled_at").where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    assert.ok(after.disabled_at);

    const consultant = await db.selectFrom("users").select("id").where(
      "email",
      "=",
      DEMO_USERS.consultant,
    ).executeTakeFirstOrThrow();
    const body = new URLSearchParams();
    body.append("bankIds", "CC1");
    body.append("bankIds", "CC4");
    const assigned = await post(`/admin/users/${consultant.id}/banks`, body);
    assert.equal(assigned.headers.get("location"), "/admin/users?done=assigned");
    const banks = await db.selectFrom("consultant_banks").select("bank_id").where(
      "user_id",
      "=",
      consultant.id,
    ).orderBy("bank_id").execute();
    assert.deepEqual(banks.map((b) => b.bank_id), ["CC1", "CC4"]);
  },
);
