/**
 * The SDK served from the config cache (`db/config_cache.ts`), as `main.ts` runs it: answers
 * come from memory (no database query per A/B assignment), every change to what assignment
 * reads reaches the cache, bandit arms are written in group commits, and a lost listening
 * connection makes the cache fall back to the database instead of answering from stale memory.
 * Changes made here directly in the database are followed by `cache.sync()`, the barrier the
 * app itself uses after its own writes. Requests go through the server's handler
 * (`createHandler`), so A/B assignments take the fast path whenever it can answer.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createHandler } from "../app.ts";
import { ConfigCache, type ConfigCacheOptions } from "../db/config_cache.ts";
import { readConfig } from "../fresh.config.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { loadAssets } from "../plugins/assets.ts";
import { createTestApp, jsonRequest, TEST_SDK_KEY } from "./helpers/app.ts";
import { BACKENDS, openTestDatabase, testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const HALVES = [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }];

async function cachedApp(database: TestDatabase, options: ConfigCacheOptions = {}) {
  await createTestApp(database.db); // seeds the demo bank and its key
  const cache = await ConfigCache.open(database, options);
  const config = { ...readConfig({ get: () => undefined }), logRequests: false };
  const handler = createHandler({
    db: database.db,
    config,
    assets: await loadAssets(null),
    configCache: cache,
  });
  const app = {
    request: (path: string, init?: RequestInit) =>
      handler(new Request(new URL(path, "http://localhost"), init)),
  };
  const assign = async (key: string, unit: string) =>
    (await sdkCall(app, "GET", `/api/v1/experiments/${key}/assignment?unit=${unit}`)).body;
  return { app, cache, assign };
}

testBothBackends("A/B assignments read no database once the bank is in memory", async (_t, d) => {
  const { app, cache, assign } = await cachedApp(d);
  try {
    await assign("welcome-sms", "warm-up");
    const before = cache.stats.databaseQueries;
    for (let i = 0; i < 200; i++) {
      const body = await assign("welcome-sms", `C${i}`);
      assert.equal(body.variant, assignVariant("welcome-sms", `C${i}`, HALVES, 2));
    }
    const units = Array.from({ length: 1000 }, (_, i) => `B${i}`);
    const batch = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: "welcome-sms",
      units,
    });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.assignments[7].variant, assignVariant("welcome-sms", "B7", HALVES, 2));
    assert.equal(cache.stats.databaseQueries, before, "no query after the warm-up");
    const missing = await sdkCall(app, "GET", "/api/v1/experiments/nope/assignment?unit=u");
    assert.equal(missing.status, 404);
    assert.match(missing.type, /application\/json/);
    assert.equal(missing.body.error.code, "NOT_FOUND");
  } finally {
    await cache.close();
  }
});

testBothBackends("every change to what assignment reads reaches the cache", async (t, d) => {
  const { app, cache, assign } = await cachedApp(d);
  const db = d.db;
  try {
    const unit = "U1";
    assert.equal((await assign("welcome-sms", unit)).reason, "assigned");

    await t.step("an opt-out of the campaign's channel, written directly", async () => {
      await db.insertInto("opt_outs").values({ bank_id: "CC2", unit, channel: "sms" }).execute();
      await cache.sync();
      assert.equal((await assign("welcome-sms", unit)).reason, "opted_out");
    });

    await t.step(
      "the campaign moves to another channel: that opt-out no longer applies",
      async () => {
        await db.updateTable("campaigns").set({ channel: "app_push" }).where("bank_id", "=", "CC2")
          .execute();
        await cache.sync();
        assert.equal((await assign("welcome-sms", unit)).reason, "assigned");
      },
    );

    await t.step("consent withdrawn, then attributes for a targeted experiment", async () => {
      await db.insertInto("customers")
        .values({ bank_id: "CC2", unit: "U2", attributes: {}, marketing_consent: false }).execute();
      await makeExperiment(db, {
        key: "new-only",
        variants: HALVES,
        targeting: { stages: ["new"] },
      });
      await cache.sync();
      assert.equal((await assign("welcome-sms", "U2")).reason, "opted_out");
      assert.equal((await assign("new-only", "U3")).reason, "not_targeted");
      await db.insertInto("customers")
        .values({ bank_id: "CC2", unit: "U3", attributes: { stage: "new" } }).execute();
      await db.updateTable("customers").set({ marketing_consent: true }).where("unit", "=", "U2")
        .execute();
      await cache.sync();
      assert.equal((await assign("new-only", "U3")).reason, "assigned");
      assert.equal((await assign("welcome-sms", "U2")).reason, "assigned");
    });

    await t.step("weights and status of the experiment", async () => {
      await db.updateTable("variants").set({ weight: 0 }).where("name", "=", "control").execute();
      await cache.sync();
      for (const u of ["W1", "W2", "W3", "W4"]) {
        assert.equal((await assign("welcome-sms", u)).variant, "coupon");
      }
      await db.updateTable("experiments").set({ status: "stopped" })
        .where("key", "=", "welcome-sms").execute();
      await cache.sync();
      assert.equal((await assign("welcome-sms", "W1")).reason, "not_running");
    });

    await t.step("a bandit's new allocation, and deleted sticky arms", async () => {
      const id = await makeExperiment(db, { key: "bandit-c", mode: "bandit", variants: HALVES });
      await cache.sync();
      const first = await assign("bandit-c", "S1");
      assert.ok(first.variant);
      await db.insertInto("allocations").values({
        experiment_id: id,
        bank_id: "CC2",
        seed: "s1",
        inputs: {},
        probability_best: [0, 1],
        weights: [0, 1],
      }).execute();
      await cache.sync();
      assert.equal((await assign("bandit-c", "S1")).variant, first.variant, "sticky");
      assert.equal((await assign("bandit-c", "S2")).variant, "coupon");
      await db.deleteFrom("assignments").where("experiment_id", "=", id).execute();
      await cache.sync();
      assert.equal((await assign("bandit-c", "S1")).variant, "coupon", "arm drawn afresh");
    });

    await t.step("a revoked SDK key stops working", async () => {
      await db.updateTable("sdk_keys").set({ revoked_at: new Date() }).where("bank_id", "=", "CC2")
        .execute();
      await cache.sync();
      const res = await app.request("/api/v1/whoami", {
        headers: { authorization: `Bearer ${TEST_SDK_KEY}` },
      });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).error.code, "INVALID_SDK_KEY");
    });
  } finally {
    await cache.close();
  }
});

testBothBackends(
  "changes made through the app are honoured by its next answer, without a sync",
  async (_t, d) => {
    const { app, cache, assign } = await cachedApp(d);
    try {
      assert.equal((await assign("welcome-sms", "A1")).reason, "assigned");
      const optOut = await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["A1"] });
      assert.equal(optOut.status, 200);
      assert.equal((await assign("welcome-sms", "A1")).reason, "opted_out");
      await sdkCall(app, "PUT", "/api/v1/customers", {
        customers: [{ unit: "A2", marketingConsent: false }],
      });
      assert.equal((await assign("welcome-sms", "A2")).reason, "opted_out");
      const events = await sdkCall(app, "POST", "/api/v1/events", {
        events: [{ id: "e1", type: "exposure", experiment: "welcome-sms", unit: "A1" }],
      });
      assert.equal(events.body.rejected[0].error.code, "OPTED_OUT");
    } finally {
      await cache.close();
    }
  },
);

testBothBackends("many changed customers reload the bank in the background", async (_t, d) => {
  const { cache, assign } = await cachedApp(d, { maxChangedUnits: 5 });
  try {
    await assign("welcome-sms", "warm-up");
    const units = Array.from({ length: 20 }, (_, i) => `R${i}`);
    await d.db.insertInto("opt_outs")
      .values(units.map((unit) => ({ bank_id: "CC2", unit, channel: "*" }))).execute();
    await cache.sync();
    for (const unit of units) assert.equal((await assign("welcome-sms", unit)).reason, "opted_out");
    await cache.sync();
    for (const unit of units) assert.equal((await assign("welcome-sms", unit)).reason, "opted_out");
    assert.equal((await assign("welcome-sms", "R-other")).reason, "assigned");
  } finally {
    await cache.close();
  }
});

testBothBackends("concurrent first bandit calls share group writes and agree", async (_t, d) => {
  const { app, cache } = await cachedApp(d);
  try {
    const id = await makeExperiment(d.db, { key: "bandit-g", mode: "bandit", variants: HALVES });
    await cache.sync();
    const units = Array.from({ length: 60 }, (_, i) => `G${i % 50}`); // 10 asked twice at once
    const answers = await Promise.all(
      units.map((unit) =>
        sdkCall(app, "GET", `/api/v1/experiments/bandit-g/assignment?unit=${unit}`)
      ),
    );
    const stored = new Map(
      (await d.db.selectFrom("assignments").select(["unit", "variant"])
        .where("experiment_id", "=", id).execute()).map((r) => [r.unit, r.variant]),
    );
    assert.equal(stored.size, 50);
    answers.forEach((a, i) => assert.equal(a.body.variant, stored.get(units[i])));
    assert.ok(cache.stats.armWrites < 10, `${cache.stats.armWrites} writes for 60 calls`);
  } finally {
    await cache.close();
  }
});

Deno.test({
  name: "a lost listening connection: answers come from the database, then memory again",
  ignore: !BACKENDS.includes("postgres"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const d = await openTestDatabase("postgres");
    const { cache, assign } = await cachedApp(d, { heartbeatMs: 100, deadlineMs: 300 });
    try {
      assert.equal((await assign("welcome-sms", "L1")).reason, "assigned");
      const listener = await sql<{ pid: number }>`select pid from pg_stat_activity
        where datname = current_database() and query ilike 'listen%'`.execute(d.db);
      assert.equal(listener.rows.length, 1);
      await sql`select pg_terminate_backend(${listener.rows[0].pid})`.execute(d.db);
      // A change while nobody listens: its notification is lost.
      await d.db.insertInto("opt_outs").values({ bank_id: "CC2", unit: "L1" }).execute();
      const deadline = Date.now() + 5000;
      while ((await assign("welcome-sms", "L1")).reason !== "opted_out") {
        assert.ok(Date.now() < deadline, "the opt-out was never seen");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      while (!cache.trusted) {
        assert.ok(Date.now() < deadline, "memory was never trusted again");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(cache.stats.flushes >= 2, "memory was dropped when listening resumed");
      assert.equal((await assign("welcome-sms", "L1")).reason, "opted_out");
    } finally {
      await cache.close();
      await d.close();
    }
  },
});

testBothBackends("SDK answers carry the JSON security headers, errors too", async (_t, d) => {
  const { app, cache } = await cachedApp(d);
  try {
    const ok = await app.request(
      "/api/v1/assignments",
      jsonRequest("POST", { experiment: "welcome-sms", units: ["u"] }, {
        authorization: `Bearer ${TEST_SDK_KEY}`,
      }),
    );
    const bad = await app.request("/api/v1/assignments", jsonRequest("POST", {}));
    for (const res of [ok, bad]) {
      await res.body?.cancel();
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("cache-control"), "no-store");
    }
    assert.deepEqual([ok.status, bad.status], [200, 401]);
  } finally {
    await cache.close();
  }
});
