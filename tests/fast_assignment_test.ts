/**
 * The assignment fast path (`routes/api/v1/fast_assignment.ts`): where it answers, it answers
 * byte for byte what the app answers; everything it cannot answer in full it leaves to the app,
 * which then answers as before; changes (a revoked key, a stopped experiment, an opt-out) reach
 * it like they reach the app.
 */
import assert from "node:assert/strict";
import { createApp, createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { readConfig } from "../fresh.config.ts";
import { sha256Hex } from "../lib/security/password.ts";
import { loadAssets } from "../plugins/assets.ts";
import { setUpLogging } from "../plugins/logger.ts";
import { fastAssignment } from "../routes/api/v1/fast_assignment.ts";
import { createTestApp, TEST_SDK_KEY } from "./helpers/app.ts";
import { testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { makeExperiment, SDK_AUTH } from "./helpers/sdk.ts";

const ORIGIN = "http://localhost";

async function setUp(database: TestDatabase, options: { log?: boolean } = {}) {
  await createTestApp(database.db); // the demo bank, its key and the running `welcome-sms`
  const cache = await ConfigCache.open(database);
  const deps = {
    db: database.db,
    config: { ...readConfig({ get: () => undefined }), logRequests: options.log ?? false },
    assets: await loadAssets(null),
    configCache: cache,
  };
  const app = createApp(deps);
  const handler = createHandler(deps, app);
  const fast = fastAssignment(cache, { now: () => new Date() });
  const get = (path: string, headers: Record<string, string> = SDK_AUTH) =>
    new Request(ORIGIN + path, { headers });
  /** Through the server's handler, as `main.ts` serves. */
  const serve = (request: Request) => Promise.resolve(handler(request));
  // Warm up through the app: the key gets its last_used_at, the bank's customers are loaded.
  await serve(get("/api/v1/experiments/welcome-sms/assignment?unit=warm-up"));
  return { cache, app, fast, get, serve };
}

/** Status, body text and headers of an answer. */
async function answer(response: Response) {
  return {
    status: response.status,
    body: await response.text(),
    headers: [...response.headers].sort(([a], [b]) => a.localeCompare(b)),
  };
}

testBothBackends("the fast path answers exactly what the app answers", async (_t, d) => {
  const { cache, app, fast, get, serve } = await setUp(d);
  try {
    const db = d.db;
    await serve(
      new Request(`${ORIGIN}/api/v1/customers`, {
        method: "PUT",
        headers: { ...SDK_AUTH, "content-type": "application/json" },
        body: JSON.stringify({
          customers: [
            { unit: "active-payroll", attributes: { stage: "active", tags: ["payroll"] } },
            { unit: "dormant", attributes: { stage: "dormant" } },
            { unit: "no-consent", marketingConsent: false },
          ],
        }),
      }),
    );
    await db.insertInto("opt_outs").values([
      { bank_id: "CC2", unit: "opted-out-all", channel: "*" },
      { bank_id: "CC2", unit: "opted-out-sms", channel: "sms" },
      { bank_id: "CC2", unit: "opted-out-push", channel: "app_push" },
    ]).execute();
    await makeExperiment(db, {
      key: "targeted",
      variants: [{ name: "a", weight: 1 }, { name: "b", weight: 2 }, { name: "c", weight: 0 }],
      targeting: { stages: ["active"], tags: ["payroll"] },
    });
    await makeExperiment(db, {
      key: "drafted",
      status: "draft",
      variants: [{ name: "a", weight: 1 }, { name: "b", weight: 1 }],
    });
    await cache.sync();

    const units = [
      ...Array.from({ length: 300 }, (_, i) => `C${i}`),
      "active-payroll",
      "dormant",
      "no-consent",
      "opted-out-all",
      "opted-out-sms",
      "opted-out-push",
      "a.b_c~d-E9",
      "x".repeat(128),
    ];
    const reasons = new Set<string>();
    let fastAnswers = 0;
    for (const key of ["welcome-sms", "targeted", "drafted"]) {
      for (const unit of units) {
        const path = `/api/v1/experiments/${key}/assignment?unit=${unit}`;
        let viaFast = fast(get(path));
        if (!viaFast) {
          // An experiment's first call loads it through the app; memory answers after that.
          await (await serve(get(path))).body?.cancel();
          viaFast = fast(get(path));
        }
        assert.ok(viaFast, path);
        const viaApp = await app.fetch(get(path));
        fastAnswers++;
        const [f, a] = [await answer(viaFast), await answer(viaApp)];
        assert.deepEqual(f, a, path);
        reasons.add(JSON.parse(f.body).reason);
      }
    }
    assert.equal(fastAnswers, 3 * units.length);
    assert.deepEqual(
      [...reasons].sort(),
      ["assigned", "not_running", "not_targeted", "opted_out"],
    );
  } finally {
    await cache.close();
  }
});

testBothBackends("what the fast path leaves to the app, the app answers", async (t, d) => {
  const { cache, fast, get, serve } = await setUp(d);
  try {
    await makeExperiment(d.db, {
      key: "bandit-x",
      mode: "bandit",
      variants: [{ name: "a", weight: 1 }, { name: "b", weight: 1 }],
    });
    await cache.sync();
    const path = "/api/v1/experiments/welcome-sms/assignment?unit=";
    const cases: Array<[string, Request, number, string | null]> = [
      ["no key", get(path + "u1", {}), 401, "INVALID_SDK_KEY"],
      [
        "an unknown key",
        get(path + "u1", { authorization: "Bearer ll_not_a_key_0123456789" }),
        401,
        "INVALID_SDK_KEY",
      ],
      [
        "a lower-case scheme",
        get(path + "u1", { authorization: `bearer ${TEST_SDK_KEY}` }),
        401,
        "INVALID_SDK_KEY",
      ],
      ["an empty unit", get(path), 400, "VALIDATION_ERROR"],
      ["a unit over 128 characters", get(path + "u".repeat(129)), 400, "VALIDATION_ERROR"],
      ["an encoded unit", get(path + "a%20b"), 200, null],
      ["a unit with +", get(path + "a+b"), 200, null],
      ["another query parameter", get(path + "u1&x=1"), 200, null],
      [
        "a malformed experiment key",
        get("/api/v1/experiments/Bad_Key/assignment?unit=u1"),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "an unknown experiment",
        get("/api/v1/experiments/nope/assignment?unit=u1"),
        404,
        "NOT_FOUND",
      ],
      ["a bandit", get("/api/v1/experiments/bandit-x/assignment?unit=u1"), 200, null],
      [
        "a trailing slash",
        get("/api/v1/experiments/welcome-sms/assignment/?unit=u1"),
        404,
        "NOT_FOUND",
      ],
      [
        "a POST",
        new Request(ORIGIN + path + "u1", { method: "POST", headers: SDK_AUTH }),
        405,
        "METHOD_NOT_ALLOWED",
      ],
    ];
    for (const [label, request, status, code] of cases) {
      await t.step(label, async () => {
        assert.equal(fast(request.clone()), undefined);
        const res = await serve(request);
        const body = await res.json();
        assert.equal(res.status, status);
        assert.equal(body.error?.code ?? null, code);
        assert.equal(res.headers.get("cache-control"), "no-store");
      });
    }
    await t.step("the unit is decoded by the app, as before", async () => {
      const res = await serve(get(path + "a%20b"));
      assert.equal((await res.json()).unit, "a b");
    });
  } finally {
    await cache.close();
  }
});

testBothBackends("revocations, stops and opt-outs reach the fast path", async (t, d) => {
  const { cache, fast, get, serve } = await setUp(d);
  const db = d.db;
  const path = "/api/v1/experiments/welcome-sms/assignment?unit=R1";
  try {
    assert.ok(fast(get(path)), "memory answers once warm");
    await t.step("an opt-out", async () => {
      await db.insertInto("opt_outs").values({ bank_id: "CC2", unit: "R1", channel: "*" })
        .execute();
      await cache.sync();
      const res = await serve(get(path));
      assert.equal((await res.json()).reason, "opted_out");
    });
    await t.step("a stopped experiment", async () => {
      await serve(get("/api/v1/experiments/welcome-sms/assignment?unit=R2")); // memo filled
      await db.updateTable("experiments").set({ status: "stopped" })
        .where("key", "=", "welcome-sms").execute();
      await cache.sync();
      const res = await serve(get("/api/v1/experiments/welcome-sms/assignment?unit=R2"));
      assert.equal((await res.json()).reason, "not_running");
    });
    await t.step("a revoked key", async () => {
      await db.updateTable("sdk_keys").set({ revoked_at: new Date() })
        .where("key_hash", "=", await sha256Hex(TEST_SDK_KEY)).execute();
      await cache.sync();
      assert.equal(fast(get(path)), undefined);
      const res = await serve(get(path));
      assert.equal(res.status, 401);
      assert.equal((await res.json()).error.code, "INVALID_SDK_KEY");
    });
  } finally {
    await cache.close();
  }
});

testBothBackends("a fast answer is logged like any other request", async (_t, d) => {
  const { cache, fast, get, serve } = await setUp(d, { log: true });
  let text = "";
  const decoder = new TextDecoder();
  const closeLog = await setUpLogging({
    stream: new WritableStream({ write: (chunk) => void (text += decoder.decode(chunk)) }),
  });
  try {
    const path = "/api/v1/experiments/welcome-sms/assignment?unit=L1";
    assert.ok(fast(get(path)));
    const res = await serve(get(path, { ...SDK_AUTH, "x-request-id": "L1-call" }));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-request-id"), "L1-call");
    await closeLog();
    const lines = text.trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].requestId, "L1-call");
    assert.equal(lines[0].path, "/api/v1/experiments/welcome-sms/assignment");
    assert.equal(lines[0].status, 200);
  } finally {
    await closeLog();
    await cache.close();
  }
});
