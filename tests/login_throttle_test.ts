/**
 * Failed sign-ins: knowing an email is not enough to lock its owner out. Failures are counted
 * per (account, client address) in the database, so the attacker's pair waits (429 with
 * `Retry-After`) while the owner at another address signs in; an address trying many accounts
 * waits; a distributed attack on one account makes only addresses its owner has not signed in
 * from wait; and every app instance on the database sees the same counts.
 */
import assert from "node:assert/strict";
import { createTestApp, DEMO_PASSWORD, DEMO_USERS, jsonRequest } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import type { Limits } from "../plugins/rate_limit.ts";

const OWNER = DEMO_USERS.executive;
const WRONG = "wrong-password-x";

/** A clock the test moves by hand. */
function manualClock(start = Date.parse("2026-03-02T08:00:00Z")) {
  const clock = {
    t: start,
    now: () => new Date(clock.t),
    advance: (ms: number) => (clock.t += ms),
  };
  return clock;
}

type App = Awaited<ReturnType<typeof createTestApp>>["app"];

/** A JSON sign-in from `address` (the app trusts X-Forwarded-For): status and Retry-After. */
async function attempt(app: App, address: string, email: string, password: string) {
  const res = await app.request(
    "/api/auth/login",
    jsonRequest("POST", { email, password }, { "x-forwarded-for": `${address}, 10.0.0.1` }),
  );
  const body = await res.json();
  if (res.status === 429) assert.equal(body.error.code, "RATE_LIMITED");
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body };
}

async function throttledApp(db: Parameters<typeof createTestApp>[0], limits: Partial<Limits>) {
  const clock = manualClock();
  const { app } = await createTestApp(db, { now: clock.now, trustProxy: true, limits });
  return { app, clock };
}

testBothBackends(
  "an attacker failing at one address cannot lock the owner out at another",
  async (_t, { db }) => {
    const { app, clock } = await throttledApp(db, {}); // the defaults: 5 a pair in 15 minutes
    const attacker = "203.0.113.7";
    for (let i = 0; i < 5; i++) {
      assert.equal((await attempt(app, attacker, OWNER, WRONG)).status, 401);
    }
    const blocked = await attempt(app, attacker, OWNER, DEMO_PASSWORD);
    assert.deepEqual(
      { status: blocked.status, retryAfter: blocked.retryAfter },
      { status: 429, retryAfter: "900" },
      "the attacker's pair waits",
    );
    assert.equal(blocked.body.error.message, "登录失败次数过多，请 900 秒后再试。");
    assert.equal((await attempt(app, attacker, DEMO_USERS.growth, DEMO_PASSWORD)).status, 200);

    const owner = await attempt(app, "198.51.100.20", OWNER, DEMO_PASSWORD);
    assert.equal(owner.status, 200, "the owner at another address gets in");

    clock.advance(14 * 60_000);
    assert.equal((await attempt(app, attacker, OWNER, WRONG)).retryAfter, "60");
    clock.advance(60_000);
    assert.equal((await attempt(app, attacker, OWNER, DEMO_PASSWORD)).status, 200);
  },
);

testBothBackends(
  "a distributed attack on one account makes only addresses its owner never used wait",
  async (_t, { db }) => {
    const { app, clock } = await throttledApp(db, {
      loginPerPair: 3,
      loginPerAccount: 6,
      loginWindowMs: 10 * 60_000,
    });
    const usual = "198.51.100.20";
    assert.equal((await attempt(app, usual, OWNER, DEMO_PASSWORD)).status, 200);
    clock.advance(24 * 3600_000);
    for (const address of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) {
      for (let i = 0; i < 2; i++) {
        assert.equal((await attempt(app, address, OWNER, WRONG)).status, 401);
      }
    }
    const unknown = await attempt(app, "203.0.113.99", OWNER, DEMO_PASSWORD);
    assert.deepEqual(
      { status: unknown.status, retryAfter: unknown.retryAfter },
      { status: 429, retryAfter: "600" },
      "a new address waits",
    );
    assert.equal((await attempt(app, usual, OWNER, DEMO_PASSWORD)).status, 200, "the owner not");
    assert.equal((await attempt(app, "203.0.113.99", DEMO_USERS.growth, WRONG)).status, 401);
    clock.advance(10 * 60_000);
    assert.equal((await attempt(app, "203.0.113.99", OWNER, DEMO_PASSWORD)).status, 200);
  },
);

testBothBackends(
  "an address trying many accounts waits; a forged X-Forwarded-For is ignored without TRUST_PROXY",
  async (_t, { db }) => {
    const limits = { loginPerAddress: 2, loginWindowMs: 60_000 };
    const { app } = await throttledApp(db, limits);
    assert.equal((await attempt(app, "203.0.113.7", "a@x.test", WRONG)).status, 401);
    assert.equal((await attempt(app, "203.0.113.7", "b@x.test", WRONG)).status, 401);
    const blocked = await attempt(app, "203.0.113.7", "c@x.test", WRONG);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.retryAfter) > 0);
    assert.equal((await attempt(app, "198.51.100.2", "c@x.test", WRONG)).status, 401);

    const untrusted = await createTestApp(db, { trustProxy: false, limits });
    const spoof = async (address: string) =>
      (await attempt(untrusted.app, address, "d@x.test", WRONG)).status;
    assert.equal(await spoof("192.0.2.1"), 401);
    assert.equal(await spoof("192.0.2.2"), 401);
    assert.equal(await spoof("192.0.2.3"), 429, "a forged X-Forwarded-For does not escape");
  },
);

testBothBackends(
  "two app instances on one database share the sign-in counts",
  async (_t, { db }) => {
    const clock = manualClock();
    const options = { now: clock.now, trustProxy: true, limits: { loginPerPair: 4 } };
    const first = (await createTestApp(db, options)).app;
    const second = (await createTestApp(db, options)).app;
    const attacker = "203.0.113.7";
    assert.equal((await attempt(first, attacker, OWNER, WRONG)).status, 401);
    assert.equal((await attempt(second, attacker, OWNER, WRONG)).status, 401);
    assert.equal((await attempt(first, attacker, OWNER, WRONG)).status, 401);
    assert.equal((await attempt(second, attacker, OWNER, WRONG)).status, 401);
    assert.equal((await attempt(first, attacker, OWNER, DEMO_PASSWORD)).status, 429);
    assert.equal((await attempt(second, attacker, OWNER, DEMO_PASSWORD)).status, 429);
    assert.equal((await attempt(second, "198.51.100.20", OWNER, DEMO_PASSWORD)).status, 200);
    const rows = await db.selectFrom("login_attempts").selectAll().orderBy("address").execute();
    assert.deepEqual(rows.map((r) => [r.account, r.address, r.failures]), [
      [OWNER, "198.51.100.20", 0],
      [OWNER, attacker, 4],
    ]);
  },
);

testBothBackends(
  "the /login form says how long to wait, in the reader's language",
  async (_t, { db }) => {
    const { app } = await throttledApp(db, { loginPerPair: 1, loginWindowMs: 120_000 });
    const post = (lang: string, password: string) =>
      app.request("/login", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: `lang=${lang}`,
          "x-forwarded-for": "203.0.113.7",
        },
        body: new URLSearchParams({ email: OWNER, password }).toString(),
      });
    assert.equal((await post("en", WRONG)).status, 401);
    const en = await post("en", DEMO_PASSWORD);
    assert.equal(en.status, 429);
    assert.equal(en.headers.get("retry-after"), "120");
    assert.match(await en.text(), /120/);
    const zh = await post("zh-CN", DEMO_PASSWORD);
    assert.equal(zh.status, 429);
    assert.match(await zh.text(), /登录失败次数过多，请 120 秒后再试/);
  },
);
