/**
 * The personal information lifecycle (issue 17, PIPL Art. 19 and 47): erasing a customer
 * (`DELETE /api/v1/customers/:unit`) leaves their id nowhere in the database while every
 * experiment's results stay the same, keeps them out of every experiment on every instance
 * until the bank re-imports them with consent; the retention purge removes old raw events and
 * leaves results as they were.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { openDatabase } from "../db/client.ts";
import { appendAudit } from "../db/audit.ts";
import { jsonb } from "../db/json.ts";
import { runRetention } from "../db/retention.ts";
import { createMetric } from "../db/metrics.ts";
import { DEMO_METRICS } from "../db/seed_metrics.ts";
import type { Database } from "../db/schema.ts";
import { readConfig } from "../fresh.config.ts";
import { loadAssets } from "../plugins/assets.ts";
import { call, createTestApp, DEMO_USERS, expectJson, sessionCookie } from "./helpers/app.ts";
import { testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";
import type { Kysely } from "kysely";

const HALVES = [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }];
/** Sequential customer ids, as banks number them. */
const unitOf = (n: number) => `62220210${String(n).padStart(5, "0")}`;
const ERASED = unitOf(17);
const LIBRARY = { primary: "conversion", secondary: ["deposit_30d"], guardrails: ["complaint_7d"] };

/** The bank's library gets the two track metrics the experiments read. */
async function defineMetrics(db: Kysely<Database>) {
  for (const m of DEMO_METRICS.filter((m) => m.key === "deposit_30d" || m.key === "complaint_7d")) {
    await createMetric(db, { actorUserId: null, actor: "test" }, "CC2", m.key, m.definition);
  }
}

type App = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/** An app instance with its own config cache (own connection on PostgreSQL). */
async function instance(d: TestDatabase) {
  const database = d.backend === "postgres" ? await openDatabase(d.url, { maxConnections: 3 }) : d;
  const cache = await ConfigCache.open(database);
  const handler = createHandler({
    db: database.db,
    config: { ...readConfig({ get: () => undefined }), logRequests: false },
    assets: await loadAssets(null),
    configCache: cache,
  });
  const app: App = {
    request: (path, init) => handler(new Request(new URL(path, "http://localhost"), init)),
  };
  return {
    app,
    async close() {
      await cache.close();
      if (database !== d) await database.close();
    },
  };
}

async function reasonOf(app: App, key: string, unit: string): Promise<string> {
  const res = await sdkCall(app, "GET", `/api/v1/experiments/${key}/assignment?unit=${unit}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.reason;
}

/** Polls until the instance answers `reason` (changes reach it through notifications). */
async function eventuallyReason(app: App, key: string, unit: string, reason: string) {
  const deadline = Date.now() + 3000;
  let last = "";
  while (Date.now() < deadline) {
    last = await reasonOf(app, key, unit);
    if (last === reason) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`${unit} in ${key}: ${last}, expected ${reason}`);
}

/** The results JSON without the times snapshots were computed (they may differ). */
function numbersOf(results: unknown): unknown {
  return JSON.parse(JSON.stringify(results, (k, v) => k === "computedAt" ? undefined : v));
}

/** Every text-like column of every table (information_schema) that contains `needle`. */
async function mentions(db: Kysely<Database>, needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
    order by 1, 2`.execute(db);
  assert.ok(columns.rows.length > 50, "the scan sees the schema");
  const found: string[] = [];
  for (const { table_name, column_name } of columns.rows) {
    const row = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)}
      where position(${needle} in cast(${sql.ref(column_name)} as text)) > 0`.execute(db);
    if (Number(row.rows[0].n) > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
}

async function sendEvents(app: App, key: string, units: number[], at: string) {
  const events = units.flatMap((n) => [
    { id: `ex-${key}-${n}`, experiment: key, unit: unitOf(n), type: "exposure", at },
    ...(n % 3 === 0 ? [] : [{
      id: `cv-${key}-${n}`,
      experiment: key,
      unit: unitOf(n),
      type: "conversion",
      value: n % 2 ? 120.5 * n : -35.25, // a refund is negative
      at,
    }]),
    {
      id: `dep-${key}-${n}`,
      type: "track",
      event: "deposit",
      unit: unitOf(n),
      value: 1000 + n,
      at,
    },
    ...(n % 5 === 0
      ? [{ id: `cmp-${key}-${n}`, type: "track", event: "complaint", unit: unitOf(n), at }]
      : []),
  ]);
  const res = await sdkCall(app, "POST", "/api/v1/events", { events });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.rejected, []);
}

testBothBackends(
  "an erased customer is nowhere in the database, results unchanged",
  async (t, d) => {
    const { app } = await createTestApp(d.db);
    await defineMetrics(d.db);
    const admin = await sessionCookie(d.db, DEMO_USERS.growth);
    const results = async (key: string) =>
      await expectJson(
        await call(app, admin, "GET", `/api/experiments/${key}/results?bank=CC2`),
        200,
      );
    const started = new Date("2026-10-01T00:00:00Z");
    const abId = await makeExperiment(d.db, {
      key: "erase-ab",
      variants: HALVES,
      startedAt: started,
    });
    await d.db.updateTable("experiments").set({ metrics: LIBRARY }).where("id", "=", abId)
      .execute();
    await makeExperiment(d.db, {
      key: "erase-bandit",
      mode: "bandit",
      variants: HALVES,
      startedAt: started,
    });
    await makeExperiment(d.db, { key: "erase-live", variants: HALVES, startedAt: started });
    const units = Array.from({ length: 30 }, (_, i) => i + 1);

    // Attributes, assignments, events, a sticky bandit arm, an opt-out, a contact, mentions.
    const put = await sdkCall(app, "PUT", "/api/v1/customers", {
      customers: [{ unit: ERASED, attributes: { stage: "新客", tags: ["理财", "代发工资"] } }],
    });
    assert.equal(put.status, 200);
    for (const n of units) assert.equal(await reasonOf(app, "erase-ab", unitOf(n)), "assigned");
    assert.equal(await reasonOf(app, "erase-bandit", ERASED), "assigned");
    assert.equal(await reasonOf(app, "erase-live", ERASED), "assigned");
    await sendEvents(app, "erase-ab", units, "2026-10-02T03:04:05Z");
    const optOut = await sdkCall(app, "POST", "/api/v1/opt-outs", {
      units: [ERASED],
      channel: "sms",
    });
    assert.equal(optOut.status, 200);
    await d.db.insertInto("contacts").values({
      experiment_id: abId,
      bank_id: "CC2",
      unit: ERASED,
      channel: "sms",
      contacted_at: new Date("2026-10-02T03:00:00Z"),
    }).execute();
    await d.db.updateTable("experiments")
      .set({
        forced: jsonb([{ unit: ERASED, variant: "coupon" }, { unit: "QA001", variant: "control" }]),
      })
      .where("key", "=", "erase-live").execute();
    await appendAudit(d.db, {
      actorUserId: null,
      actor: "growth@cc2.demo",
      bankId: "CC2",
      action: "experiment.forced",
      target: ERASED,
      details: { forced: [{ unit: ERASED }], note: `客户 "${ERASED}" 设为测试账号`, [ERASED]: 1 },
    });
    await sql`insert into alerts (bank_id, experiment_id, type, cause, summary, details, created_at)
    values ('CC2', ${abId}, 'guardrail', 'complaint_7d', ${jsonb({ text: "投诉" })},
      ${jsonb({ units: [ERASED, unitOf(18)] })}, now())`.execute(d.db);
    // The experiment ends; its results are what must not change.
    await d.db.updateTable("experiments")
      .set({ status: "stopped", stopped_at: new Date("2026-10-20T00:00:00Z") })
      .where("id", "=", abId).execute();
    const before = numbersOf(await results("erase-ab"));
    const banditBefore = numbersOf(await results("erase-bandit"));
    assert.ok((await mentions(d.db, ERASED)).length >= 8, "the customer is in many places first");

    let token = "";
    await t.step("DELETE erases: the id is nowhere, the numbers are the same", async () => {
      const res = await sdkCall(app, "DELETE", `/api/v1/customers/${ERASED}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.match(res.type, /application\/json/);
      assert.equal(res.body.erased, true);
      assert.match(res.body.token, /^erased:[0-9a-f-]{36}$/);
      token = res.body.token;
      assert.equal(res.body.suppressed, true);
      assert.equal(res.body.rows.customers, 1);
      assert.equal(res.body.rows.events, 2); // exposure and conversion (17 % 3 ≠ 0)
      assert.equal(res.body.rows.track_events, 1);
      assert.equal(res.body.rows.unit_outcomes, 1);
      assert.equal(res.body.rows.assignments, 1); // the bandit's sticky arm
      assert.equal(res.body.rows.opt_outs, 1);
      assert.equal(res.body.rows.contacts, 1);
      assert.equal(res.body.rows.audit_log, 1);
      assert.equal(res.body.rows.alerts, 1);
      assert.equal(res.body.rows.experiments, 1);
      assert.equal(
        res.body.changed,
        Object.values(res.body.rows as Record<string, number>).reduce((a, b) => a + b, 0),
      );
      assert.deepEqual(await mentions(d.db, ERASED), []);
      assert.deepEqual(numbersOf(await results("erase-ab")), before);
      assert.deepEqual(numbersOf(await results("erase-bandit")), banditBefore);
      // The token stands where the id was; its neighbours are untouched.
      const alert = await sql<{ details: unknown }>`select details from alerts
      where experiment_id = ${abId}`.execute(d.db);
      const details = alert.rows[0].details;
      assert.deepEqual(typeof details === "string" ? JSON.parse(details) : details, {
        units: [token, unitOf(18)],
      });
      const forced = await d.db.selectFrom("experiments").select("forced")
        .where("key", "=", "erase-live").executeTakeFirstOrThrow();
      assert.deepEqual(forced.forced, [
        { unit: token, variant: "coupon" },
        { unit: "QA001", variant: "control" },
      ]);
    });

    await t.step("the erasure is audited with the token, never the id", async () => {
      const entry = await d.db.selectFrom("audit_log").selectAll()
        .where("action", "=", "sdk.customer_erased").executeTakeFirstOrThrow();
      assert.equal(entry.bank_id, "CC2");
      assert.equal(entry.target, token);
      assert.ok(!JSON.stringify(entry).includes(ERASED));
      // The log stays append-only outside an erasure.
      await assert.rejects(
        sql`update audit_log set details = '{}' where id = ${entry.id}`.execute(d.db),
        /append-only/,
      );
    });

    await t.step("erasing again or an unknown unit changes nothing and answers 200", async () => {
      const again = await sdkCall(app, "DELETE", `/api/v1/customers/${ERASED}`);
      assert.equal(again.status, 200);
      assert.equal(again.body.changed, 0);
      assert.equal(again.body.suppressed, false);
      const unknown = await sdkCall(app, "DELETE", `/api/v1/customers/${unitOf(99999)}`);
      assert.equal(unknown.status, 200);
      assert.equal(unknown.body.changed, 0);
      assert.equal(unknown.body.suppressed, true); // never enrolled either
    });

    await t.step("the erased customer is opted_out on every instance, events refused", async () => {
      const a = await instance(d);
      const b = await instance(d);
      try {
        assert.equal(await reasonOf(a.app, "erase-live", unitOf(18)), "assigned");
        assert.equal(await reasonOf(a.app, "erase-live", ERASED), "opted_out");
        assert.equal(await reasonOf(b.app, "erase-live", ERASED), "opted_out");
        assert.equal(await reasonOf(b.app, "erase-bandit", ERASED), "opted_out");
        const batch = await sdkCall(b.app, "POST", "/api/v1/assignments", {
          experiment: "erase-live",
          units: [unitOf(16), ERASED],
        });
        assert.deepEqual(batch.body.assignments.map((x: { reason: string }) => x.reason), [
          "assigned",
          "opted_out",
        ]);
        const event = await sdkCall(a.app, "POST", "/api/v1/events", {
          events: [{ id: "late-1", experiment: "erase-live", unit: ERASED, type: "exposure" }],
        });
        assert.equal(event.body.rejected[0]?.error.code, "OPTED_OUT");
        const track = await sdkCall(a.app, "POST", "/api/v1/events", {
          events: [
            { id: "late-2", type: "track", event: "deposit", unit: ERASED, value: 5 },
            { id: "late-3", type: "track", event: "deposit", unit: unitOf(18), value: -5 },
          ],
        });
        assert.equal(track.body.accepted, 1);
        assert.deepEqual(track.body.rejected.map((r: { index: number }) => r.index), [0]);
        assert.deepEqual(await mentions(d.db, ERASED), []);

        // Re-imported with consent: the suppression is lifted, on the other instance too.
        const reimport = await sdkCall(a.app, "PUT", "/api/v1/customers", {
          customers: [{ unit: ERASED, marketingConsent: true }, { unit: unitOf(18) }],
        });
        assert.equal(reimport.status, 200);
        assert.deepEqual(reimport.body, { upserted: 2, unsuppressed: 1 });
        assert.equal(await reasonOf(a.app, "erase-live", ERASED), "assigned");
        await eventuallyReason(b.app, "erase-live", ERASED, "assigned");

        // Erased on instance a while b holds the bank in memory: b answers opted_out.
        const erase = await sdkCall(a.app, "DELETE", `/api/v1/customers/${ERASED}`);
        assert.equal(erase.status, 200);
        assert.equal(erase.body.suppressed, true);
        await eventuallyReason(b.app, "erase-live", ERASED, "opted_out");
        // Consent given without re-importing consent (attributes only) lifts nothing.
        const attributesOnly = await sdkCall(a.app, "PUT", "/api/v1/customers", {
          customers: [{ unit: ERASED, attributes: { stage: "老客" } }],
        });
        assert.deepEqual(attributesOnly.body, { upserted: 1 });
        assert.equal(await reasonOf(a.app, "erase-live", ERASED), "opted_out");
      } finally {
        await a.close();
        await b.close();
      }
    });

    await t.step("bad input: a too long unit, a NUL, no key", async () => {
      const long = await sdkCall(app, "DELETE", `/api/v1/customers/${"9".repeat(129)}`);
      assert.equal(long.status, 400);
      assert.equal(long.body.error.code, "VALIDATION_ERROR");
      const nul = await sdkCall(app, "DELETE", "/api/v1/customers/6222%000017");
      assert.equal(nul.status, 400);
      assert.match(nul.body.error.code, /^(INVALID_TEXT|VALIDATION_ERROR)$/);
      const anonymous = await app.request(`/api/v1/customers/${ERASED}`, { method: "DELETE" });
      assert.equal(anonymous.status, 401);
      await anonymous.body?.cancel();
    });
  },
);

testBothBackends("the retention purge removes old raw events and keeps results", async (t, d) => {
  const { app } = await createTestApp(d.db);
  await defineMetrics(d.db);
  const admin = await sessionCookie(d.db, DEMO_USERS.growth);
  const results = async (key: string) =>
    await expectJson(
      await call(app, admin, "GET", `/api/experiments/${key}/results?bank=CC2`),
      200,
    );
  const oldId = await makeExperiment(d.db, {
    key: "retain-old",
    variants: HALVES,
    startedAt: new Date("2026-01-05T00:00:00Z"),
  });
  await d.db.updateTable("experiments").set({ metrics: LIBRARY }).where("id", "=", oldId).execute();
  await sendEvents(app, "retain-old", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "2026-01-06T08:00:00Z");
  await d.db.updateTable("experiments")
    .set({ status: "stopped", stopped_at: new Date("2026-02-01T00:00:00Z") })
    .where("id", "=", oldId).execute();
  const liveId = await makeExperiment(d.db, {
    key: "retain-live",
    variants: HALVES,
    startedAt: new Date("2026-09-01T00:00:00Z"),
  });
  await d.db.updateTable("experiments").set({ metrics: LIBRARY }).where("id", "=", liveId)
    .execute();
  await sendEvents(app, "retain-live", [11, 12, 13, 14], "2026-09-02T08:00:00Z");
  const oldBefore = numbersOf(await results("retain-old"));
  const measured = (oldBefore as { metrics: Array<{ key: string; variants: { units: number }[] }> })
    .metrics.find((m) => m.key === "deposit_30d");
  assert.ok(measured && measured.variants.every((v) => v.units > 0), "deposits are measured");
  const liveBefore = numbersOf(await results("retain-live"));
  await d.db.insertInto("contact_policies")
    .values({ bank_id: "CC2", retention_days: 90, updated_at: new Date() }).execute();
  const count = async (table: "events" | "track_events", experimentId?: string) => {
    let q = d.db.selectFrom(table).where("bank_id", "=", "CC2");
    if (experimentId && table === "events") {
      q = q.where("experiment_id" as never, "=", experimentId as never);
    }
    const row = await q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const trackBefore = await count("track_events");
  const liveEvents = await count("events", liveId);
  const unitValues = async (experimentId: string) =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from metric_unit_values
        where experiment_id = ${experimentId}`.execute(d.db)).rows[0].n,
    );
  const oldUnitValues = await unitValues(oldId);
  const liveUnitValues = await unitValues(liveId);
  assert.ok(oldUnitValues > 0 && liveUnitValues > 0, "both experiments have per-customer values");
  assert.ok((await count("events", oldId)) > 0);

  const now = new Date("2026-11-30T12:00:00Z");
  await t.step("a purge: the ended experiment's raw events go, results stay", async () => {
    const [first, second] = await Promise.all([runRetention(d.db, now), runRetention(d.db, now)]);
    const runs = [...first, ...second].filter((o) => o.bankId === "CC2");
    assert.equal(runs.length, 1, "one instance runs the bank's purge");
    assert.equal(runs[0].frozen, 1);
    assert.equal(await count("events", oldId), 0);
    assert.equal(await count("events", liveId), liveEvents);
    // retain-old's track events (January) are gone; retain-live's (September) stay.
    assert.equal(runs[0].trackEvents, 12);
    assert.equal(await count("track_events"), trackBefore - 12);
    // The frozen experiment's per-customer metric values go with its raw events.
    assert.equal(runs[0].unitValues, oldUnitValues);
    assert.equal(await unitValues(oldId), 0);
    assert.equal(await unitValues(liveId), liveUnitValues);
    assert.deepEqual(numbersOf(await results("retain-old")), oldBefore);
    assert.deepEqual(numbersOf(await results("retain-live")), liveBefore);
    // Old snapshots are not recomputed from what is left.
    await d.db.updateTable("metric_snapshots" as never)
      .set({ computed_at: new Date("2026-03-01T00:00:00Z") } as never)
      .where("experiment_id" as never, "=", oldId as never).execute();
    assert.deepEqual(numbersOf(await results("retain-old")), oldBefore);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(numbersOf(await results("retain-old")), oldBefore);
    const audit = await d.db.selectFrom("audit_log").selectAll()
      .where("action", "=", "retention.purge").execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor, "system");
    assert.equal((audit[0].details as { events: number }).events, runs[0].events);
    assert.equal((audit[0].details as { unitValues: number }).unitValues, oldUnitValues);
  });

  await t.step("once a day: the same day runs nothing, the next day finds nothing", async () => {
    assert.deepEqual(await runRetention(d.db, new Date(now.getTime() + 3_600_000)), []);
    const next = await runRetention(d.db, new Date(now.getTime() + 86_400_000));
    assert.equal(next.length, 1);
    assert.equal(next[0].frozen + next[0].events + next[0].trackEvents + next[0].unitValues, 0);
    const audits = await d.db.selectFrom("audit_log").select("id")
      .where("action", "=", "retention.purge").execute();
    assert.equal(audits.length, 1, "a run that changed nothing is not audited");
  });
});
