import assert from "node:assert/strict";
import {
  createTestApp,
  DEMO_USERS,
  jsonRequest,
  sessionCookie,
  TEST_ADMIN,
  TEST_SDK_KEY,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends(
  "CSRF: a cross-site state change is refused with 403 JSON; same-origin passes",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const cookie = await sessionCookie(db, DEMO_USERS.growth);
    const logout = (headers: Record<string, string>) =>
      app.request("http://localhost/api/auth/logout", {
        method: "POST",
        headers: { cookie, ...headers },
      });
    const crossSite: Array<Record<string, string>> = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      {
        "sec-fetch-site": "same-site",
        origin: "http://sub.localhost",
      },
    ];
    for (const headers of crossSite) {
      const res = await logout(headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.equal((await res.json()).error.code, "CSRF_REJECTED");
    }
    assert.equal(
      (await app.request("/api/auth/me", { headers: { cookie } })).status,
      200,
      "still signed in",
    );

    const evilLogin = await app.request(
      "/api/auth/login",
      jsonRequest("POST", { email: DEMO_USERS.growth, password: "x" }, {
        origin: "https://evil.example",
      }),
    );
    assert.equal(evilLogin.status, 403, "no login CSRF either");
    await evilLogin.body?.cancel();

    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const form = await app.request("/admin/users", {
      method: "POST",
      headers: {
        cookie: admin,
        origin: "https://evil.example",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "email=evil%40x.test&password=evil-password-1&role=admin",
    });
    assert.equal(form.status, 403);
    assert.match(form.headers.get("content-type") ?? "", /text\/html/);
    await form.body?.cancel();
    assert.equal(
      await db.selectFrom("users").select("id").where("email", "=", "evil@x.test")
        .executeTakeFirst(),
      undefined,
    );

    const same = await logout({ origin: "http://localhost", "sec-fetch-site": "same-origin" });
    assert.equal(same.status, 204);
    const sdk = await app.request("/api/v1/whoami", {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_SDK_KEY}`, origin: "https://evil.example" },
    });
    assert.notEqual(sdk.status, 403, "the Bearer SDK API is exempt");
    await sdk.body?.cancel();
  },
);

testBothBackends(
  "the public calculators are rate-limited per address: 429 JSON with Retry-After",
  async (_t, { db }) => {
    const clock = { t: Date.parse("2026-03-02T08:00:00Z") };
    const { app } = await createTestApp(db, {
      demo: false,
      trustProxy: true,
      now: () => new Date(clock.t),
      limits: { calculators: { limit: 3, windowMs: 60_000 } },
    });
    const score = (address: string) =>
      app.request(
        "/api/lens/score",
        jsonRequest("POST", { values: {} }, { "x-forwarded-for": address }),
      );
    for (let i = 0; i < 3; i++) {
      const res = await score("203.0.113.9");
      assert.notEqual(res.status, 429);
      await res.body?.cancel();
    }
    const limited = await score("203.0.113.9");
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get("content-type") ?? "", /application\/json/);
    assert.equal(limited.headers.get("retry-after"), "60");
    assert.equal((await limited.json()).error.code, "RATE_LIMITED");
    const other = await score("198.51.100.1");
    assert.notEqual(other.status, 429);
    await other.body?.cancel();
    for (const path of ["/api/stats/proportions", "/api/bandits/allocate"]) {
      const res = await app.request(
        path,
        jsonRequest("POST", {}, { "x-forwarded-for": "203.0.113.9" }),
      );
      assert.equal(res.status, 429, path);
      await res.body?.cancel();
    }
    clock.t += 60_000;
    const later = await score("203.0.113.9");
    assert.notEqual(later.status, 429);
    await later.body?.cancel();
  },
);

testBothBackends(
  "security headers are on pages, JSON, redirects and errors",
  async (_t, { db }) => {
    const { app } = await createTestApp(db, { demo: false });
    const cookie = await sessionCookie(db, TEST_ADMIN.email);
    const requests: Array<[string, RequestInit]> = [
      ["/login", {}],
      ["/", {}],
      ["/api/auth/me", {}],
      ["/admin/users", { headers: { cookie } }],
    ];
    for (const [path, init] of requests) {
      const res = await app.request(path, init);
      await res.body?.cancel();
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /unsafe-inline/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(res.headers.get("referrer-policy"), "same-origin", path);
    }
    const page = await (await app.request("/login")).text();
    assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline script");
    // The SDK API answers JSON to servers: nothing in it may load, run or be framed.
    for (const path of ["/api/v1/whoami", "/api/v1/nope"]) {
      const res = await app.request(path);
      await res.body?.cancel();
      assert.equal(res.status, 401, path);
      assert.equal(
        res.headers.get("content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'",
        path,
      );
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(res.headers.get("cache-control"), "no-store", path);
    }
  },
);

testBothBackends(
  "bad input on every new endpoint gets a 4xx JSON error, never a 5xx",
  async (t, { db }) => {
    const { app } = await createTestApp(db);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const lead = await sessionCookie(db, DEMO_USERS.growth);
    const exec = await db.selectFrom("users").select("id").where("email", "=", DEMO_USERS.executive)
      .executeTakeFirstOrThrow();
    const unknownId = "00000000-0000-4000-8000-000000000000";
    const raw = (method: string, body: string, cookie: string, type = "application/json") => ({
      method,
      headers: { "content-type": type, cookie },
      body,
    });
    const cases: Array<[string, string, RequestInit, number, string?]> = [
      ["login: malformed JSON", "/api/auth/login", raw("POST", "{", ""), 400, "MALFORMED_JSON"],
      ["login: empty object", "/api/auth/login", raw("POST", "{}", ""), 400, "VALIDATION_ERROR"],
      [
        "login: wrong types",
        "/api/auth/login",
        raw("POST", '{"email":1,"password":[]}', ""),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "login: extra field",
        "/api/auth/login",
        raw("POST", '{"email":"a@b.c","password":"x","admin":true}', ""),
        400,
      ],
      ["login: not JSON", "/api/auth/login", raw("POST", "email=a", "", "text/plain"), 415],
      [
        "login: huge email",
        "/api/auth/login",
        jsonRequest("POST", { email: "a".repeat(10_000), password: "x" }),
        400,
      ],
      ["login: array", "/api/auth/login", raw("POST", "[]", ""), 400],
      ["users: malformed", "/api/users", raw("POST", "{", admin), 400, "MALFORMED_JSON"],
      ["users: empty", "/api/users", raw("POST", "{}", admin), 400, "VALIDATION_ERROR"],
      [
        "users: bad email",
        "/api/users",
        jsonRequest("POST", { email: "nope", password: "long-enough-pw", role: "admin" }, {
          cookie: admin,
        }),
        400,
      ],
      [
        "users: bad role",
        "/api/users",
        jsonRequest("POST", {
          email: "a@b.test",
          password: "long-enough-pw",
          role: "root",
          bankId: "CC1",
        }, { cookie: admin }),
        400,
      ],
      [
        "users: bad bank id",
        "/api/users",
        jsonRequest("POST", {
          email: "a@b.test",
          password: "long-enough-pw",
          role: "executive",
          bankId: "../x",
        }, { cookie: admin }),
        400,
      ],
      [
        "users: unknown bank",
        "/api/users",
        jsonRequest("POST", {
          email: "a@b.test",
          password: "long-enough-pw",
          role: "executive",
          bankId: "ZZ9",
        }, { cookie: admin }),
        400,
        "UNKNOWN_BANK",
      ],
      [
        "users: no bank",
        "/api/users",
        jsonRequest("POST", { email: "a@b.test", password: "long-enough-pw", role: "growth" }, {
          cookie: admin,
        }),
        400,
        "BANK_REQUIRED",
      ],
      [
        "users: huge password",
        "/api/users",
        jsonRequest("POST", { email: "a@b.test", password: "x".repeat(5000), role: "admin" }, {
          cookie: admin,
        }),
        400,
      ],
      [
        "patch: malformed id",
        "/api/users/not-a-uuid",
        jsonRequest("PATCH", { displayName: "x" }, { cookie: admin }),
        404,
        "NOT_FOUND",
      ],
      [
        "patch: unknown id",
        `/api/users/${unknownId}`,
        jsonRequest("PATCH", { displayName: "x" }, { cookie: admin }),
        404,
      ],
      ["patch: nothing", `/api/users/${exec.id}`, jsonRequest("PATCH", {}, { cookie: admin }), 400],
      [
        "patch: bad role",
        `/api/users/${exec.id}`,
        jsonRequest("PATCH", { role: "x" }, { cookie: admin }),
        400,
      ],
      [
        "patch: admin bank null for executive",
        `/api/users/${exec.id}`,
        jsonRequest("PATCH", { bankId: null }, { cookie: admin }),
        400,
        "BANK_REQUIRED",
      ],
      [
        "patch: weak password",
        `/api/users/${exec.id}`,
        jsonRequest("PATCH", { password: "abc" }, { cookie: admin }),
        400,
        "WEAK_PASSWORD",
      ],
      ["get: malformed id", "/api/users/%00", { headers: { cookie: admin } }, 404],
      [
        "banks: not an array",
        `/api/users/${exec.id}/banks`,
        jsonRequest("PUT", { bankIds: "CC1" }, { cookie: admin }),
        400,
      ],
      [
        "banks: not a consultant",
        `/api/users/${exec.id}/banks`,
        jsonRequest("PUT", { bankIds: ["CC1"] }, { cookie: admin }),
        400,
        "NOT_A_CONSULTANT",
      ],
      [
        "banks: unknown user",
        `/api/users/${unknownId}/banks`,
        jsonRequest("PUT", { bankIds: [] }, { cookie: admin }),
        404,
      ],
      ["keys: malformed", "/api/sdk-keys", raw("POST", "{", lead), 400, "MALFORMED_JSON"],
      [
        "keys: bad bank type",
        "/api/sdk-keys",
        jsonRequest("POST", { bankId: 5 }, { cookie: lead }),
        400,
      ],
      [
        "keys: unknown bank",
        "/api/sdk-keys",
        jsonRequest("POST", { bankId: "ZZ9" }, { cookie: admin }),
        404,
      ],
      [
        "keys: admin without bank",
        "/api/sdk-keys",
        jsonRequest("POST", {}, { cookie: admin }),
        400,
        "BANK_REQUIRED",
      ],
      [
        "keys: long label",
        "/api/sdk-keys",
        jsonRequest("POST", { label: "x".repeat(1000) }, { cookie: lead }),
        400,
      ],
      [
        "revoke: malformed id",
        "/api/sdk-keys/xyz",
        { method: "DELETE", headers: { cookie: lead } },
        404,
      ],
      ["revoke: unknown id", `/api/sdk-keys/${unknownId}`, {
        method: "DELETE",
        headers: { cookie: admin },
      }, 404],
      ["me: garbage cookie", "/api/auth/me", { headers: { cookie: "ll_session=%%%" } }, 401],
      [
        "me: huge cookie",
        "/api/auth/me",
        { headers: { cookie: `ll_session=${"a".repeat(4000)}` } },
        401,
      ],
      ["whoami: wrong method", "/api/v1/whoami", {
        method: "DELETE",
        headers: { authorization: `Bearer ${TEST_SDK_KEY}` },
      }, 405],
    ];
    for (const [name, path, init, status, code] of cases) {
      await t.step(name, async () => {
        const res = await app.request(path, init);
        assert.equal(res.status, status, `${name}: ${await res.clone().text()}`);
        assert.match(res.headers.get("content-type") ?? "", /application\/json/);
        const body = await res.json();
        assert.match(body.error.code, /^[A-Z_]+$/);
        assert.equal(typeof body.error.message, "string");
        if (code) assert.equal(body.error.code, code);
      });
    }
  },
);
