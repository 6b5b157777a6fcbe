/**
 * The assignment rule's version per experiment (migration 0007, docs/SDK.md): experiments that
 * existed before keep version 1, so a running experiment's customers keep their arms across the
 * upgrade, through the app and through the config cache and its fast path; every experiment
 * made afterwards (API, promotion, any insert) gets version 2.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import { createApp, createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { readConfig } from "../fresh.config.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { chiSquareSurvival } from "../lib/stats/dist.ts";
import { migrations } from "../migrations/mod.ts";
import { loadAssets } from "../plugins/assets.ts";
import { call, createSessionApp, createTestApp, expectJson as json } from "./helpers/app.ts";
import { testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { makeExperiment, SDK_AUTH, sdkCall } from "./helpers/sdk.ts";

interface V1Case {
  input: { experimentKey: string; variants: Array<{ name: string; weight: number }> };
  expected: Array<{ unit: string; variant: string }>;
}

/** Version 1 arms from the independent Python implementation (tools/gen_assignment_fixtures.py). */
const V1: Map<string, V1Case> = new Map(
  (JSON.parse(
    await Deno.readTextFile(
      new URL("../lib/experiments/testdata/assignment.json", import.meta.url),
    ),
  ).cases as V1Case[]).map((c) => [c.input.experimentKey, c]),
);

/** The migration before 0007: the schema an instance of the previous release runs on. */
const BEFORE_0007 = "0006_unit_pending";

/** An app on the database, and a server handler with the config cache and the fast path. */
async function appsOf(database: TestDatabase) {
  const { app } = await createTestApp(database.db);
  const cache = await ConfigCache.open(database);
  const deps = {
    db: database.db,
    config: { ...readConfig({ get: () => undefined }), logRequests: false },
    assets: await loadAssets(null),
    configCache: cache,
  };
  const handler = createHandler(deps, createApp(deps));
  const cached = {
    request: (path: string, init?: RequestInit) =>
      Promise.resolve(handler(new Request(`http://localhost${path}`, init))),
  };
  return { app, cached, cache };
}

testBothBackends(
  "a running version-1 experiment's customers keep their arms across migration 0007",
  async (_t, database) => {
    const { db } = database;
    await createTestApp(db); // the demo bank with its running `welcome-sms`, its SDK key
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
    });
    const down = await migrator.migrateTo(BEFORE_0007);
    assert.equal(down.error, undefined);
    // Made and running under the previous release: no hash_version column yet.
    for (const key of ["three-way", "skewed", "with-zero"]) {
      const [{ id }] = (await sql<{ id: string }>`insert into experiments
        (bank_id, key, name, status, started_at)
        values ('CC2', ${key}, ${key}, 'running', now()) returning id`.execute(db)).rows;
      for (const [position, v] of V1.get(key)!.input.variants.entries()) {
        await sql`insert into variants (experiment_id, bank_id, position, name, weight)
          values (${id}, 'CC2', ${position}, ${v.name}, ${v.weight})`.execute(db);
      }
    }

    await sql`insert into experiments (bank_id, key, name) values ('CC2', 'never-started', 'draft')`
      .execute(db);

    await migrateToLatest(db);
    const versions = await db.selectFrom("experiments")
      .select(["key", "hash_version", "status", "started_at"])
      .where("bank_id", "=", "CC2").execute();
    assert.ok(versions.length >= 6);
    for (const { key, hash_version, status, started_at } of versions) {
      // A draft that never started has given nobody an arm: it moves to the balanced rule.
      const expected = status === "draft" && started_at === null ? 2 : 1;
      assert.equal(hash_version, expected, key);
    }
    assert.equal(versions.find((v) => v.key === "never-started")?.hash_version, 2);
    assert.equal(versions.find((v) => v.key === "three-way")?.hash_version, 1);
    const [{ id: fresh }] = (await sql<{ id: string }>`insert into experiments
      (bank_id, key, name) values ('CC2', 'after-upgrade', 'after') returning id`.execute(db)).rows;
    const made = await db.selectFrom("experiments").select("hash_version")
      .where("id", "=", fresh).executeTakeFirstOrThrow();
    assert.equal(made.hash_version, 2, "an insert that names no version gets version 2");

    const { app, cached, cache } = await appsOf(database);
    try {
      // (`welcome-sms` keeps version 1 too, but its campaign's segment leaves unknown units out.)
      for (const key of ["three-way", "skewed", "with-zero"]) {
        const { input, expected } = V1.get(key)!;
        const cases = expected.filter((e) => e.unit !== "");
        // The test would notice a server that answered with version 2.
        const moved = cases.filter((e) =>
          assignVariant(key, e.unit, input.variants, 2) !== e.variant
        );
        assert.ok(moved.length >= 10, `${key}: only ${moved.length} would move`);
        for (const server of [app, cached]) {
          const batch = await sdkCall(server, "POST", "/api/v1/assignments", {
            experiment: key,
            units: cases.map((e) => e.unit),
          });
          assert.equal(batch.status, 200);
          assert.deepEqual(
            batch.body.assignments.map((a: { variant: string }) => a.variant),
            cases.map((e) => e.variant),
            key,
          );
          const sample = cases.filter((c, i) => i % 4 === 0 || !/^u\d+$/.test(c.unit));
          for (const e of sample) {
            const res = await server.request(
              `/api/v1/experiments/${key}/assignment?unit=${encodeURIComponent(e.unit)}`,
              { headers: SDK_AUTH },
            );
            assert.equal(res.status, 200);
            const body = await res.json();
            assert.equal(body.variant, e.variant, `${key} ${e.unit}`);
            assert.equal(body.hashVersion, 1);
          }
        }
      }
    } finally {
      await cache.close();
    }
  },
);

testBothBackends(
  "a new experiment gets hash version 2 through the API and splits sequential ids evenly",
  async (_t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    const arms = [
      { name: "control", description: "普通文案", weight: 1 },
      { name: "coupon", description: "满减券", weight: 1 },
    ];
    const created = await json(
      await call(app, growth, "POST", "/api/experiments", {
        key: "card-bind-coupon",
        name: "绑卡满减券",
        variants: arms,
      }),
      201,
    );
    assert.equal(created.experiment.hashVersion, 2);
    const read = await json(
      await call(app, growth, "GET", "/api/experiments/card-bind-coupon"),
      200,
    );
    assert.equal(read.experiment.hashVersion, 2);
    await json(await call(app, growth, "POST", "/api/experiments/card-bind-coupon/start"), 200);

    const single = await sdkCall(
      app,
      "GET",
      "/api/v1/experiments/card-bind-coupon/assignment?unit=C000000001",
    );
    assert.equal(single.status, 200);
    assert.equal(single.body.hashVersion, 2);
    assert.equal(single.body.variant, assignVariant("card-bind-coupon", "C000000001", arms, 2));

    const units = Array.from({ length: 10_000 }, (_, i) => `C${String(i + 1).padStart(9, "0")}`);
    const batch = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: "card-bind-coupon",
      units,
    });
    assert.equal(batch.status, 200);
    const variants = batch.body.assignments.map((a: { variant: string }) => a.variant);
    assert.deepEqual(variants, units.map((u) => assignVariant("card-bind-coupon", u, arms, 2)));
    const control = variants.filter((v) => v === "control").length;
    const chiSquare = 2 * (control - 5000) ** 2 / 5000;
    assert.ok(chiSquareSurvival(chiSquare, 1) > 0.001, `${control} / ${10_000 - control}`);
  },
);

testBothBackends(
  "promoting a version-1 iteration drafts the next one with version 2",
  async (_t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    const id = await makeExperiment(db, {
      key: "old-push",
      status: "decided",
      hashVersion: 1,
      variants: [{ name: "control", weight: 1 }, { name: "urgent", weight: 1 }],
    });
    await db.updateTable("experiments").set({ winner_variant: "urgent", decided_at: new Date() })
      .where("id", "=", id).execute();
    const promoted = await json(
      await call(app, growth, "POST", "/api/experiments/old-push/promote", {}),
      201,
    );
    assert.equal(promoted.decided.hashVersion, 1);
    assert.equal(promoted.next.hashVersion, 2);
  },
);
