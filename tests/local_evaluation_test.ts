/**
 * Local evaluation (issue 20): for 100,000 customers (sequential numeric ids, card numbers,
 * phone numbers, Chinese text ids) across experiments using every rule the payload covers —
 * weights, targeting with a campaign's segment, layers, the bank's holdout, QA units, hash
 * versions 1 and 2, a stopped experiment — the server's batch answers, the SDK client's local
 * answers and the edge worker's answers are the same; bandits and capped channels answer
 * `ask_server` locally and the server's answer through the worker. A stopped experiment stops in
 * a following SDK client within a second. `GET /api/v1/config`: ETag and 304, long poll, no
 * customer data, bad input and wrong keys refused.
 */
import assert from "node:assert/strict";
import { createApp, createHandler } from "../app.ts";
import { createCampaign } from "../db/campaigns.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { createExperiment } from "../db/experiments.ts";
import { jsonb } from "../db/json.ts";
import { createWorker } from "../edge/worker.ts";
import { readConfig } from "../fresh.config.ts";
import { loadAssets } from "../plugins/assets.ts";
import { createClient } from "../sdk/lensloop.ts";
import { createTestApp, TEST_SDK_KEY } from "./helpers/app.ts";
import { testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { SDK_AUTH, sdkCall } from "./helpers/sdk.ts";

/** LE_CUSTOMERS: fewer customers, to try a change quickly (the test is for 100,000). */
const N = Number(Deno.env.get("LE_CUSTOMERS") ?? 100_000);
const STAGES = ["prospect", "new", "active", "high_value", "inactive", "churned"];
const TAG_SETS = [["信用卡"], ["代发"], ["信用卡", "代发"], [], ["理财", "<b>"]];
const STARTED = new Date("2025-01-01T00:00:00Z");

interface Customer {
  unit: string;
  /** undefined: the bank sent nothing for this customer. */
  attributes?: { stage: string; tags: string[] };
  consent: boolean;
}

/** A quarter each: sequential numbers, card numbers, mobile numbers, Chinese text ids. */
function customers(): Customer[] {
  return Array.from({ length: N }, (_, i) => {
    const n = Math.floor(i / 4);
    const unit = [
      String(100_000_000 + n),
      `62220200${String(n * 7919).padStart(11, "0")}`,
      `1${38 + (n % 3)}${String(n * 13).padStart(8, "0")}`,
      `客户-王小明-${String(n).padStart(6, "0")}`,
    ][i % 4];
    const known = i % 11 !== 0;
    return {
      unit,
      attributes: known ? { stage: STAGES[i % 6], tags: TAG_SETS[i % 5] } : undefined,
      consent: i % 23 !== 0,
    };
  });
}

const THREE = [
  { name: "control", weight: 2 },
  { name: "coupon", weight: 3 },
  { name: "cash-back", weight: 5 },
];
const HALVES = [{ name: "control", weight: 0.5 }, { name: "treatment", weight: 0.5 }];

/** Experiment keys, and the ones compared on a subset only (each answer asks the server). */
const EXPERIMENTS = ["le-weights-v1", "le-segment-v2", "le-layer-a", "le-layer-b", "le-forced"];
const STOPPED = "le-stopped";
const SERVER_ONLY = ["le-capped", "le-bandit"];
const SUBSET = 1_000;

async function seed(database: TestDatabase, population: Customer[]) {
  const db = database.db;
  const segmented = await createCampaign(db, {
    bankId: "CC2",
    name: "信用卡分期（短信）",
    channel: "sms",
    segment: { stages: ["active", "high_value", "new"], tags: ["信用卡", "代发"] },
    description: "",
    createdBy: null,
  });
  const pushed = await createCampaign(db, {
    bankId: "CC2",
    name: "推送提醒",
    channel: "app_push",
    segment: {},
    description: "",
    createdBy: null,
  });
  await db.insertInto("layers")
    .values({
      bank_id: "CC2",
      key: "le-main",
      name: "短信主层",
      created_by: null,
      created_at: new Date(),
    })
    .execute();
  const base = { bankId: "CC2", status: "running" as const, startedAt: STARTED, createdBy: null };
  const make = (key: string, extra: Record<string, unknown>) =>
    createExperiment(db, {
      ...base,
      campaignId: null,
      key,
      name: key,
      variants: HALVES,
      ...extra,
    });
  await make("le-weights-v1", { variants: THREE, hashVersion: 1 });
  await make("le-segment-v2", {
    campaignId: segmented.id,
    targeting: { stages: ["active", "high_value"] },
  });
  const a = await make("le-layer-a", { variants: THREE });
  const b = await make("le-layer-b", { hashVersion: 1 });
  const forced = await make("le-forced", {});
  await make(STOPPED, { status: "stopped" });
  await make("le-capped", { campaignId: pushed.id });
  await make("le-bandit", { mode: "bandit", variants: THREE });
  await db.updateTable("experiments").set({ layer_key: "le-main", layer_lo: 0, layer_hi: 0.4 })
    .where("id", "=", a.id).execute();
  await db.updateTable("experiments").set({ layer_key: "le-main", layer_lo: 0.4, layer_hi: 0.75 })
    .where("id", "=", b.id).execute();
  // QA units: a test account, and customers of the population (one without consent).
  const qa = [
    { unit: "QA-测试-001", variant: "treatment" },
    { unit: population[1].unit, variant: "control" },
    { unit: population[46].unit, variant: "treatment" },
    { unit: population[23].unit, variant: "treatment" },
  ];
  await db.updateTable("experiments").set({ forced: jsonb(qa) }).where("id", "=", forced.id)
    .execute();
  await db.insertInto("contact_policies").values({
    bank_id: "CC2",
    caps: jsonb([{ channel: "app_push", max: 3, windowHours: 168 }]),
    quiet_hours: null,
    holdout: jsonb({ percent: 5, salt: "le-salt-2026", startedAt: "2026-01-01T00:00:00.000Z" }),
    retention_days: null,
    updated_by: null,
    updated_at: new Date(),
  }).execute();
}

async function setUp(database: TestDatabase) {
  await createTestApp(database.db); // the demo bank and its SDK key
  const population = customers();
  await seed(database, population);
  const cache = await ConfigCache.open(database);
  const deps = {
    db: database.db,
    config: { ...readConfig({ get: () => undefined }), logRequests: false },
    assets: await loadAssets(null),
    configCache: cache,
  };
  const handler = createHandler(deps, createApp(deps));
  const fetch =
    ((input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(handler(new Request(input, init)))) as typeof globalThis.fetch;
  const app = {
    request: (path: string, init?: RequestInit) => fetch(`http://localhost${path}`, init),
  };
  for (let i = 0; i < N; i += 10_000) {
    const put = await sdkCall(app, "PUT", "/api/v1/customers", {
      customers: population.slice(i, i + 10_000).filter((c) => c.attributes || !c.consent).map((
        c,
      ) => ({ unit: c.unit, attributes: c.attributes ?? {}, marketingConsent: c.consent })),
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
  }
  return { population, cache, fetch, app };
}

type Answer = { unit: string; variant: string | null; inExperiment: boolean; reason: string };

async function serverAnswers(
  app: { request(path: string, init?: RequestInit): Promise<Response> },
  key: string,
  units: string[],
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < units.length; i += 10_000) {
    const res = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: key,
      units: units.slice(i, i + 10_000),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    answers.push(...res.body.assignments);
  }
  return answers;
}

function factsOf(c: Customer) {
  if (!c.attributes && c.consent) return undefined;
  return { attributes: c.attributes ?? null, consent: c.consent };
}

function edgeUrl(key: string, c: Customer): string {
  const q = new URLSearchParams({ experiment: key, unit: c.unit });
  if (c.attributes) {
    q.set("stage", c.attributes.stage);
    for (const tag of c.attributes.tags) q.append("tag", tag);
  }
  if (!c.consent) q.set("consent", "false");
  return `http://edge.local/assignment?${q}`;
}

testBothBackends(
  "server, SDK client and edge worker answer 100,000 customers the same; a stop reaches the SDK within a second",
  async (t, database) => {
    const { population, cache, fetch, app } = await setUp(database);
    const client = createClient({ baseUrl: "http://localhost", sdkKey: TEST_SDK_KEY, fetch });
    const worker = createWorker({ baseUrl: "http://localhost", sdkKey: TEST_SDK_KEY, fetch });
    try {
      await client.ready();
      const units = population.map((c) => c.unit);
      const reasons = new Map<string, number>();
      const inLayer = new Map<string, string>();
      for (const key of [...EXPERIMENTS, STOPPED, ...SERVER_ONLY]) {
        await t.step(key, async () => {
          const subset = SERVER_ONLY.includes(key);
          const people = subset ? population.slice(0, SUBSET) : population;
          const server = await serverAnswers(app, key, subset ? units.slice(0, SUBSET) : units);
          const hashVersion = client.configOf(key)!.hashVersion;
          for (let i = 0; i < people.length; i++) {
            const c = people[i];
            const local = client.assign(key, c.unit, factsOf(c));
            if (subset && local.reason === "ask_server") {
              assert.deepEqual(
                await client.assign(key, c.unit, { ...factsOf(c), askServer: true }),
                server[i],
              );
            } else assert.deepEqual(local, server[i], `${key} ${c.unit}`);
            reasons.set(local.reason, (reasons.get(local.reason) ?? 0) + 1);
            if (subset && i >= 200) continue; // each asks the server: a sample is enough
            const res = await worker.fetch(new Request(edgeUrl(key, c)));
            assert.equal(res.status, 200);
            assert.deepEqual(await res.json(), { experiment: key, ...server[i], hashVersion });
            if (key.startsWith("le-layer") && server[i].inExperiment) {
              assert.equal(
                inLayer.get(c.unit),
                undefined,
                `${c.unit} in two experiments of a layer`,
              );
              inLayer.set(c.unit, key);
            }
          }
        });
      }
      for (
        const reason of [
          "not_running",
          "opted_out",
          "forced",
          "holdout",
          "not_targeted",
          "layer_excluded",
          "assigned",
          "ask_server",
        ]
      ) {
        assert.ok((reasons.get(reason) ?? 0) > 0, `some answer is ${reason}: ${[...reasons]}`);
      }

      await t.step("a stopped experiment stops in a following client within a second", async () => {
        const unit = population.find((c, i) =>
          i % 23 !== 0 && client.assign("le-weights-v1", c.unit, factsOf(c)).inExperiment
        )!;
        // Let this process's own work settle first: on PGlite the database, the server and the
        // client share one thread, and after 800,000 answers a collection can hold it for seconds
        // on a loaded machine (bench/README.md measures propagation in a process of its own).
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const asked = performance.now();
        await database.db.updateTable("experiments").set({ status: "stopped" })
          .where("bank_id", "=", "CC2").where("key", "=", "le-weights-v1").execute();
        // From the commit (the statement's return): the update itself may wait for PGlite's
        // single connection, busy with the assignments' background writes.
        const started = performance.now();
        while (client.assign("le-weights-v1", unit.unit, factsOf(unit)).reason !== "not_running") {
          if (performance.now() - started > 5000) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const ms = performance.now() - started;
        assert.ok(ms < 1000, `stopped in the client ${ms.toFixed(0)} ms after the commit`);
        console.log(
          `stop reached the SDK client ${ms.toFixed(0)} ms after its commit ` +
            `(the update took ${(started - asked).toFixed(0)} ms) [${database.backend}]`,
        );
        while (true) {
          const res = await worker.fetch(new Request(edgeUrl("le-weights-v1", unit)));
          if ((await res.json()).reason === "not_running") break;
          assert.ok(
            performance.now() - started < 1000,
            "not stopped in the worker within a second",
          );
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
    } finally {
      client.close();
      worker.close();
      await cache.close();
    }
  },
);

testBothBackends(
  "GET /api/v1/config: ETag and 304, long poll, no customer data, refusals",
  async (t, database) => {
    const { population, cache, fetch, app } = await setUp(database);
    try {
      const res = await app.request("/api/v1/config", { headers: SDK_AUTH });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      const etag = res.headers.get("etag")!;
      const body = await res.json();
      assert.equal(etag, `"${body.version}"`);
      assert.deepEqual(body.holdout, { percent: 5, salt: "le-salt-2026" });
      const forced = body.experiments.find((e: { key: string }) => e.key === "le-forced");
      assert.equal(forced.forced.length, 4);
      const capped = body.experiments.find((e: { key: string }) => e.key === "le-capped");
      assert.equal(capped.capped, true);
      assert.deepEqual(
        body.experiments.find((e: { key: string }) => e.key === "le-layer-b").layer,
        { key: "le-main", range: [0.4, 0.75] },
      );
      await t.step("no customer data: only the QA units' ids", () => {
        const text = JSON.stringify(body);
        const qa = new Set(forced.forced.map((f: { unit: string }) => f.unit));
        for (const c of population.slice(0, 2000)) {
          if (!qa.has(c.unit)) assert.ok(!text.includes(`"${c.unit}"`), c.unit);
        }
        for (const field of ["attributes", "marketingConsent", "consent", "optedOut", "stage"]) {
          assert.ok(!text.includes(`"${field}"`), field);
        }
      });
      await t.step("304 on If-None-Match (plain, weak, in a list)", async () => {
        for (const header of [etag, `W/${etag}`, `"old", ${etag}`]) {
          const again = await app.request("/api/v1/config", {
            headers: { ...SDK_AUTH, "if-none-match": header },
          });
          assert.equal(again.status, 304, header);
          assert.equal(again.headers.get("etag"), etag);
          assert.equal(await again.text(), "");
        }
        const stale = await app.request("/api/v1/config", {
          headers: { ...SDK_AUTH, "if-none-match": '"old"' },
        });
        assert.equal(stale.status, 200);
        await stale.body?.cancel();
      });
      await t.step("a long poll answers 304 after its wait, and at once on a change", async () => {
        let started = performance.now();
        const idle = await app.request("/api/v1/config?wait=1", {
          headers: { ...SDK_AUTH, "if-none-match": etag },
        });
        assert.equal(idle.status, 304);
        assert.ok(performance.now() - started >= 900);
        started = performance.now();
        const waiting = app.request("/api/v1/config?wait=30", {
          headers: { ...SDK_AUTH, "if-none-match": etag },
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        await database.db.updateTable("variants").set({ weight: 0.9 })
          .where("name", "=", "control")
          .where(
            "experiment_id",
            "in",
            (q) => q.selectFrom("experiments").select("id").where("key", "=", "le-layer-b"),
          ).execute();
        const changed = await waiting;
        assert.equal(changed.status, 200);
        const next = await changed.json();
        assert.notEqual(next.version, body.version);
        assert.equal(
          next.experiments.find((e: { key: string }) => e.key === "le-layer-b").variants[0].weight,
          0.9,
        );
        assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
      });
      await t.step("bad input and wrong keys: 4xx with a code", async () => {
        for (const query of ["wait=abc", "wait=61", "wait=-1", "wait=1.5", "since=1"]) {
          const bad = await sdkCall(app, "GET", `/api/v1/config?${query}`);
          assert.equal(bad.status, 400, query);
          assert.equal(bad.body.error.code, "VALIDATION_ERROR", query);
        }
        for (
          const headers of [{}, {
            authorization: "Bearer ll_not_a_key_of_any_bank_00000",
          }] as Record<string, string>[]
        ) {
          const res = await app.request("/api/v1/config", { headers });
          assert.equal(res.status, 401);
          assert.equal((await res.json()).error.code, "INVALID_SDK_KEY");
        }
        const stranger = createClient({
          baseUrl: "http://localhost",
          sdkKey: "ll_not_a_key_of_any_bank_00000",
          fetch,
        });
        await assert.rejects(stranger.ready(), { status: 401, code: "INVALID_SDK_KEY" });
        stranger.close();
        const worker = createWorker({ baseUrl: "http://localhost", sdkKey: TEST_SDK_KEY, fetch });
        for (
          const [url, status, code] of [
            ["/assignment?unit=C1", 400, "VALIDATION_ERROR"],
            ["/assignment?experiment=le-forced", 400, "VALIDATION_ERROR"],
            ["/assignment?experiment=Bad_Key&unit=C1", 400, "VALIDATION_ERROR"],
            ["/assignment?experiment=le-forced&unit=C1&consent=maybe", 400, "VALIDATION_ERROR"],
            ["/assignment?experiment=no-such-experiment&unit=C1", 404, "NOT_FOUND"],
            ["/elsewhere", 404, "NOT_FOUND"],
          ] as const
        ) {
          const res = await worker.fetch(new Request(`http://edge.local${url}`));
          assert.equal(res.status, status, url);
          assert.equal((await res.json()).error.code, code, url);
        }
        worker.close();
        // The server out of reach: 503, and the worker recovers once it answers again.
        let down = true;
        const flaky = ((input: RequestInfo | URL, init?: RequestInit) =>
          down
            ? Promise.reject(new TypeError("Connection refused"))
            : fetch(input, init)) as typeof globalThis.fetch;
        const edge = createWorker({
          baseUrl: "http://localhost",
          sdkKey: TEST_SDK_KEY,
          fetch: flaky,
        });
        const qa = `http://edge.local/assignment?experiment=le-forced&unit=${
          encodeURIComponent("QA-测试-001")
        }`;
        const unreachable = await edge.fetch(new Request(qa));
        assert.equal(unreachable.status, 503);
        assert.equal((await unreachable.json()).error.code, "UNAVAILABLE");
        down = false;
        const back = await edge.fetch(new Request(qa));
        assert.equal(back.status, 200);
        assert.deepEqual(await back.json(), {
          experiment: "le-forced",
          unit: "QA-测试-001",
          variant: "treatment",
          inExperiment: true,
          reason: "forced",
          hashVersion: 2,
        });
        edge.close();
        const client = createClient({ baseUrl: "http://localhost", sdkKey: TEST_SDK_KEY, fetch });
        assert.throws(() =>
          client.assign("le-forced", "C1"), { code: "NOT_READY" });
        await client.ready();
        assert.throws(() => client.assign("no-such-experiment", "C1"), { status: 404 });
        client.close();
      });
    } finally {
      await cache.close();
    }
  },
);
