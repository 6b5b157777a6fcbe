import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { createApp } from "../../app.ts";
import type { Database } from "../../db/schema.ts";
import { seedIfEmpty, type SeedResult } from "../../db/seed.ts";
import { insertSession } from "../../db/sessions.ts";
import { createUser, findUserByEmail, updateUser } from "../../db/users.ts";
import { readConfig } from "../../fresh.config.ts";
import { hashPassword, randomToken, sha256Hex } from "../../lib/security/password.ts";
import { loadAssets } from "../../plugins/assets.ts";
import type { Limits } from "../../plugins/rate_limit.ts";
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE } from "../../plugins/session.ts";

export const TEST_ADMIN = { email: "admin@test.local", password: "admin-password-1234" };
export const TEST_SDK_KEY = "ll_test_key_for_the_demo_bank_cc2_0123456789";
/** The demo users' password in tests (the seed generates a random one). */
export const DEMO_PASSWORD = "demo-password-5678";
export const DEMO_USERS = {
  executive: "exec@cc2.demo",
  growth: "growth@cc2.demo",
  consultant: "consultant@lensloop.demo",
} as const;

export interface TestAppOptions {
  demo?: boolean;
  /**
   * The demo's traffic in `welcome-sms` (off unless asked: most tests send their own events to
   * it and count them).
   */
  demoTraffic?: boolean;
  /** The app's clock (sessions, limits). */
  now?: () => Date;
  limits?: Partial<Limits>;
  trustProxy?: boolean;
}

/**
 * The app on a test database, seeded with the demo data unless `demo: false`. The demo users
 * get `DEMO_PASSWORD` (hashed with few iterations, so signing them in is quick).
 */
export async function createTestApp(db: Kysely<Database>, options: TestAppOptions = {}) {
  const seed: SeedResult = await seedIfEmpty(db, {
    adminEmail: TEST_ADMIN.email,
    adminPassword: TEST_ADMIN.password,
    sdkKey: TEST_SDK_KEY,
    demo: options.demo ?? true,
    demoTraffic: options.demoTraffic ?? false,
  });
  if (seed.demo) {
    const passwordHash = await hashPassword(DEMO_PASSWORD, 1000);
    for (const email of Object.values(DEMO_USERS)) {
      const found = await findUserByEmail(db, email);
      if (found) await updateUser(db, found.user.id, { passwordHash }, new Date());
    }
  }
  const config = {
    ...readConfig({ get: () => undefined }),
    logRequests: false,
    trustProxy: options.trustProxy ?? false,
  };
  const assets = await loadAssets(null);
  const app = createApp({ db, config, assets, now: options.now, limits: options.limits });
  return { app, seed, config };
}

/** A JSON request: `app.request("/api/…", jsonRequest("POST", body, headers))`. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}) {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** The `ll_session=…` pair of a response's Set-Cookie, or null. */
export function sessionCookieOf(res: Response): string | null {
  for (const cookie of res.headers.getSetCookie()) {
    const pair = cookie.split(";")[0];
    if (pair.startsWith(`${SESSION_COOKIE}=`) && pair.length > SESSION_COOKIE.length + 1) {
      return pair;
    }
  }
  return null;
}

/**
 * Signs in through `POST /api/auth/login`; returns the `cookie` header value to send. Throws
 * when the sign-in fails.
 */
export async function login(
  app: { request(path: string, init?: RequestInit): Response | Promise<Response> },
  email: string,
  password: string,
): Promise<string> {
  const res = await app.request("/api/auth/login", jsonRequest("POST", { email, password }));
  const cookie = sessionCookieOf(res);
  if (res.status !== 200 || !cookie) {
    throw new Error(`Sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  }
  await res.body?.cancel();
  return cookie;
}

/** A session made directly in the database (no password hashing): the `cookie` header value. */
export async function sessionCookie(
  db: Kysely<Database>,
  email: string,
  now = new Date(),
): Promise<string> {
  const found = await findUserByEmail(db, email);
  if (!found) throw new Error(`No user ${email}`);
  const token = randomToken(32);
  await insertSession(db, {
    tokenHash: await sha256Hex(token),
    userId: found.user.id,
    now,
    expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
  });
  return `${SESSION_COOKIE}=${token}`;
}

type TestApp = Awaited<ReturnType<typeof createTestApp>>["app"];

/**
 * The app with demo data, a growth user of another bank (CC1) and sessions: CC2's growth lead
 * and executive, the consultant, and `other` (the CC1 growth user, for tenancy checks).
 */
export async function createSessionApp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  await createUser(db, {
    email: "growth@cc1.test",
    role: "growth",
    bankId: "CC1",
    passwordHash: await hashPassword("unused-password-1", 1000),
  });
  return {
    app,
    growth: await sessionCookie(db, DEMO_USERS.growth),
    exec: await sessionCookie(db, DEMO_USERS.executive),
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
    other: await sessionCookie(db, "growth@cc1.test"),
  };
}

/** A request with a session cookie, with a JSON body when one is given. */
export function call(app: TestApp, cookie: string, method: string, path: string, body?: unknown) {
  return app.request(
    path,
    body === undefined ? { method, headers: { cookie } } : jsonRequest(method, body, { cookie }),
  );
}

/** Asserts the status and a JSON content type; returns the parsed body. */
export async function expectJson(res: Response, status: number) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return JSON.parse(text);
}
