/**
 * Scheduled start and stop of experiments (issue 18, part 5), on both backends: the schedule
 * API refuses bad input with its codes (in the reader's language), a schedule also comes with
 * `POST`/`PATCH /api/experiments` and nothing is stored when it is refused; the per-minute
 * round starts a scheduled draft once at its time — two schedulers at once (on PostgreSQL, two
 * connection pools, as two instances) still start it once — audited as `system`, then stops it
 * on its date or once its planned sample is reached; a start the start path refuses is kept
 * with its reason, audited and raised as an alert instead of crashing the round.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { listAlerts } from "../db/alerts.ts";
import { openDatabase } from "../db/client.ts";
import { claimDueActions } from "../db/schedules.ts";
import type { Database } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import { runRound } from "../routes/alerts/_scheduler.ts";
import { carryOutClaimed, runSchedules } from "../routes/experiments/_schedule.ts";
import { call, createTestApp, DEMO_USERS, expectJson, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const HOUR = 3600_000;
const NOTIFY = { secretKey: "test-secret-key-for-schedules-0123", allowHosts: [] };

async function setUp(db: Kysely<Database>) {
  // Monday 30 November 2026, 10:00 in Shanghai.
  const clock = { t: new Date("2026-11-30T02:00:00Z") };
  const { app } = await createTestApp(db, { now: () => clock.t });
  await createUser(db, {
    email: "growth@cc1.test",
    role: "growth",
    bankId: "CC1",
    passwordHash: await hashPassword("unused-password-1", 1000),
  });
  return {
    app,
    clock,
    growth: await sessionCookie(db, DEMO_USERS.growth, clock.t),
    exec: await sessionCookie(db, DEMO_USERS.executive, clock.t),
    other: await sessionCookie(db, "growth@cc1.test", clock.t),
  };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

const DRAFT = {
  name: "信用卡激活短信·第 1 轮",
  variants: [{ name: "对照组", weight: 1 }, { name: "限时返现", weight: 1 }],
};

async function draft(s: Setup, key: string, extra: Record<string, unknown> = {}) {
  const res = await call(s.app, s.growth, "POST", "/api/experiments", { key, ...DRAFT, ...extra });
  return (await expectJson(res, 201)).experiment;
}

const at = (s: Setup, hours: number) => new Date(s.clock.t.getTime() + hours * HOUR).toISOString();

testBothBackends("the schedule API refuses bad input with its codes", async (_t, { db }) => {
  const s = await setUp(db);
  await draft(s, "activate-sms-1");
  const put = (body: unknown, cookie = s.growth, key = "activate-sms-1") =>
    call(s.app, cookie, "PUT", `/api/experiments/${key}/schedule`, body);
  const refused = async (body: unknown, status: number, code: string, cookie = s.growth) => {
    const out = await expectJson(await put(body, cookie), status);
    assert.equal(out.error.code, code, JSON.stringify(out));
    return out.error.message as string;
  };
  // The reader's language: no cookie and no Accept-Language, so Chinese.
  assert.equal(
    await refused({ startAt: at(s, 48), stopAt: at(s, 24) }, 400, "STOP_BEFORE_START"),
    "停止时间必须晚于启动时间",
  );
  await refused({ startAt: at(s, 24), stopAt: at(s, 24) }, 400, "STOP_BEFORE_START");
  await refused({ startAt: at(s, -1) }, 400, "START_IN_PAST");
  await refused({ stopAt: at(s, -0.5) }, 400, "STOP_IN_PAST");
  await refused({ startAt: at(s, 24 * 400) }, 400, "SCHEDULE_TOO_FAR");
  await refused({}, 400, "SCHEDULE_EMPTY");
  await refused({ startAt: null, stopWhenSampleReached: false }, 400, "SCHEDULE_EMPTY");
  await refused({ stopWhenSampleReached: true }, 400, "NO_PLANNED_SAMPLE");
  await refused({ startAt: "2026-12-07 09:00" }, 400, "VALIDATION_ERROR");
  await refused({ startAt: "2026-12-07T09:00:00" }, 400, "VALIDATION_ERROR");
  await refused({ startAt: 1796000000 }, 400, "VALIDATION_ERROR");
  await refused({ startAt: at(s, 24), when: "monday" }, 400, "VALIDATION_ERROR");
  await refused({ startAt: at(s, 24) }, 403, "FORBIDDEN", s.exec);
  await refused({ startAt: at(s, 24) }, 404, "NOT_FOUND", s.other);
  const malformed = await s.app.request("/api/experiments/activate-sms-1/schedule", {
    method: "PUT",
    headers: { "content-type": "application/json", cookie: s.growth },
    body: "{startAt:",
  });
  assert.equal((await expectJson(malformed, 400)).error.code, "MALFORMED_JSON");

  // The demo's welcome-sms is running: it cannot be scheduled to start, but it can stop.
  const running = (body: unknown) => put(body, s.growth, "welcome-sms");
  const notDraft = await expectJson(await running({ startAt: at(s, 24) }), 409);
  assert.equal(notDraft.error.code, "SCHEDULE_NOT_DRAFT");
  const stop = await expectJson(await running({ stopAt: at(s, 72) }), 200);
  assert.equal(stop.schedule.stopAt, at(s, 72));
  assert.equal(stop.schedule.startAt, null);
  assert.equal(stop.schedule.timeZone, "Asia/Shanghai");

  // Nothing was stored by the refusals; a good schedule is, with an offset read correctly.
  assert.equal(
    (await expectJson(await call(s.app, s.growth, "GET", "/api/experiments/activate-sms-1"), 200))
      .experiment.schedule,
    null,
  );
  const ok = await expectJson(
    await put({ startAt: "2026-12-07T09:00:00+08:00", stopAt: "2026-12-14T09:00:00+08:00" }),
    200,
  );
  assert.equal(ok.schedule.startAt, "2026-12-07T01:00:00.000Z");
  assert.equal(ok.schedule.stopAt, "2026-12-14T01:00:00.000Z");
  const audit = await db.selectFrom("audit_log").select(["actor", "details"])
    .where("action", "=", "experiment.schedule").where("target", "=", "activate-sms-1").execute();
  assert.deepEqual(audit.map((a) => a.actor), [DEMO_USERS.growth]);

  // The API reference documents the very schema that validates the body.
  const doc = await (await s.app.request("/api/openapi.json")).json();
  const documented = doc.paths["/api/experiments/{key}/schedule"].put.requestBody
    .content["application/json"].schema;
  assert.deepEqual(Object.keys(documented.properties).sort(), [
    "startAt",
    "stopAt",
    "stopWhenSampleReached",
  ]);
  assert.equal(documented.additionalProperties, false);

  // Executives read it; DELETE clears it.
  const read = await expectJson(
    await call(s.app, s.exec, "GET", "/api/experiments/activate-sms-1/schedule"),
    200,
  );
  assert.equal(read.schedule.startAt, "2026-12-07T01:00:00.000Z");
  await expectJson(
    await call(s.app, s.growth, "DELETE", "/api/experiments/activate-sms-1/schedule"),
    200,
  );
  assert.equal(
    (await expectJson(
      await call(s.app, s.growth, "GET", "/api/experiments/activate-sms-1/schedule"),
      200,
    )).schedule,
    null,
  );
});

testBothBackends(
  "a schedule comes with POST and PATCH /api/experiments; a refused one stores nothing",
  async (_t, { db }) => {
    const s = await setUp(db);
    const bad = await expectJson(
      await call(s.app, s.growth, "POST", "/api/experiments", {
        key: "wake-dormant-push",
        ...DRAFT,
        schedule: { startAt: at(s, 10), stopAt: at(s, 5) },
      }),
      400,
    );
    assert.equal(bad.error.code, "STOP_BEFORE_START");
    await expectJson(
      await call(s.app, s.growth, "GET", "/api/experiments/wake-dormant-push"),
      404,
    );
    // A planned sample from the calculator's inputs allows stopping on it.
    const made = await draft(s, "wake-dormant-push", {
      plan: { baselineRate: 0.02, minimumDetectableEffect: 0.5, effectType: "relative" },
      schedule: { startAt: at(s, 10), stopWhenSampleReached: true },
    });
    assert.equal(made.schedule.startAt, at(s, 10));
    assert.equal(made.schedule.stopWhenSampleReached, true);
    assert.ok(made.plannedSampleSize > 0);

    const patch = (body: unknown) =>
      call(s.app, s.growth, "PATCH", "/api/experiments/wake-dormant-push", body);
    const past = await expectJson(await patch({ schedule: { startAt: at(s, -2) } }), 400);
    assert.equal(past.error.code, "START_IN_PAST");
    const renamed = await expectJson(
      await patch({ name: "唤醒沉睡客户·推送", schedule: { startAt: at(s, 30) } }),
      200,
    );
    assert.equal(renamed.experiment.name, "唤醒沉睡客户·推送");
    assert.equal(renamed.experiment.schedule.startAt, at(s, 30));
    assert.equal(renamed.experiment.schedule.stopWhenSampleReached, false);
    const cleared = await expectJson(await patch({ schedule: null }), 200);
    assert.equal(cleared.experiment.schedule, null);
    assert.equal(cleared.experiment.name, "唤醒沉睡客户·推送");
  },
);

testBothBackends(
  "two schedulers at once start a scheduled draft once, as system, then stop it on its date",
  async (_t, database) => {
    const { db } = database;
    const s = await setUp(db);
    const second = database.backend === "postgres"
      ? await openDatabase(database.url, { maxConnections: 5 })
      : null;
    try {
      await draft(s, "card-bind-coupon");
      await expectJson(
        await call(s.app, s.growth, "PUT", "/api/experiments/card-bind-coupon/schedule", {
          startAt: at(s, 23),
          stopAt: at(s, 24 * 7),
        }),
        200,
      );
      const status = async () =>
        (await db.selectFrom("experiments").select("status").where("key", "=", "card-bind-coupon")
          .where("bank_id", "=", "CC2").executeTakeFirstOrThrow()).status;
      // Not yet.
      assert.deepEqual(await runSchedules(db, s.clock.t), []);
      assert.equal(await status(), "draft");

      s.clock.t = new Date(s.clock.t.getTime() + 23 * HOUR + 30_000);
      const other = second?.db ?? db;
      const now = () => s.clock.t;
      await Promise.all([
        runRound(db, now, NOTIFY),
        runRound(other, now, NOTIFY),
        runSchedules(other, s.clock.t),
        runSchedules(db, s.clock.t),
      ]);
      assert.equal(await status(), "running");
      const starts = await db.selectFrom("audit_log").select(["actor", "actor_user_id"])
        .where("action", "=", "experiment.start").where("target", "=", "card-bind-coupon")
        .execute();
      assert.deepEqual(starts, [{ actor: "system", actor_user_id: null }]);
      // The clock moved past the session's idle limit: sign in again.
      const growth = await sessionCookie(db, DEMO_USERS.growth, s.clock.t);
      const view = await expectJson(
        await call(s.app, growth, "GET", "/api/experiments/card-bind-coupon"),
        200,
      );
      assert.equal(view.experiment.status, "running");
      assert.equal(view.experiment.schedule.startedBySchedulerAt, s.clock.t.toISOString());
      assert.equal(view.experiment.schedule.refusal, null);

      // A week later it stops, once, by the system.
      s.clock.t = new Date(s.clock.t.getTime() + 7 * 24 * HOUR);
      await Promise.all([runSchedules(db, s.clock.t), runSchedules(other, s.clock.t)]);
      assert.equal(await status(), "stopped");
      const stops = await db.selectFrom("audit_log").select("actor")
        .where("action", "=", "experiment.stop").where("target", "=", "card-bind-coupon").execute();
      assert.deepEqual(stops.map((x) => x.actor), ["system"]);
      // A stopped experiment takes no schedule any more.
      const later = await sessionCookie(db, DEMO_USERS.growth, s.clock.t);
      const finished = await expectJson(
        await call(s.app, later, "PUT", "/api/experiments/card-bind-coupon/schedule", {
          stopAt: at(s, 5),
        }),
        409,
      );
      assert.equal(finished.error.code, "SCHEDULE_FINISHED");
    } finally {
      await second?.close();
    }
  },
);

testBothBackends(
  "a running experiment stops once its planned sample is reached",
  async (_t, { db }) => {
    const s = await setUp(db);
    await draft(s, "deposit-push", { plannedSampleSize: 6 });
    await expectJson(
      await call(s.app, s.growth, "POST", "/api/experiments/deposit-push/start"),
      200,
    );
    await expectJson(
      await call(s.app, s.growth, "PUT", "/api/experiments/deposit-push/schedule", {
        stopWhenSampleReached: true,
      }),
      200,
    );
    // Exposed customers as the event ingestion counts them (daily_stats, per arm and day).
    const id = (await db.selectFrom("experiments").select("id").where("key", "=", "deposit-push")
      .executeTakeFirstOrThrow()).id;
    const expose = async (variant: string, day: string, users: number) => {
      await db.insertInto("daily_stats").values({
        experiment_id: id,
        bank_id: "CC2",
        variant,
        day,
        users,
      }).onConflict((oc) =>
        oc.columns(["experiment_id", "variant", "day"]).doUpdateSet((eb) => ({
          users: eb("daily_stats.users", "+", users),
        }))
      ).execute();
    };
    await expose("对照组", "2026-11-29", 2);
    await expose("限时返现", "2026-11-29", 3);
    assert.deepEqual(await runSchedules(db, s.clock.t), []);
    await expose("对照组", "2026-11-30", 1);
    const done = await runSchedules(db, s.clock.t);
    assert.deepEqual(done.map((d) => [d.key, d.action, d.done]), [["deposit-push", "stop", true]]);
    const e = await db.selectFrom("experiments").select("status").where("key", "=", "deposit-push")
      .executeTakeFirstOrThrow();
    assert.equal(e.status, "stopped");
  },
);

testBothBackends(
  "a scheduled start the start path refuses is kept with its reason and raised as an alert",
  async (_t, { db }) => {
    const s = await setUp(db);
    await draft(s, "refused-start");
    await expectJson(
      await call(s.app, s.growth, "PUT", "/api/experiments/refused-start/schedule", {
        startAt: at(s, 1),
      }),
      200,
    );
    s.clock.t = new Date(s.clock.t.getTime() + HOUR);
    // The scheduler claims the start; a person starts it by hand before the scheduler acts.
    const claimed = await claimDueActions(db, s.clock.t);
    assert.deepEqual(claimed.map((c) => [c.key, c.action]), [["refused-start", "start"]]);
    await expectJson(
      await call(s.app, s.growth, "POST", "/api/experiments/refused-start/start"),
      200,
    );
    const outcome = await carryOutClaimed(db, claimed[0], s.clock.t);
    assert.equal(outcome.done, false);
    assert.equal(outcome.code, "INVALID_TRANSITION");

    const view = await expectJson(
      await call(s.app, s.growth, "GET", "/api/experiments/refused-start/schedule"),
      200,
    );
    assert.equal(view.schedule.refusal.action, "start");
    assert.equal(view.schedule.refusal.code, "INVALID_TRANSITION");
    assert.ok(view.schedule.refusal.message["zh-CN"].length > 0);
    assert.match(view.schedule.refusal.message.en, /Cannot start/);
    const alerts = await listAlerts(db, { bankId: "CC2" });
    const refusedAlerts = alerts.filter((a) => a.type === "schedule_refused");
    assert.equal(refusedAlerts.length, 1);
    assert.match(refusedAlerts[0].summary["zh-CN"], /系统未能按计划启动实验/);
    const audit = await db.selectFrom("audit_log").select("actor")
      .where("action", "=", "experiment.schedule_refused").execute();
    assert.deepEqual(audit.map((a) => a.actor), ["system"]);
    // Refused once: the next rounds do not try again.
    assert.deepEqual(await runSchedules(db, new Date(s.clock.t.getTime() + HOUR)), []);
  },
);

testBothBackends(
  "the experiment forms take a schedule in the bank's time zone; a refused one stores nothing",
  async (_t, { db }) => {
    const s = await setUp(db);
    const post = (path: string, fields: Record<string, string>) =>
      s.app.request(path, {
        method: "POST",
        headers: {
          cookie: s.growth,
          "content-type": "application/x-www-form-urlencoded",
          origin: "http://localhost",
        },
        body: new URLSearchParams(fields).toString(),
      });
    const form = {
      key: "salary-card-sms",
      name: "代发工资卡·短信",
      "variant-name-0": "对照组",
      "variant-weight-0": "50",
      "variant-name-1": "加息券",
      "variant-weight-1": "50",
      alpha: "0.05",
    };
    // Stop before start: the form again with the reason, and no experiment.
    const refused = await post("/experiments", {
      ...form,
      "schedule-startAt": "2026-12-07T09:00",
      "schedule-stopAt": "2026-12-06T09:00",
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /停止时间必须晚于启动时间/);
    await expectJson(await call(s.app, s.growth, "GET", "/api/experiments/salary-card-sms"), 404);
    const badTime = await post("/experiments", { ...form, "schedule-startAt": "明天早上" });
    assert.equal(badTime.status, 400);
    assert.match(await badTime.text(), /时间格式无效/);

    const made = await post("/experiments", { ...form, "schedule-startAt": "2026-12-07T09:00" });
    assert.equal(made.status, 303, await made.text());
    const view = await expectJson(
      await call(s.app, s.growth, "GET", "/api/experiments/salary-card-sms"),
      200,
    );
    // 09:00 in Shanghai (the default zone) is 01:00 UTC.
    assert.equal(view.experiment.schedule.startAt, "2026-12-07T01:00:00.000Z");

    // The edit form shows it in local time, and an edit keeps or clears it.
    const edit = await call(s.app, s.growth, "GET", "/experiments/salary-card-sms/edit?bank=CC2");
    assert.match(await edit.text(), /value="2026-12-07T09:00"/);
    const kept = await post("/experiments/salary-card-sms/edit?bank=CC2", {
      ...form,
      name: "代发工资卡·短信（第 1 轮）",
      "schedule-startAt": "2026-12-07T09:00",
      "schedule-stopAt": "2026-12-21T17:30",
    });
    assert.equal(kept.status, 303, await kept.text());
    const after = (await expectJson(
      await call(s.app, s.growth, "GET", "/api/experiments/salary-card-sms"),
      200,
    )).experiment;
    assert.equal(after.name, "代发工资卡·短信（第 1 轮）");
    assert.equal(after.schedule.stopAt, "2026-12-21T09:30:00.000Z");
    const cleared = await post("/experiments/salary-card-sms/edit?bank=CC2", form);
    assert.equal(cleared.status, 303);
    assert.equal(
      (await expectJson(
        await call(s.app, s.growth, "GET", "/api/experiments/salary-card-sms/schedule"),
        200,
      )).schedule,
      null,
    );
  },
);
