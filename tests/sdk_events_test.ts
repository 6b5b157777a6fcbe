import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { dailyStats, variantStats } from "../db/results.ts";
import type { Database } from "../db/schema.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment, sdkCall, startDemoExperimentAt } from "./helpers/sdk.ts";

const HALVES = [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }];
const armOf = (unit: string) => assignVariant("welcome-sms", unit, HALVES, 2)!;

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  const experimentId = await startDemoExperimentAt(db, new Date("2025-01-01T00:00:00Z"));
  const send = (events: unknown[]) => sdkCall(app, "POST", "/api/v1/events", { events });
  return { app, experimentId, send };
}

function exposure(id: string, unit: string, at: string) {
  return { id, type: "exposure", experiment: "welcome-sms", unit, at };
}
function conversion(id: string, unit: string, at: string, value?: number) {
  return { id, type: "conversion", experiment: "welcome-sms", unit, at, value };
}

async function snapshot(db: Kysely<Database>, experimentId: string) {
  return {
    totals: await variantStats(db, experimentId),
    daily: await dailyStats(db, experimentId),
    outcomes: await db.selectFrom("unit_outcomes").selectAll().orderBy("unit").execute(),
    events: (await db.selectFrom("events").select("event_id").execute()).length,
  };
}

testBothBackends(
  "the same batch twice: duplicates counted, aggregates unchanged",
  async (_t, { db }) => {
    const { experimentId, send } = await setUp(db);
    const batch = Array.from(
      { length: 300 },
      (_, i) =>
        i % 3 === 2
          ? conversion(`e${i}`, `U${Math.floor(i / 3)}`, "2025-01-02T12:00:00Z", 10)
          : exposure(`e${i}`, `U${Math.floor(i / 3)}`, "2025-01-02T10:00:00Z"),
    );
    const first = await send(batch);
    assert.equal(first.status, 200);
    assert.match(first.type, /application\/json/);
    assert.deepEqual(first.body, { accepted: 300, duplicates: 0, rejected: [] });
    const before = await snapshot(db, experimentId);
    const users = before.totals.reduce((n, v) => n + v.users, 0);
    assert.equal(users, 100);
    assert.equal(
      before.totals.reduce((n, v) => n + v.conversions, 0),
      100,
    );
    assert.equal(before.totals.reduce((n, v) => n + v.valueSum, 0), 1000);
    const second = await send(batch);
    assert.deepEqual(second.body, { accepted: 0, duplicates: 300, rejected: [] });
    assert.deepEqual(await snapshot(db, experimentId), before);
  },
);

testBothBackends("duplicates within one batch count once", async (_t, { db }) => {
  const { experimentId, send } = await setUp(db);
  const e = exposure("dup", "U1", "2025-01-02T10:00:00Z");
  const res = await send([
    e,
    e,
    { ...e, unit: "U2" },
    exposure("other", "U1", "2025-01-03T00:00:00Z"),
  ]);
  assert.deepEqual(res.body, { accepted: 2, duplicates: 2, rejected: [] });
  const totals = await variantStats(db, experimentId);
  assert.equal(totals.reduce((n, v) => n + v.users, 0), 1); // U2's copy of "dup" was dropped
});

testBothBackends("out-of-order events: counted by time, not by arrival", async (_t, { db }) => {
  const { experimentId, send } = await setUp(db);
  // A conversion arrives first: nothing counts until an exposure at or before it arrives.
  await send([conversion("c1", "A", "2025-01-05T12:00:00Z", 40)]);
  assert.equal((await variantStats(db, experimentId)).reduce((n, v) => n + v.users, 0), 0);
  await send([exposure("x1", "A", "2025-01-05T09:00:00Z")]);
  let a = (await variantStats(db, experimentId)).find((v) => v.variant === armOf("A"))!;
  assert.deepEqual([a.users, a.conversions, a.valueSum, a.valueSumSquares], [1, 1, 40, 1600]);
  // A conversion before the first exposure never counts …
  await send([
    exposure("x2", "B", "2025-01-05T12:00:00Z"),
    conversion("c2", "B", "2025-01-05T11:00:00Z", 5),
  ]);
  const b = () =>
    db.selectFrom("unit_outcomes").selectAll().where("unit", "=", "B").executeTakeFirstOrThrow();
  assert.equal((await b()).converted_at, null);
  // … unless an earlier exposure arrives later: the customer moves to that day's cohort.
  await send([exposure("x3", "B", "2025-01-04T23:00:00Z")]);
  const outcome = await b();
  assert.equal(new Date(outcome.first_exposure_at).toISOString(), "2025-01-04T23:00:00.000Z");
  assert.equal(new Date(outcome.converted_at!).toISOString(), "2025-01-05T11:00:00.000Z");
  assert.equal(outcome.value_sum, 5);
  const daily = (await dailyStats(db, experimentId)).filter((d) => d.users + d.conversions > 0);
  const bRows = daily.filter((d) => d.variant === armOf("B"));
  assert.ok(bRows.some((d) => d.day === "2025-01-04" && d.users >= 1 && d.conversions >= 1));
  // Totals equal a recount from the raw events.
  a = (await variantStats(db, experimentId)).find((v) => v.variant === armOf("A"))!;
  const total = (await variantStats(db, experimentId)).reduce(
    (s, v) => ({
      users: s.users + v.users,
      conversions: s.conversions + v.conversions,
      value: s.value + v.valueSum,
    }),
    { users: 0, conversions: 0, value: 0 },
  );
  assert.deepEqual(total, { users: 2, conversions: 2, value: 45 });
  const sumOfDays = (await dailyStats(db, experimentId)).reduce((n, d) => n + d.users, 0);
  assert.equal(sumOfDays, 2);
});

testBothBackends("value metrics: per-customer sums and sums of squares", async (_t, { db }) => {
  const { experimentId, send } = await setUp(db);
  const unit = "V1";
  await send([
    exposure("v-x", unit, "2025-01-02T10:00:00Z"),
    conversion("v-c1", unit, "2025-01-02T11:00:00Z", 100),
    conversion("v-c2", unit, "2025-01-03T11:00:00Z", 50),
  ]);
  await send([conversion("v-c3", unit, "2025-01-04T11:00:00Z", 25)]);
  const arm = (await variantStats(db, experimentId)).find((v) => v.variant === armOf(unit))!;
  assert.deepEqual(arm, {
    variant: armOf(unit),
    users: 1,
    conversions: 1,
    valueSum: 175,
    valueSumSquares: 175 ** 2,
    covariateSum: 0,
    covariateSumSquares: 0,
    covariateCross: 0,
  });
});

testBothBackends("per-event rejections name the index and a code", async (_t, { db }) => {
  const { app, experimentId, send } = await setUp(db);
  await makeExperiment(db, { key: "paused", variants: HALVES, status: "stopped" });
  await makeExperiment(db, { key: "targeted", variants: HALVES, targeting: { tags: ["vip"] } });
  await makeExperiment(db, { key: "bandit-x", mode: "bandit", variants: HALVES });
  await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["OUT"] });
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const res = await send([
    exposure("ok", "U1", "2025-01-02T10:00:00Z"),
    { id: "bad-type", type: "click", experiment: "welcome-sms", unit: "U1" },
    { ...exposure("unknown", "U1", "2025-01-02T10:00:00Z"), experiment: "nope" },
    { ...exposure("stopped", "U1", "2025-01-02T10:00:00Z"), experiment: "paused" },
    exposure("opted", "OUT", "2025-01-02T10:00:00Z"),
    { ...exposure("untargeted", "U1", "2025-01-02T10:00:00Z"), experiment: "targeted" },
    { ...exposure("unassigned", "U1", "2025-01-02T10:00:00Z"), experiment: "bandit-x" },
    exposure("future", "U1", future),
    exposure("early", "U1", "2024-12-31T23:59:59Z"),
    { ...exposure("exposure-value", "U1", "2025-01-02T10:00:00Z"), value: 3 },
    exposure("bad-time", "U1", "yesterday"),
    "not an object",
    exposure("ok2", "U2", "2025-01-02T10:00:00+08:00"),
  ]);
  assert.equal(res.status, 200);
  assert.equal(res.body.accepted, 2);
  assert.equal(res.body.duplicates, 0);
  assert.deepEqual(
    res.body.rejected.map((
      r: { index: number; error: { code: string } },
    ) => [r.index, r.error.code]),
    [
      [1, "VALIDATION_ERROR"],
      [2, "UNKNOWN_EXPERIMENT"],
      [3, "NOT_RUNNING"],
      [4, "OPTED_OUT"],
      [5, "NOT_TARGETED"],
      [6, "NOT_ASSIGNED"],
      [7, "FUTURE_TIMESTAMP"],
      [8, "BEFORE_START"],
      [9, "VALIDATION_ERROR"],
      [10, "VALIDATION_ERROR"],
      [11, "VALIDATION_ERROR"],
    ],
  );
  for (const r of res.body.rejected) assert.ok(r.error.message.length > 0);
  assert.equal((await variantStats(db, experimentId)).reduce((n, v) => n + v.users, 0), 2);
  // A bandit unit counts in its stored arm once it was assigned.
  const arm =
    (await sdkCall(app, "GET", "/api/v1/experiments/bandit-x/assignment?unit=U1")).body.variant;
  const again = await send([{
    ...exposure("unassigned", "U1", "2025-01-02T10:00:00Z"),
    experiment: "bandit-x",
  }]);
  assert.deepEqual(again.body, { accepted: 1, duplicates: 0, rejected: [] });
  const bandit = await db.selectFrom("unit_outcomes").select("variant").where("unit", "=", "U1")
    .where("experiment_id", "!=", experimentId).executeTakeFirstOrThrow();
  assert.equal(bandit.variant, arm);
});

testBothBackends("an opt-out stops later events; earlier ones stay counted", async (_t, { db }) => {
  const { app, experimentId, send } = await setUp(db);
  await send([exposure("before", "U1", "2025-01-02T10:00:00Z")]);
  await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["U1"] });
  const res = await send([conversion("after", "U1", "2025-01-02T11:00:00Z")]);
  assert.equal(res.body.rejected[0].error.code, "OPTED_OUT");
  const totals = await variantStats(db, experimentId);
  assert.equal(totals.reduce((n, v) => n + v.users, 0), 1);
  assert.equal(totals.reduce((n, v) => n + v.conversions, 0), 0);
});

testBothBackends(
  "events without a time are stamped with the server's clock",
  async (_t, { db }) => {
    const { experimentId, send } = await setUp(db);
    const before = Date.now();
    const res = await send([{
      id: "now",
      type: "exposure",
      experiment: "welcome-sms",
      unit: "U9",
    }]);
    assert.equal(res.body.accepted, 1);
    const row = await db.selectFrom("events").select("occurred_at").where("event_id", "=", "now")
      .executeTakeFirstOrThrow();
    assert.ok(new Date(row.occurred_at).getTime() >= before - 1000);
    assert.equal((await dailyStats(db, experimentId)).length, 1);
  },
);

testBothBackends("a full batch of 5,000 events is stored at once", async (_t, { db }) => {
  const { experimentId, send } = await setUp(db);
  const events = Array.from(
    { length: 5_000 },
    (_, i) =>
      i % 2
        ? conversion(`f${i}`, `F${i >> 1}`, "2025-01-03T00:00:00Z", 1)
        : exposure(`f${i}`, `F${i >> 1}`, "2025-01-02T00:00:00Z"),
  );
  const res = await send(events);
  assert.deepEqual(res.body, { accepted: 5_000, duplicates: 0, rejected: [] });
  const totals = await variantStats(db, experimentId);
  assert.equal(totals.reduce((n, v) => n + v.users, 0), 2_500);
  assert.equal(totals.reduce((n, v) => n + v.conversions, 0), 2_500);
});
