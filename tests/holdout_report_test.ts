/**
 * The global holdout's report (`GET /api/holdout`, `/holdout`; issue 17): the population and each
 * metric's sums match a recount from the raw rows done here with plain loops, the statistics
 * match scipy (lib/governance/testdata/holdout.json, tools/gen_holdout_fixtures.py), bad input
 * is refused with its code, and the holdout is the same customers on two app instances and after
 * a restart, which answer `holdout` for any experiment.
 */
import assert from "node:assert/strict";
import { createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { openDatabase } from "../db/client.ts";
import { createMetric } from "../db/metrics.ts";
import { inHoldout, type StoredHoldout } from "../lib/governance/policy.ts";
import { call, createTestApp, DEMO_USERS, expectJson, sessionCookie } from "./helpers/app.ts";
import { testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { makeExperiment, SDK_AUTH } from "./helpers/sdk.ts";
import { loadAssets } from "../plugins/assets.ts";
import { readConfig } from "../fresh.config.ts";
import { jsonb } from "../db/json.ts";

interface Fixture {
  holdout: StoredHoldout;
  now: string;
  alpha: number;
  customers: string[];
  trackEvents: {
    bank: string;
    eventId: string;
    event: string;
    unit: string;
    value: number | null;
    occurredAt: string;
  }[];
  optOuts: { bank: string; unit: string; channel: string; createdAt: string }[];
  experimentEvents: { eventId: string; unit: string; type: "exposure"; occurredAt: string }[];
  inHoldout: string[];
  population: { total: number; holdout: number; rest: number };
  // deno-lint-ignore no-explicit-any
  metrics: any[];
}

const FIXTURE: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("../lib/governance/testdata/holdout.json", import.meta.url)),
);
const NOW = new Date(FIXTURE.now);
const METRICS = "card_apply_rate,deposit_amount,deposit_amount_capped,spend_per_visit,opt_out";
const ACTOR = { actorUserId: null, actor: "test" };

function close(actual: number | null, expected: number | null, what: string, tol = 1e-9) {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(actual !== null, `${what}: null, expected ${expected}`);
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol * scale, `${what}: ${actual} ≠ ${expected}`);
}

async function setUp(d: TestDatabase) {
  const { app } = await createTestApp(d.db, { now: () => NOW });
  const db = d.db;
  // A clean bank: only the fixture's rows.
  for (const table of ["track_events", "events", "opt_outs", "customers"] as const) {
    await db.deleteFrom(table).where("bank_id", "=", "CC2").execute();
  }
  const experiment = await db.selectFrom("experiments").where("bank_id", "=", "CC2")
    .where("key", "=", "welcome-sms").select("id").executeTakeFirstOrThrow();
  await db.insertInto("customers").values(FIXTURE.customers.map((unit, i) => ({
    bank_id: "CC2",
    unit,
    attributes: { stage: i % 3 ? "active" : "新客户", tags: ["工资代发"] },
    updated_at: new Date("2026-09-15T00:00:00Z"),
  }))).execute();
  for (let i = 0; i < FIXTURE.trackEvents.length; i += 500) {
    await db.insertInto("track_events").values(
      FIXTURE.trackEvents.slice(i, i + 500).map((e) => ({
        bank_id: e.bank,
        event_id: e.eventId,
        event: e.event,
        unit: e.unit,
        value: e.value,
        occurred_at: e.occurredAt,
        received_at: NOW,
      })),
    ).execute();
  }
  await db.insertInto("opt_outs").values(FIXTURE.optOuts.map((o) => ({
    bank_id: o.bank,
    unit: o.unit,
    channel: o.channel,
    created_at: new Date(o.createdAt),
  }))).execute();
  await db.insertInto("events").values(FIXTURE.experimentEvents.map((e) => ({
    bank_id: "CC2",
    event_id: e.eventId,
    experiment_id: experiment.id,
    unit: e.unit,
    type: e.type,
    value: null,
    occurred_at: e.occurredAt,
    received_at: NOW,
  }))).execute();
  const def = (key: string, d: object, zh: string) =>
    createMetric(db, ACTOR, "CC2", key, {
      name: { "zh-CN": zh, en: key },
      direction: "higher_is_better",
      windowHours: 24,
      ...d,
    } as never);
  await def("card_apply_rate", { kind: "proportion", event: "card_apply" }, "信用卡申请率");
  await def("deposit_amount", { kind: "mean", event: "deposit", aggregate: "sum" }, "存款净额");
  await def("deposit_amount_capped", {
    kind: "mean",
    event: "deposit",
    aggregate: "sum",
    cap: { type: "percentile", value: 0.9 },
  }, "存款净额（封顶）");
  await def("spend_per_visit", {
    kind: "ratio",
    numerator: { event: "spend", aggregate: "sum" },
    denominator: { event: "app_visit", aggregate: "count" },
  }, "每次访问消费");
  await setHoldout(db, FIXTURE.holdout);
  return {
    app,
    exec: await sessionCookie(db, DEMO_USERS.executive, NOW),
    growth: await sessionCookie(db, DEMO_USERS.growth, NOW),
    consultant: await sessionCookie(db, DEMO_USERS.consultant, NOW),
  };
}

async function setHoldout(db: TestDatabase["db"], holdout: StoredHoldout | null) {
  await db.deleteFrom("contact_policies").where("bank_id", "=", "CC2").execute();
  await db.insertInto("contact_policies").values({
    bank_id: "CC2",
    caps: jsonb([]),
    holdout: holdout === null ? null : jsonb(holdout),
    updated_at: NOW,
  }).execute();
}

/** The report recounted from the fixture's rows with plain loops. */
function recount() {
  const from = Date.parse(FIXTURE.holdout.startedAt);
  const to = NOW.getTime();
  const live = (bank: string, at: string) =>
    bank === "CC2" && Date.parse(at) >= from && Date.parse(at) < to;
  const population = new Set(FIXTURE.customers);
  for (const e of FIXTURE.trackEvents) if (live(e.bank, e.occurredAt)) population.add(e.unit);
  for (const e of FIXTURE.experimentEvents) if (live("CC2", e.occurredAt)) population.add(e.unit);
  const sums = {
    holdout: { n: 0, apply: 0, deposit: 0, spend: 0, visits: 0, optOut: 0 },
    rest: { n: 0, apply: 0, deposit: 0, spend: 0, visits: 0, optOut: 0 },
  };
  for (const unit of population) {
    const s = inHoldout(FIXTURE.holdout, unit) ? sums.holdout : sums.rest;
    s.n++;
    let applied = false;
    let opted = false;
    for (const e of FIXTURE.trackEvents) {
      if (e.unit !== unit || !live(e.bank, e.occurredAt)) continue;
      if (e.event === "card_apply") applied = true;
      if (e.event === "deposit") s.deposit += e.value ?? 0;
      if (e.event === "spend") s.spend += e.value ?? 0;
      if (e.event === "app_visit") s.visits++;
    }
    for (const o of FIXTURE.optOuts) {
      if (o.unit === unit && live(o.bank, o.createdAt)) opted = true;
    }
    if (applied) s.apply++;
    if (opted) s.optOut++;
  }
  return { population, sums };
}

testBothBackends(
  "the holdout report matches a recount from the raw rows and scipy",
  async (t, d) => {
    const { app, exec } = await setUp(d);
    const res = await call(app, exec, "GET", `/api/holdout?metrics=${METRICS}`);
    const body = await expectJson(res, 200);
    const { population, sums } = recount();

    await t.step("population and membership", () => {
      assert.equal(body.population.total, population.size);
      assert.equal(body.population.holdout, sums.holdout.n);
      assert.equal(body.population.rest, sums.rest.n);
      assert.deepEqual(body.population, FIXTURE.population);
      const held = [...population].filter((u) => inHoldout(FIXTURE.holdout, u)).sort();
      assert.deepEqual(held, FIXTURE.inHoldout); // TypeScript hash = the fixture's Python hash
      assert.ok(sums.holdout.n > 50 && sums.rest.n > 300);
      assert.deepEqual(body.holdout, {
        percent: FIXTURE.holdout.percent,
        startedAt: FIXTURE.holdout.startedAt,
      });
      assert.deepEqual(body.window, { from: FIXTURE.holdout.startedAt, to: FIXTURE.now });
    });

    await t.step("sums per group match the recount", () => {
      const m = (key: string) => body.metrics.find((x: { key: string }) => x.key === key);
      const arms = ["holdout", "rest"] as const;
      arms.forEach((arm, i) => {
        assert.equal(m("card_apply_rate").variants[i].count, sums[arm].apply, arm);
        close(m("deposit_amount").variants[i].sum, sums[arm].deposit, `${arm} deposit`, 1e-9);
        close(m("spend_per_visit").variants[i].numerator, sums[arm].spend, `${arm} spend`, 1e-9);
        assert.equal(m("spend_per_visit").variants[i].denominator, sums[arm].visits, arm);
        assert.equal(m("opt_out").variants[i].count, sums[arm].optOut, arm);
        assert.equal(m("deposit_amount").variants[i].units, sums[arm].n);
        assert.equal(m("deposit_amount").variants[i].name, arm);
      });
    });

    for (const expected of FIXTURE.metrics) {
      await t.step(`${expected.key} matches scipy`, () => {
        const got = body.metrics.find((x: { key: string }) => x.key === expected.key);
        assert.ok(got, expected.key);
        assert.equal(got.kind, expected.kind);
        expected.variants.forEach((v: Record<string, number>, i: number) => {
          for (const [field, value] of Object.entries(v)) {
            close(got.variants[i][field], value, `${expected.key} ${field}[${i}]`, 1e-9);
          }
        });
        if (expected.capValue !== undefined) close(got.capValue, expected.capValue, "cap", 1e-9);
        const c = got.comparison;
        for (const [field, value] of Object.entries(expected.comparison)) {
          if (Array.isArray(value)) {
            close(c[field][0], value[0], `${expected.key} ${field} low`, 1e-7);
            close(c[field][1], value[1], `${expected.key} ${field} high`, 1e-7);
          } else close(c[field], value as number | null, `${expected.key} ${field}`, 1e-7);
        }
        assert.equal(c.ciLevel, 1 - FIXTURE.alpha);
        assert.equal(c.significant, expected.comparison.pValue < FIXTURE.alpha);
      });
    }
  },
);

testBothBackends("the holdout report refuses bad input with its code", async (_t, d) => {
  const { app, exec, consultant } = await setUp(d);
  const cases: [string, number, string][] = [
    ["/api/holdout?metrics=card_apply_rate,没有的指标", 400, "UNKNOWN_METRIC"],
    ["/api/holdout?metrics=nope_metric", 400, "UNKNOWN_METRIC"],
    ["/api/holdout?metrics=conversion", 400, "METRIC_NOT_FOR_HOLDOUT"],
    ["/api/holdout", 400, "NO_METRICS"],
    ["/api/holdout?metrics=,,", 400, "NO_METRICS"],
    [
      `/api/holdout?metrics=${Array.from({ length: 11 }, (_, i) => `m${i}`).join(",")}`,
      400,
      "TOO_MANY_METRICS",
    ],
    ["/api/holdout?metrics=opt_out&bank=ZZ9", 404, "NOT_FOUND"],
  ];
  for (const [path, status, code] of cases) {
    const body = await expectJson(await call(app, exec, "GET", path), status);
    assert.equal(body.error.code, code, path);
  }
  const zh = await expectJson(
    await call(app, exec, "GET", "/api/holdout?metrics=nope_metric"),
    400,
  );
  assert.match(zh.error.message, /nope_metric/);
  const denied = await expectJson(
    await call(app, consultant, "GET", "/api/holdout?metrics=opt_out"),
    403,
  );
  assert.equal(denied.error.code, "FORBIDDEN");
  // No holdout: an answer without figures, and the page says how to set one.
  await setHoldout(d.db, null);
  const none = await expectJson(await call(app, exec, "GET", "/api/holdout?metrics=opt_out"), 200);
  assert.equal(none.holdout, null);
  assert.deepEqual(none.metrics, []);
  const page = await call(app, exec, "GET", "/holdout");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /data-testid="holdout-none"/);
  assert.match(html, /PUT \/api\/contact-policy/);
});

testBothBackends(
  "the holdout is the same customers on two instances and after a restart",
  async (_t, d) => {
    await setUp(d);
    await makeExperiment(d.db, {
      key: "payroll-push",
      variants: [{ name: "对照组", weight: 1 }, { name: "礼包", weight: 1 }],
    });
    const second = d.backend === "postgres"
      ? await openDatabase(d.url, { maxConnections: 2 })
      : null;
    const deps = async (db: TestDatabase) => ({
      db: db.db,
      config: { ...readConfig({ get: () => undefined }), logRequests: false },
      assets: await loadAssets(null),
      configCache: await ConfigCache.open(db),
    });
    const a = await deps(d);
    let b = await deps(second ? { ...second, backend: "postgres", url: d.url } : d);
    const units = Array.from({ length: 300 }, (_, i) => String(6225000001 + i));
    const held = async (handler: ReturnType<typeof createHandler>, key: string) => {
      const out: string[] = [];
      for (const unit of units) {
        const res = await handler(
          new Request(`http://localhost/api/v1/experiments/${key}/assignment?unit=${unit}`, {
            headers: SDK_AUTH,
          }),
        );
        const body = await res.json();
        assert.equal(res.status, 200);
        if (body.reason === "holdout") {
          assert.equal(body.variant, null);
          out.push(unit);
        }
      }
      return out;
    };
    try {
      const expected = units.filter((u) => inHoldout(FIXTURE.holdout, u));
      assert.ok(expected.length > 30);
      for (const key of ["welcome-sms", "payroll-push"]) {
        assert.deepEqual(await held(createHandler(a), key), expected, `instance a, ${key}`);
        assert.deepEqual(await held(createHandler(b), key), expected, `instance b, ${key}`);
      }
      await b.configCache.close();
      b = await deps(second ? { ...second, backend: "postgres", url: d.url } : d); // restarted
      assert.deepEqual(await held(createHandler(b), "payroll-push"), expected, "after a restart");
    } finally {
      await a.configCache.close();
      await b.configCache.close();
      await second?.close();
    }
  },
);
