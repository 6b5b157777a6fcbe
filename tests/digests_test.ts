/**
 * Scheduled digests (issue 18, part 4), on both backends: on a Monday after 09:00 in the bank's
 * time zone the per-minute round produces the bank's weekly digest of the week before and its
 * daily digest of the day before — once, even with two schedulers at once (on PostgreSQL, two
 * connection pools, as two instances) — with the week's decided experiment and its lift, the
 * started one and the alerts; each is delivered once per channel of its own bank as a signed
 * webhook message of type `digest`; a later round adds only the next day's daily digest. The
 * bank's time zone setting refuses unknown zones; the digest API and pages answer the bank's
 * readers only.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { Kysely } from "kysely";
import { createApp } from "../app.ts";
import { raiseAlert } from "../db/alerts.ts";
import { openDatabase } from "../db/client.ts";
import { listDigests } from "../db/digests.ts";
import type { Database } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import { loadAssets } from "../plugins/assets.ts";
import { type NotifyOptions, runRound } from "../routes/alerts/_scheduler.ts";
import { call, createTestApp, DEMO_USERS, expectJson, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { type Receiver, startReceiver } from "./helpers/receiver.ts";
import { makeExperiment } from "./helpers/sdk.ts";

const SECRET_KEY = "test-secret-key-for-digests-0123456789";
const HOUR = 3600_000;

async function setUp(db: Kysely<Database>, receiver: Receiver) {
  // Monday 30 November 2026, 09:30 in Shanghai (01:30 UTC).
  const clock = { t: new Date("2026-11-30T01:30:00Z") };
  const now = () => clock.t;
  const { config: base } = await createTestApp(db);
  // The demo's own experiments (started and decided at the real time) stay out of the counts.
  await db.updateTable("experiments").set({
    started_at: new Date("2025-06-01T00:00:00Z"),
    decided_at: null,
  }).execute();
  const config = { ...base, secretKey: SECRET_KEY, notifyAllowHosts: ["127.0.0.1"] };
  const app = createApp({ db, config, assets: await loadAssets(null), now });
  await createUser(db, {
    email: "growth@cc1.test",
    role: "growth",
    bankId: "CC1",
    passwordHash: await hashPassword("unused-password-1", 1000),
  });
  const s = {
    app,
    clock,
    notify: { secretKey: SECRET_KEY, allowHosts: ["127.0.0.1"] } as NotifyOptions,
    growth: await sessionCookie(db, DEMO_USERS.growth, clock.t),
    exec: await sessionCookie(db, DEMO_USERS.executive, clock.t),
    other: await sessionCookie(db, "growth@cc1.test", clock.t),
  };
  for (
    const [cookie, path, secret] of [
      [s.growth, "/cc2", "cc2-密钥"],
      [s.other, "/cc1", "cc1-secret"],
    ] as const
  ) {
    await expectJson(
      await call(s.app, cookie, "POST", "/api/notification-channels", {
        kind: "webhook",
        url: `${receiver.base}${path}`,
        secret,
      }),
      201,
    );
  }
  return s;
}

/** A decided A/B test of the week (2 % → 3 %: +50 %), one started, and an alert. */
async function weekOfWork(db: Kysely<Database>) {
  const decided = await makeExperiment(db, {
    key: "card-bind-sms-2",
    status: "decided",
    variants: [{ name: "对照组", weight: 1 }, { name: "满减券", weight: 1 }],
    startedAt: new Date("2026-11-10T02:00:00Z"),
  });
  await db.updateTable("experiments").set({
    name: "绑卡短信·第 2 轮",
    decided_at: new Date("2026-11-26T07:00:00Z"),
    stopped_at: new Date("2026-11-26T06:00:00Z"),
    winner_variant: "满减券",
  }).where("id", "=", decided).execute();
  for (
    const [variant, users, converters] of [["对照组", 1000, 20], ["满减券", 1000, 30]] as const
  ) {
    await db.insertInto("daily_stats").values({
      experiment_id: decided,
      bank_id: "CC2",
      variant,
      day: "2026-11-20",
      users,
      converters,
    }).execute();
  }
  const started = await makeExperiment(db, {
    key: "wake-dormant-push",
    variants: [{ name: "对照组", weight: 1 }, { name: "唤醒礼包", weight: 1 }],
    startedAt: new Date("2026-11-29T03:00:00Z"),
  });
  await db.updateTable("experiments").set({ name: "唤醒沉睡客户·推送", planned_sample_size: 8000 })
    .where("id", "=", started).execute();
  await db.transaction().execute((trx) =>
    raiseAlert(trx, {
      bankId: "CC2",
      experimentId: started,
      experiment: { key: "wake-dormant-push", name: "唤醒沉睡客户·推送" },
      type: "no_exposures",
      cause: "since:2026-11-29",
      summary: { "zh-CN": "已经 24 小时没有收到曝光事件", en: "No exposure events for 24 hours" },
      details: {},
    }, new Date("2026-11-29T12:00:00Z"))
  );
}

function digestMessages(receiver: Receiver, path: string) {
  return receiver.received.filter((r) => r.path === path).map((r) => {
    const ts = r.headers.get("x-lensloop-timestamp")!;
    const secret = path === "/cc2" ? "cc2-密钥" : "cc1-secret";
    const mac = createHmac("sha256", secret).update(`${ts}.${r.body}`).digest("hex");
    assert.equal(r.headers.get("x-lensloop-signature"), `sha256=${mac}`);
    return JSON.parse(r.body);
  }).filter((m) => m.type === "digest");
}

testBothBackends(
  "two schedulers produce one digest per bank, kind and period, each delivered once",
  async (_t, database) => {
    const { db } = database;
    const receiver = await startReceiver();
    const second = database.backend === "postgres"
      ? await openDatabase(database.url, { maxConnections: 5 })
      : null;
    try {
      const s = await setUp(db, receiver);
      await weekOfWork(db);
      const other = second?.db ?? db;
      const now = () => s.clock.t;
      await Promise.all([
        runRound(db, now, s.notify),
        runRound(other, now, s.notify),
        runRound(db, now, s.notify),
      ]);
      const digests = await listDigests(db, { bankId: "CC2" });
      assert.deepEqual(digests.map((d) => [d.kind, d.label]).sort(), [
        ["daily", "2026-11-29"],
        ["weekly", "2026-W48"],
      ]);
      const weekly = digests.find((d) => d.kind === "weekly")!;
      assert.equal(weekly.periodStart.toISOString(), "2026-11-22T16:00:00.000Z");
      assert.equal(weekly.periodEnd.toISOString(), "2026-11-29T16:00:00.000Z");
      assert.equal(weekly.timeZone, "Asia/Shanghai");
      assert.ok(weekly.content.kind === "weekly");
      assert.deepEqual(weekly.content.started.map((e) => e.key), ["wake-dormant-push"]);
      assert.equal(weekly.content.decided.length, 1);
      const lift = weekly.content.decided[0];
      assert.equal(lift.winner, "满减券");
      assert.ok(Math.abs(lift.lift! - 0.5) < 1e-9, String(lift.lift));
      assert.ok(lift.ci![0] < 0.5 && lift.ci![1] > 0.5);
      assert.equal(weekly.content.alerts.total, 1);
      const daily = digests.find((d) => d.kind === "daily")!;
      assert.ok(daily.content.kind === "daily");
      assert.ok(
        daily.content.running.some((r) => r.key === "wake-dormant-push" && r.planned === 8000),
      );
      assert.equal(daily.content.alerts.total, 1);

      // One delivery per digest and channel; the other bank's channel gets only its own.
      const cc2 = digestMessages(receiver, "/cc2");
      assert.deepEqual(cc2.map((m) => m.id).sort(), digests.map((d) => d.id).sort());
      assert.ok(cc2.every((m) => m.bankId === "CC2"));
      const weeklyMessage = cc2.find((m) => m.id === weekly.id);
      assert.match(weeklyMessage.summary["zh-CN"], /周报 · 2026-W48/);
      assert.match(weeklyMessage.summary["zh-CN"], /绑卡短信·第 2 轮/);
      assert.match(weeklyMessage.summary.en, /weekly digest · 2026-W48/);
      assert.match(weeklyMessage.summary.en, /\+50\.0%/);
      assert.equal(weeklyMessage.details.path, `/digests/${weekly.id}`);
      const cc1 = digestMessages(receiver, "/cc1");
      assert.equal(cc1.length, 2);
      assert.ok(cc1.every((m) => m.bankId === "CC1"));

      // The same minute again: nothing new. The next morning: the next daily digest only.
      await runRound(other, now, s.notify);
      assert.equal((await listDigests(db, { bankId: "CC2" })).length, 2);
      s.clock.t = new Date(s.clock.t.getTime() + 24 * HOUR);
      await Promise.all([runRound(db, now, s.notify), runRound(other, now, s.notify)]);
      const after = await listDigests(db, { bankId: "CC2" });
      assert.deepEqual(after.map((d) => d.label), ["2026-11-30", "2026-11-29", "2026-W48"]);
      assert.equal(digestMessages(receiver, "/cc2").length, 3);
    } finally {
      await second?.close();
      await receiver.close();
    }
  },
);

testBothBackends(
  "time zone, digest API and pages: bad input refused, only the bank's readers",
  async (_t, { db }) => {
    const receiver = await startReceiver();
    try {
      const s = await setUp(db, receiver);
      const put = (cookie: string, body: unknown) =>
        call(s.app, cookie, "PUT", "/api/bank-settings?bank=CC2", body);
      const bad = await expectJson(await put(s.growth, { timeZone: "Mars/Olympus_Mons" }), 400);
      assert.equal(bad.error.code, "TIME_ZONE_INVALID");
      assert.match(bad.error.message, /时区无效/);
      assert.equal(
        (await expectJson(await put(s.growth, { timeZone: "" }), 400)).error.code,
        "VALIDATION_ERROR",
      );
      assert.equal(
        (await expectJson(await put(s.growth, { timeZone: "Asia/Shanghai", hour: 8 }), 400))
          .error.code,
        "VALIDATION_ERROR",
      );
      assert.equal(
        (await expectJson(await put(s.exec, { timeZone: "Asia/Tokyo" }), 403)).error.code,
        "FORBIDDEN",
      );
      assert.equal(
        (await expectJson(await put(s.other, { timeZone: "Asia/Tokyo" }), 404)).error.code,
        "NOT_FOUND",
      );
      const ok = await expectJson(await put(s.growth, { timeZone: "europe/london" }), 200);
      assert.equal(ok.timeZone, "Europe/London");
      const read = await expectJson(
        await call(s.app, s.exec, "GET", "/api/bank-settings?bank=CC2"),
        200,
      );
      assert.equal(read.timeZone, "Europe/London");

      // 09:30 in Shanghai is 01:30 in London: no digest of the last day is due there yet.
      await runRound(db, () => s.clock.t, s.notify);
      const labels = (await listDigests(db, { bankId: "CC2" })).map((d) => d.label).sort();
      assert.deepEqual(labels, ["2026-11-28", "2026-W47"]);

      const list = await expectJson(
        await call(s.app, s.exec, "GET", "/api/digests?bank=CC2&kind=weekly"),
        200,
      );
      assert.deepEqual(list.digests.map((d: { label: string }) => d.label), ["2026-W47"]);
      const id = list.digests[0].id;
      assert.equal(
        (await expectJson(await call(s.app, s.exec, "GET", "/api/digests?kind=monthly"), 400))
          .error.code,
        "VALIDATION_ERROR",
      );
      const one = await expectJson(await call(s.app, s.exec, "GET", `/api/digests/${id}`), 200);
      assert.equal(one.digest.timeZone, "Europe/London");
      for (const path of [`/api/digests/${id}`, "/api/digests/not-a-digest"]) {
        assert.equal(
          (await expectJson(await call(s.app, s.other, "GET", path), 404)).error.code,
          "DIGEST_NOT_FOUND",
        );
      }
      const consultant = await sessionCookie(db, DEMO_USERS.consultant, s.clock.t);
      await expectJson(await call(s.app, consultant, "GET", "/api/digests?bank=CC2"), 403);

      const page = await call(s.app, s.exec, "GET", `/digests/${id}`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      assert.match(await page.text(), /周报 · 2026-W47/);
      const latest = await call(s.app, s.exec, "GET", "/digests/daily?bank=CC2");
      assert.equal(latest.status, 200);
      assert.match(await latest.text(), /日报 · 2026-11-28/);
      const foreign = await call(s.app, s.other, "GET", `/digests/${id}`);
      assert.equal(foreign.status, 404);
      await foreign.body?.cancel();
    } finally {
      await receiver.close();
    }
  },
);
