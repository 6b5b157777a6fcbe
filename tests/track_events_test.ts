/**
 * `track` events on `POST /api/v1/events` (issue 16) on both backends: stored exactly once per
 * id across retries and across kinds (one id space with exposures and conversions), per-event
 * rejections that refuse only the bad entry, customers' own facts stored even after an
 * opt-out, mixed batches with correct counts, and the SDK module's `track`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { createSdkKey } from "../db/sdk_keys.ts";
import { variantStats } from "../db/results.ts";
import type { Database } from "../db/schema.ts";
import { ensureSdkBuilt } from "../tools/build_sdk.ts";
import { createTestApp, jsonRequest, TEST_SDK_KEY } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { sdkCall, startDemoExperimentAt } from "./helpers/sdk.ts";

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  const experimentId = await startDemoExperimentAt(db, new Date("2025-01-01T00:00:00Z"));
  const send = (events: unknown[]) => sdkCall(app, "POST", "/api/v1/events", { events });
  return { app, experimentId, send };
}

const track = (id: string, event: string, unit: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: "track",
  event,
  unit,
  ...extra,
});
const exposure = (id: string, unit: string) => ({
  id,
  type: "exposure",
  experiment: "welcome-sms",
  unit,
  at: "2025-01-02T10:00:00Z",
});
const conversion = (id: string, unit: string, value: number) => ({
  id,
  type: "conversion",
  experiment: "welcome-sms",
  unit,
  value,
  at: "2025-01-02T12:00:00Z",
});

async function stored(db: Kysely<Database>, bankId = "CC2") {
  const rows = await db.selectFrom("track_events")
    .select(["event_id", "event", "unit", "value", "occurred_at"])
    .where("bank_id", "=", bankId).orderBy("event_id").execute();
  return rows.map((r) => ({ ...r, occurred_at: r.occurred_at.toISOString() }));
}

async function experimentEventIds(db: Kysely<Database>) {
  const rows = await db.selectFrom("events").select("event_id")
    .where("event_id", "not like", "demo-%").orderBy("event_id").execute();
  return rows.map((r) => r.event_id);
}

testBothBackends("track events: stored once, whatever the retries", async (t, { db }) => {
  const { send } = await setUp(db);
  const batch = [
    track("T100000001", "card_bound", "C100000001", { at: "2025-03-01T09:30:00+08:00" }),
    track("T100000002", "deposit", "6222021234567890", { value: 5000.5 }),
    track("T100000003", "deposit", "13800138000", { value: -1200.25 }),
    track("T100000004", "login", "客户甲", { at: "2019-12-31T23:59:59Z" }),
    track("T100000005", "deposit", "C100000001", { value: 0 }),
  ];

  await t.step("first send: all accepted, each field as sent", async () => {
    const res = await send(batch);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { accepted: 5, duplicates: 0, rejected: [] });
    const rows = await stored(db);
    assert.deepEqual(rows.map((r) => [r.event_id, r.event, r.unit, r.value]), [
      ["T100000001", "card_bound", "C100000001", null],
      ["T100000002", "deposit", "6222021234567890", 5000.5],
      ["T100000003", "deposit", "13800138000", -1200.25],
      ["T100000004", "login", "客户甲", null],
      ["T100000005", "deposit", "C100000001", 0],
    ]);
    assert.equal(rows[0].occurred_at, "2025-03-01T01:30:00.000Z");
    assert.equal(rows[3].occurred_at, "2019-12-31T23:59:59.000Z");
    // No `at`: the time the server received it (the app's clock, within the test's run).
    const received = Date.parse(rows[1].occurred_at);
    assert.ok(Math.abs(received - Date.now()) < 120_000, rows[1].occurred_at);
  });

  await t.step("the same batch again, three times: all duplicates, nothing changes", async () => {
    const before = await stored(db);
    for (let i = 0; i < 3; i++) {
      const res = await send(batch);
      assert.deepEqual(res.body, { accepted: 0, duplicates: 5, rejected: [] });
    }
    assert.deepEqual(await stored(db), before);
  });

  await t.step("a resend with other fields keeps the first version", async () => {
    const res = await send([track("T100000002", "deposit", "6222021234567890", { value: 9 })]);
    assert.deepEqual(res.body, { accepted: 0, duplicates: 1, rejected: [] });
    const row = (await stored(db)).find((r) => r.event_id === "T100000002")!;
    assert.equal(row.value, 5000.5);
  });

  await t.step("an id twice in one batch counts once (the first)", async () => {
    const res = await send([
      track("T200000001", "deposit", "C100000002", { value: 1 }),
      track("T200000001", "deposit", "C100000002", { value: 2 }),
    ]);
    assert.deepEqual(res.body, { accepted: 1, duplicates: 1, rejected: [] });
    const row = (await stored(db)).find((r) => r.event_id === "T200000001")!;
    assert.equal(row.value, 1);
  });

  await t.step("concurrent sends of one batch store each event once", async () => {
    const many = Array.from(
      { length: 400 },
      (_, i) => track(`P${300000000 + i}`, "deposit", `C${100000000 + (i % 37)}`, { value: i }),
    );
    const answers = await Promise.all([send(many), send(many), send(many.slice().reverse())]);
    for (const a of answers) assert.equal(a.status, 200);
    const accepted = answers.reduce((n, a) => n + a.body.accepted, 0);
    const duplicates = answers.reduce((n, a) => n + a.body.duplicates, 0);
    assert.equal(accepted, 400);
    assert.equal(duplicates, 800);
    const rows = await stored(db);
    assert.equal(rows.filter((r) => r.event_id.startsWith("P")).length, 400);
  });
});

testBothBackends(
  "track events share the id space with exposures and conversions",
  async (t, { db }) => {
    const { send, experimentId } = await setUp(db);

    await t.step("an exposure's id sent as a track event is a duplicate", async () => {
      assert.deepEqual((await send([exposure("E100000001", "C100000001")])).body, {
        accepted: 1,
        duplicates: 0,
        rejected: [],
      });
      const res = await send([track("E100000001", "card_bound", "C100000001")]);
      assert.deepEqual(res.body, { accepted: 0, duplicates: 1, rejected: [] });
      assert.deepEqual(await stored(db), []);
    });

    await t.step(
      "a track event's id sent as an exposure or conversion is a duplicate",
      async () => {
        await send([track("T100000001", "card_bound", "C100000002")]);
        const before = await variantStats(db, experimentId);
        const res = await send([
          exposure("T100000001", "C100000002"),
          conversion("T100000001", "C100000001", 10),
        ]);
        assert.deepEqual(res.body, { accepted: 0, duplicates: 2, rejected: [] });
        assert.deepEqual(await variantStats(db, experimentId), before);
        assert.deepEqual(await experimentEventIds(db), ["E100000001"]);
      },
    );

    await t.step("in one batch, the first of an id wins, whatever its type", async () => {
      const res = await send([
        track("M1", "card_bound", "C100000003"),
        exposure("M1", "C100000003"),
        exposure("M2", "C100000004"),
        track("M2", "card_bound", "C100000004"),
      ]);
      assert.deepEqual(res.body, { accepted: 2, duplicates: 2, rejected: [] });
      assert.ok((await stored(db)).some((r) => r.event_id === "M1"));
      assert.ok(!(await stored(db)).some((r) => r.event_id === "M2"));
      assert.ok((await experimentEventIds(db)).includes("M2"));
      assert.ok(!(await experimentEventIds(db)).includes("M1"));
    });

    await t.step("a refused exposure does not take its id from a later track event", async () => {
      const res = await send([
        { ...exposure("R1", "C100000005"), experiment: "no-such-test" },
        track("R1", "card_bound", "C100000005"),
      ]);
      assert.equal(res.body.accepted, 1);
      assert.equal(res.body.duplicates, 0);
      assert.deepEqual(res.body.rejected.map((r: { index: number }) => r.index), [0]);
    });

    await t.step("another bank has its own id space", async () => {
      const key = "ll_test_key_for_bank_cc1_track_0123456789";
      await createSdkKey(db, { bankId: "CC1", createdBy: null, plainKey: key });
      const { app } = await createTestApp(db);
      const res = await app.request(
        "/api/v1/events",
        jsonRequest("POST", { events: [track("T100000001", "card_bound", "C100000002")] }, {
          authorization: `Bearer ${key}`,
        }),
      );
      assert.deepEqual(await res.json(), { accepted: 1, duplicates: 0, rejected: [] });
      assert.equal((await stored(db, "CC1")).length, 1);
    });
  },
);

testBothBackends(
  "a bad track event rejects only itself, with a coded reason",
  async (t, { db }) => {
    const { app, send } = await setUp(db);
    const name64 = "e".repeat(64);
    const cases: Array<[string, unknown, string]> = [
      ["NUL in the id", track("bad\u0000id", "card_bound", "C100000001"), "INVALID_TEXT"],
      ["lone surrogate in the id", track("bad\ud800", "card_bound", "C100000001"), "INVALID_TEXT"],
      ["NUL in the unit", track("U-nul", "card_bound", "C1\u00000"), "INVALID_TEXT"],
      ["lone surrogate in the unit", track("U-sur", "card_bound", "客户\udc00"), "INVALID_TEXT"],
      ["event name Card-Bound", track("N1", "Card-Bound", "C100000001"), "INVALID_EVENT_NAME"],
      ["event name of 65", track("N2", "e".repeat(65), "C100000001"), "INVALID_EVENT_NAME"],
      ["empty event name", track("N3", "", "C100000001"), "INVALID_EVENT_NAME"],
      ["event name with NUL", track("N4", "card\u0000bound", "C100000001"), "INVALID_EVENT_NAME"],
      ["event name in Chinese", track("N5", "绑卡", "C100000001"), "INVALID_EVENT_NAME"],
      ["no event name", { id: "N6", type: "track", unit: "C100000001" }, "INVALID_EVENT_NAME"],
      ["value as text", track("V1", "deposit", "C100000001", { value: "100" }), "VALIDATION_ERROR"],
      [
        "value over 1e12",
        track("V2", "deposit", "C100000001", { value: 2e12 }),
        "VALIDATION_ERROR",
      ],
      ["value null", track("V3", "deposit", "C100000001", { value: null }), "VALIDATION_ERROR"],
      [
        "unit as a number",
        { ...track("U1", "deposit", ""), unit: 6222021234567890 },
        "VALIDATION_ERROR",
      ],
      ["empty unit", track("U2", "deposit", ""), "VALIDATION_ERROR"],
      ["no id", { type: "track", event: "deposit", unit: "C100000001" }, "VALIDATION_ERROR"],
      ["an experiment on a track event", {
        ...track("X1", "deposit", "C100000001"),
        experiment: "welcome-sms",
      }, "VALIDATION_ERROR"],
      ["unknown field", track("X2", "deposit", "C100000001", { amount: 1 }), "VALIDATION_ERROR"],
      [
        "at without offset",
        track("A1", "deposit", "C100000001", { at: "2025-01-01 10:00" }),
        "VALIDATION_ERROR",
      ],
      [
        "at in the future",
        track("A2", "deposit", "C100000001", { at: "2099-01-01T00:00:00Z" }),
        "FUTURE_TIMESTAMP",
      ],
      [
        "type Track",
        { ...track("X3", "deposit", "C100000001"), type: "Track" },
        "VALIDATION_ERROR",
      ],
    ];
    for (const [label, bad, code] of cases) {
      await t.step(label, async () => {
        const good = track(`G-${label}`, "deposit", "C100000009", { value: -1 });
        const res = await send([good, bad, { ...good, id: `G2-${label}`, event: name64 }]);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.accepted, 2, JSON.stringify(res.body));
        assert.equal(res.body.duplicates, 0);
        assert.equal(res.body.rejected.length, 1);
        assert.equal(res.body.rejected[0].index, 1);
        assert.equal(res.body.rejected[0].error.code, code, JSON.stringify(res.body.rejected));
      });
    }
    await t.step("only the good entries were stored", async () => {
      const rows = await stored(db);
      assert.equal(rows.length, cases.length * 2);
      assert.ok(rows.every((r) => r.event_id.startsWith("G")));
      assert.ok(rows.every((r) => r.event === "deposit" || r.event === name64));
    });
    await t.step("a bad envelope is still a 400 for the whole request", async () => {
      const res = await sdkCall(
        app,
        "POST",
        "/api/v1/events",
        {
          events: [track("Z1", "deposit", "C1")],
          extra: true,
        },
      );
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, "VALIDATION_ERROR");
    });
  },
);

testBothBackends("mixed batches, opted-out customers and the SDK's track", async (t, { db }) => {
  const { app, send, experimentId } = await setUp(db);

  await t.step("track, exposure and conversion in one batch: counts by kind add up", async () => {
    const batch = [
      track("K1", "card_bound", "C100000001"),
      exposure("K2", "C100000001"),
      conversion("K3", "C100000001", 88.8),
      track("K4", "deposit", "C100000001", { value: -20 }),
      { ...exposure("K5", "C100000002"), experiment: "no-such-test" },
      track("K6", "Bad", "C100000002"),
      exposure("K2", "C100000003"),
    ];
    const res = await send(batch);
    assert.equal(res.body.accepted, 4);
    assert.equal(res.body.duplicates, 1);
    assert.deepEqual(
      res.body.rejected.map((r: { index: number; error: { code: string } }) => [
        r.index,
        r.error.code,
      ]),
      [[4, "UNKNOWN_EXPERIMENT"], [5, "INVALID_EVENT_NAME"]],
    );
    assert.deepEqual((await stored(db)).map((r) => r.event_id), ["K1", "K4"]);
    assert.deepEqual(await experimentEventIds(db), ["K2", "K3"]);
    const totals = await variantStats(db, experimentId);
    assert.equal(totals.reduce((n, v) => n + v.users, 0), 1);
    assert.equal(totals.reduce((n, v) => n + v.valueSum, 0), 88.8);
    const again = await send(batch);
    assert.equal(again.body.accepted, 0);
    assert.equal(again.body.duplicates, 5);
    assert.equal(again.body.rejected.length, 2);
  });

  await t.step("an opted-out customer's track events are stored, exposures are not", async () => {
    const optOut = await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["13800138000"] });
    assert.equal(optOut.status, 200);
    const res = await send([
      exposure("O1", "13800138000"),
      track("O2", "deposit", "13800138000", { value: 300 }),
    ]);
    assert.equal(res.body.accepted, 1);
    assert.deepEqual(res.body.rejected.map((r: { error: { code: string } }) => r.error.code), [
      "OPTED_OUT",
    ]);
    assert.ok((await stored(db)).some((r) => r.event_id === "O2" && r.value === 300));
  });

  await t.step("the served SDK module: track() and trackEvent()", async () => {
    await ensureSdkBuilt();
    const served = await app.request("/sdk/lensloop.js");
    assert.equal(served.status, 200);
    const file = join(await Deno.makeTempDir(), "lensloop.js");
    await Deno.writeTextFile(file, await served.text());
    const sdk = await import(`file://${file}`);
    const client = sdk.createClient({
      baseUrl: "http://lensloop.test/",
      sdkKey: TEST_SDK_KEY,
      fetch: (url: string, init: RequestInit) => app.request(new URL(url).pathname, init),
    });
    const first = await client.track("card_bound", "6222021234567890", undefined, {
      id: "S100000001",
      at: new Date("2025-02-03T04:05:06Z"),
    });
    assert.deepEqual(first, { accepted: 1, duplicates: 0, rejected: [] });
    const retry = await client.track("card_bound", "6222021234567890", undefined, {
      id: "S100000001",
    });
    assert.deepEqual(retry, { accepted: 0, duplicates: 1, rejected: [] });
    const deposit = await client.track("deposit", "客户乙", -99.5);
    assert.equal(deposit.accepted, 1);
    const events = [
      sdk.trackEvent("deposit", "C100000007", 10, { id: "S100000002" }),
      sdk.trackEvent("deposit", "C100000007", 20, { id: "S100000003" }),
    ];
    assert.deepEqual(events[0], {
      id: "S100000002",
      type: "track",
      event: "deposit",
      unit: "C100000007",
      value: 10,
    });
    assert.deepEqual(await client.sendEvents(events), { accepted: 2, duplicates: 0, rejected: [] });
    await assert.rejects(() => client.track("Card-Bound", "C1"), (e: Error & { code: string }) => {
      assert.equal(e.code, "INVALID_EVENT_NAME");
      return true;
    });
    assert.throws(() => sdk.trackEvent("e".repeat(65), "C1"), /Invalid event name/);
    const rows = await stored(db);
    const s1 = rows.find((r) => r.event_id === "S100000001")!;
    assert.equal(s1.occurred_at, "2025-02-03T04:05:06.000Z");
    assert.ok(rows.some((r) => r.unit === "客户乙" && r.value === -99.5));
  });
});
