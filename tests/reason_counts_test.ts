/**
 * Each assignment answer's reason is counted per experiment (issue 17): single answers through
 * the fast path and through the app, and every unit of a batch; the counts reach
 * `assignment_reason_counts` when flushed (added to what is there), are shown by
 * `GET /api/experiments/:key/reasons` and on the experiment's page, and survive a failed flush.
 */
import assert from "node:assert/strict";
import { jsonb } from "../db/json.ts";
import { createApp, createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import {
  addReasonCounts,
  flushReasonCounter,
  startReasonCountFlusher,
} from "../db/reason_counts.ts";
import { readConfig } from "../fresh.config.ts";
import { ReasonCounter } from "../lib/governance/reason_counter.ts";
import { loadAssets } from "../plugins/assets.ts";
import { call, createTestApp, DEMO_USERS, expectJson, sessionCookie } from "./helpers/app.ts";
import { testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { makeExperiment, SDK_AUTH } from "./helpers/sdk.ts";

async function setUp(d: TestDatabase) {
  await createTestApp(d.db);
  await d.db.insertInto("contact_policies").values({
    bank_id: "CC2",
    caps: jsonb([]),
    holdout: jsonb({ percent: 10, salt: "盐-cc2", startedAt: "2026-11-01T00:00:00Z" }),
    updated_at: new Date(),
  }).execute();
  await d.db.insertInto("opt_outs").values([
    { bank_id: "CC2", unit: "6221000003", channel: "*" },
    { bank_id: "CC2", unit: "6221000007", channel: "*" },
  ]).execute();
  const counter = new ReasonCounter();
  const deps = {
    db: d.db,
    config: { ...readConfig({ get: () => undefined }), logRequests: false },
    assets: await loadAssets(null),
    configCache: await ConfigCache.open(d),
    reasonCounter: counter,
  };
  const app = createApp(deps);
  const handler = createHandler(deps, app);
  const exec = await sessionCookie(d.db, DEMO_USERS.executive);
  return { counter, deps, app, handler, exec };
}

const units = Array.from({ length: 120 }, (_, i) => String(6221000001 + i));

testBothBackends("every answer's reason is counted and stored per experiment", async (t, d) => {
  const { counter, deps, app, handler, exec } = await setUp(d);
  try {
    const tally = new Map<string, number>();
    const seen = (reason: string) => tally.set(reason, (tally.get(reason) ?? 0) + 1);
    // Single answers through the server's handler (fast path once warm) and through the app.
    for (const unit of units) {
      const res = await handler(
        new Request(`http://localhost/api/v1/experiments/welcome-sms/assignment?unit=${unit}`, {
          headers: SDK_AUTH,
        }),
      );
      seen((await res.json()).reason);
    }
    for (const unit of units.slice(0, 10)) {
      const res = await app.request(`/api/v1/experiments/welcome-sms/assignment?unit=${unit}`, {
        headers: SDK_AUTH,
      });
      seen((await res.json()).reason);
    }
    // A batch counts each unit's answer (repeated units too).
    const batch = [...units.slice(0, 40), units[0]];
    const res = await app.request("/api/v1/assignments", {
      method: "POST",
      headers: { ...SDK_AUTH, "content-type": "application/json" },
      body: JSON.stringify({ experiment: "welcome-sms", units: batch }),
    });
    const body = await expectJson(res, 200);
    for (const a of body.assignments) seen(a.reason);
    assert.equal(body.assignments.length, batch.length);
    assert.ok((tally.get("holdout") ?? 0) > 0, "some customers are in the holdout");
    assert.ok((tally.get("opted_out") ?? 0) > 0);
    assert.ok((tally.get("assigned") ?? 0) > 0);

    await t.step("nothing is stored before the flush", async () => {
      const r = await expectJson(
        await call(app, exec, "GET", "/api/experiments/welcome-sms/reasons"),
        200,
      );
      assert.equal(r.total, 0);
    });

    await flushReasonCounter(d.db, counter, new Date());
    assert.ok(counter.empty);
    const total = [...tally.values()].reduce((s, n) => s + n, 0);
    const reasons = await expectJson(
      await call(app, exec, "GET", "/api/experiments/welcome-sms/reasons?bank=CC2"),
      200,
    );
    assert.equal(reasons.unit, "answers");
    assert.equal(reasons.total, total);
    for (const r of reasons.reasons) assert.equal(r.answers, tally.get(r.reason) ?? 0, r.reason);
    assert.deepEqual(reasons.reasons.map((r: { reason: string }) => r.reason).slice(0, 4), [
      "not_running",
      "opted_out",
      "forced",
      "holdout",
    ]);

    await t.step("a second flush adds to the stored answers", async () => {
      const again = await handler(
        new Request(`http://localhost/api/v1/experiments/welcome-sms/assignment?unit=${units[2]}`, {
          headers: SDK_AUTH,
        }),
      );
      const reason = (await again.json()).reason;
      await flushReasonCounter(d.db, counter, new Date());
      const after = await expectJson(
        await call(app, exec, "GET", "/api/experiments/welcome-sms/reasons"),
        200,
      );
      assert.equal(after.total, total + 1);
      assert.equal(
        after.reasons.find((r: { reason: string }) => r.reason === reason).answers,
        (tally.get(reason) ?? 0) + 1,
      );
    });

    await t.step("the experiment's page shows the answers, labelled as answers", async () => {
      const page = await call(app, exec, "GET", "/experiments/welcome-sms");
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /data-testid="reason-counts"/);
      assert.match(html, /回答次数，不是客户数/);
      assert.match(
        html,
        new RegExp(`data-reason="holdout" data-answers="${tally.get("holdout")}"`),
      );
    });
  } finally {
    await deps.configCache.close();
  }
});

testBothBackends(
  "reason counts: unknown experiments, deleted ones and failed flushes",
  async (_t, d) => {
    const { counter, deps, app, exec } = await setUp(d);
    try {
      const missing = await expectJson(
        await call(app, exec, "GET", "/api/experiments/no-such/reasons"),
        404,
      );
      assert.equal(missing.error.code, "NOT_FOUND");
      const bad = await expectJson(
        await call(app, exec, "GET", "/api/experiments/坏键/reasons"),
        404,
      );
      assert.equal(bad.error.code, "NOT_FOUND");
      // An experiment deleted before the flush is skipped; the others are stored.
      const gone = await makeExperiment(d.db, {
        key: "gone-soon",
        variants: [{ name: "a", weight: 1 }],
      });
      const welcome = await d.db.selectFrom("experiments").where("key", "=", "welcome-sms")
        .where("bank_id", "=", "CC2").select("id").executeTakeFirstOrThrow();
      counter.add({ id: gone, bankId: "CC2" }, "assigned", 5);
      counter.add({ id: welcome.id, bankId: "CC2" }, "quiet_hours", 3);
      await d.db.deleteFrom("experiments").where("id", "=", gone).execute();
      await flushReasonCounter(d.db, counter, new Date());
      const r = await expectJson(
        await call(app, exec, "GET", "/api/experiments/welcome-sms/reasons"),
        200,
      );
      assert.equal(
        r.reasons.find((x: { reason: string }) => x.reason === "quiet_hours").answers,
        3,
      );
      // A failed store keeps the counts for the next round.
      counter.add({ id: welcome.id, bankId: "CC2" }, "assigned", 7);
      const broken = { ...d.db, executeQuery: () => Promise.reject(new Error("down")) };
      await assert.rejects(() => flushReasonCounter(broken as never, counter, new Date()));
      assert.equal(counter.drain().find((e) => e.reason === "assigned")?.answers, 7);
      // The flusher's stop flushes what is left.
      counter.add({ id: welcome.id, bankId: "CC2" }, "not_targeted", 2);
      const stop = startReasonCountFlusher(d.db, counter, { everyMs: 60_000 });
      await stop();
      const after = await expectJson(
        await call(app, exec, "GET", "/api/experiments/welcome-sms/reasons"),
        200,
      );
      assert.equal(
        after.reasons.find((x: { reason: string }) => x.reason === "not_targeted").answers,
        2,
      );
      await addReasonCounts(d.db, [], new Date()); // nothing to add: no statement
    } finally {
      await deps.configCache.close();
    }
  },
);
