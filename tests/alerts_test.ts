/**
 * Alerts and notifications end to end (issue 18), on both backends: channels of every kind
 * pointed at a loopback receiver (allowed by the `NOTIFY_ALLOW_HOSTS` allow-list), each format
 * and signature verified here with node:crypto; a guardrail breach simulated through the SDK
 * API (exposures, then opt-outs of the challenger's customers, the experiment reading the
 * built-in `opt_out` guardrail) raises exactly one alert, one delivery per destination of the
 * bank (none for another bank's channel) and, with the circuit breaker on, stops the
 * experiment as `system` with the numbers; a destination answering 500 gets the delivery again
 * after the backoff (clock advanced) and every try is logged; two workers (on PostgreSQL, two
 * connection pools, as two instances) send each alert once.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { Kysely } from "kysely";
import { createApp } from "../app.ts";
import { listAlerts } from "../db/alerts.ts";
import { attemptsOf, listDeliveries } from "../db/deliveries.ts";
import { openDatabase } from "../db/client.ts";
import type { Database } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { hashPassword } from "../lib/security/password.ts";
import { loadAssets } from "../plugins/assets.ts";
import { checkAll } from "../routes/alerts/_check.ts";
import { deliverDue, type NotifyOptions } from "../routes/alerts/_scheduler.ts";
import { call, createTestApp, DEMO_USERS, expectJson, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { type Receiver, startReceiver } from "./helpers/receiver.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const SECRET_KEY = "test-secret-key-for-alerts-0123456789";
const ARMS = [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }];
const PER_ARM = 150;
const HOUR = 3600_000;

async function setUp(db: Kysely<Database>) {
  const clock = { t: new Date() };
  const now = () => clock.t;
  const { config: base } = await createTestApp(db);
  // The demo's running experiments would raise alerts of their own: these tests count theirs.
  await db.updateTable("experiments").set({ status: "stopped", stopped_at: new Date() })
    .where("status", "=", "running").execute();
  const config = { ...base, secretKey: SECRET_KEY, notifyAllowHosts: ["127.0.0.1"] };
  const app = createApp({ db, config, assets: await loadAssets(null), now });
  await createUser(db, {
    email: "growth@cc1.test",
    role: "growth",
    bankId: "CC1",
    passwordHash: await hashPassword("unused-password-1", 1000),
  });
  const receiver = await startReceiver();
  const notify: NotifyOptions = { secretKey: SECRET_KEY, allowHosts: ["127.0.0.1"] };
  return {
    app,
    clock,
    receiver,
    notify,
    growth: await sessionCookie(db, DEMO_USERS.growth),
    exec: await sessionCookie(db, DEMO_USERS.executive),
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
    other: await sessionCookie(db, "growth@cc1.test"),
    admin: await sessionCookie(db, "admin@test.local"),
  };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

/** Creates the four kinds of channel for CC2 and a webhook for CC1, all on the receiver. */
async function makeChannels(s: Setup) {
  const r = s.receiver.base;
  const make = async (cookie: string, body: Record<string, unknown>) =>
    (await expectJson(await call(s.app, cookie, "POST", "/api/notification-channels", body), 201))
      .channel;
  return {
    webhook: await make(s.growth, {
      kind: "webhook",
      url: `${r}/webhook`,
      secret: "whsec_密钥-1",
      name: "风控中台",
    }),
    wecom: await make(s.growth, { kind: "wecom", url: `${r}/wecom?key=wecom-key-1` }),
    dingtalk: await make(s.growth, {
      kind: "dingtalk",
      url: `${r}/dingtalk?access_token=dt-token`,
      secret: "SECdingtalk123",
      locale: "en",
    }),
    feishu: await make(s.growth, {
      kind: "feishu",
      url: `${r}/feishu`,
      secret: "feishu-secret",
      events: ["guardrail_breached", "experiment_stopped"],
    }),
    otherBank: await make(s.other, {
      kind: "webhook",
      url: `${r}/cc1`,
      secret: "cc1-secret",
    }),
  };
}

/** Checks the request the receiver got at `path` by each product's rules; returns its body. */
function verify(s: Setup, received: Receiver["received"][number], secrets: Record<string, string>) {
  const body = JSON.parse(received.body);
  switch (received.path) {
    case "/webhook":
    case "/cc1": {
      const ts = received.headers.get("x-lensloop-timestamp")!;
      assert.ok(Math.abs(Number(ts) - s.clock.t.getTime() / 1000) < 2, ts);
      const mac = createHmac("sha256", secrets[received.path]).update(`${ts}.${received.body}`)
        .digest("hex");
      assert.equal(received.headers.get("x-lensloop-signature"), `sha256=${mac}`);
      for (const k of ["id", "type", "bankId", "at", "summary", "details"]) assert.ok(k in body, k);
      assert.ok(body.summary["zh-CN"] && body.summary.en);
      return body;
    }
    case "/wecom":
      assert.equal(received.url.searchParams.get("key"), "wecom-key-1");
      assert.equal(body.msgtype, "markdown");
      assert.equal(typeof body.markdown.content, "string");
      return body;
    case "/dingtalk": {
      const ts = received.url.searchParams.get("timestamp")!;
      assert.equal(received.url.searchParams.get("access_token"), "dt-token");
      const sign = createHmac("sha256", "SECdingtalk123").update(`${ts}\nSECdingtalk123`)
        .digest("base64");
      assert.equal(received.url.searchParams.get("sign"), sign);
      assert.ok(received.url.search.includes(`sign=${encodeURIComponent(sign)}`));
      assert.equal(body.msgtype, "markdown");
      assert.ok(body.markdown.title && body.markdown.text);
      return body;
    }
    case "/feishu": {
      const sign = createHmac("sha256", `${body.timestamp}\nfeishu-secret`).update("").digest(
        "base64",
      );
      assert.equal(body.sign, sign);
      assert.equal(body.msg_type, "interactive");
      return body;
    }
    default:
      throw new Error(`unexpected path ${received.path}`);
  }
}

const SECRETS = { "/webhook": "whsec_密钥-1", "/cc1": "cc1-secret" };

/** An A/B experiment on the opt-out guardrail, PER_ARM exposures per arm; the challenger's
 * customers opt out 30 % of the time, the control's 2 %. */
async function breachGuardrail(s: Setup, db: Kysely<Database>, key: string) {
  const id = await makeExperiment(db, {
    key,
    variants: ARMS,
    startedAt: new Date(s.clock.t.getTime() - 48 * HOUR),
  });
  await db.updateTable("experiments").set({
    metrics: { primary: "conversion", secondary: [], guardrails: ["opt_out"] },
  }).where("id", "=", id).execute();
  const units: { unit: string; arm: number }[] = [];
  const count = [0, 0];
  for (let i = 1; count.some((n) => n < PER_ARM); i++) {
    const unit = `C1${String(i).padStart(8, "0")}`;
    const arm = ARMS.findIndex((a) => a.name === assignVariant(key, unit, ARMS, 2));
    if (count[arm] >= PER_ARM) continue;
    count[arm]++;
    units.push({ unit, arm });
  }
  const t0 = s.clock.t.getTime() - 24 * HOUR;
  const sent = await sdkCall(s.app, "POST", "/api/v1/events", {
    events: units.map(({ unit }, i) => ({
      id: `x-${key}-${unit}`,
      type: "exposure",
      experiment: key,
      unit,
      at: new Date(t0 + i * 1000).toISOString(),
    })),
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.body).slice(0, 300));
  const out = units.filter(({ arm }, i) => arm === 1 ? i % 10 < 3 : i % 50 === 0).map((u) =>
    u.unit
  );
  const opted = await sdkCall(s.app, "POST", "/api/v1/opt-outs", { units: out });
  assert.equal(opted.status, 200, JSON.stringify(opted.body));
  // Opt-outs are stamped by the database's clock: the app's clock moves past them.
  s.clock.t = new Date(Date.now() + 1000);
  return id;
}

testBothBackends(
  "channels: each kind's format and signature, secrets never shown",
  async (t, { db }) => {
    const s = await setUp(db);
    try {
      const ch = await makeChannels(s);
      await t.step("GET lists the bank's channels without secrets or URL keys", async () => {
        const res = await call(s.app, s.growth, "GET", "/api/notification-channels");
        const text = await res.clone().text();
        const body = await expectJson(res, 200);
        assert.equal(body.channels.length, 4);
        for (const leak of ["whsec_", "wecom-key-1", "dt-token", "SECdingtalk", "feishu-secret"]) {
          assert.ok(!text.includes(leak), leak);
        }
        const wecom = body.channels.find((c: { kind: string }) => c.kind === "wecom");
        assert.equal(wecom.url, `${s.receiver.base}/wecom?key=…`);
        assert.equal(
          body.channels.find((c: { kind: string }) => c.kind === "webhook").hasSecret,
          true,
        );
        const stored = JSON.stringify(
          await db.selectFrom("notification_channels" as never).selectAll().execute(),
        );
        for (const leak of ["whsec_", "wecom-key-1", "dt-token", "SECdingtalk", "feishu-secret"]) {
          assert.ok(!stored.includes(leak), `stored in clear: ${leak}`);
        }
        // The other bank's list holds only its own channel.
        const other = await expectJson(
          await call(s.app, s.other, "GET", "/api/notification-channels"),
          200,
        );
        assert.deepEqual(other.channels.map((c: { id: string }) => c.id), [ch.otherBank.id]);
      });
      await t.step("a test message reaches each kind in its format, verified here", async () => {
        for (const c of [ch.webhook, ch.wecom, ch.dingtalk, ch.feishu]) {
          const body = await expectJson(
            await call(s.app, s.growth, "POST", `/api/notification-channels/${c.id}/test`),
            200,
          );
          assert.equal(body.ok, true, JSON.stringify(body));
          assert.equal(body.status, 200);
        }
        assert.deepEqual(s.receiver.received.map((r) => r.path), [
          "/webhook",
          "/wecom",
          "/dingtalk",
          "/feishu",
        ]);
        const bodies = s.receiver.received.map((r) => verify(s, r, SECRETS));
        assert.equal(bodies[0].type, "test");
        assert.match(bodies[1].markdown.content, /测试消息/); // the bank's language by default
        assert.match(bodies[2].markdown.title, /Test message/); // this one asked for English
        assert.match(bodies[3].card.header.title.content, /测试消息/);
        const logged = await listDeliveries(db, { bankId: "CC2" });
        assert.equal(logged.length, 4);
        assert.ok(logged.every((d) => d.status === "sent" && d.lastStatus === 200));
      });
      await t.step(
        "a failing test reports the answer; the delivery is logged, not retried",
        async () => {
          s.receiver.answer = () => ({
            status: 200,
            body: '{"errcode":310000,"errmsg":"sign not match"}',
          });
          const body = await expectJson(
            await call(
              s.app,
              s.growth,
              "POST",
              `/api/notification-channels/${ch.dingtalk.id}/test`,
            ),
            200,
          );
          assert.equal(body.ok, false);
          assert.match(body.answer, /sign not match/);
          const failed = (await listDeliveries(db, { bankId: "CC2" })).filter((d) =>
            d.status === "failed"
          );
          assert.equal(failed.length, 1);
          s.receiver.answer = () => ({ status: 200, body: '{"errcode":0}' });
        },
      );
      await t.step("DELETE removes a channel; it is not listed nor testable again", async () => {
        await expectJson(
          await call(s.app, s.growth, "DELETE", `/api/notification-channels/${ch.wecom.id}`),
          200,
        );
        const body = await expectJson(
          await call(s.app, s.growth, "GET", "/api/notification-channels"),
          200,
        );
        assert.equal(body.channels.length, 3);
        const again = await expectJson(
          await call(s.app, s.growth, "POST", `/api/notification-channels/${ch.wecom.id}/test`),
          404,
        );
        assert.equal(again.error.code, "CHANNEL_NOT_FOUND");
      });
    } finally {
      await s.receiver.close();
    }
  },
);

testBothBackends(
  "a guardrail breach: one alert, one delivery per destination, the breaker stops the experiment",
  async (t, { db }) => {
    const s = await setUp(db);
    try {
      const ch = await makeChannels(s);
      const key = "optout-guard";
      const id = await breachGuardrail(s, db, key);
      await expectJson(
        await call(s.app, s.growth, "PUT", `/api/experiments/${key}/auto-stop`, {
          onGuardrail: true,
          onSrm: true,
        }),
        200,
      );
      await t.step("the results show the breach", async () => {
        const body = await expectJson(
          await call(s.app, s.growth, "GET", `/api/experiments/${key}/results`),
          200,
        );
        const guard = body.metrics.find((m: { key: string }) => m.key === "opt_out");
        assert.equal(guard.breached, true, JSON.stringify(guard.comparisons));
      });
      await t.step(
        "the check raises exactly one guardrail alert and stops the experiment",
        async () => {
          await checkAll(db, s.clock.t);
          await checkAll(db, s.clock.t); // seen again: nothing new
          const alerts = await listAlerts(db, { bankId: "CC2" });
          assert.deepEqual(alerts.map((a) => a.type).sort(), [
            "experiment_stopped",
            "guardrail_breached",
          ]);
          const guard = alerts.find((a) => a.type === "guardrail_breached")!;
          assert.equal(guard.cause, "guardrail:opt_out:coupon");
          assert.equal(guard.experimentKey, key);
          assert.match(guard.summary["zh-CN"], /coupon/);
          const status = await db.selectFrom("experiments").select(["status", "stopped_at"])
            .where("id", "=", id).executeTakeFirstOrThrow();
          assert.equal(status.status, "stopped");
          const audit = await db.selectFrom("audit_log").selectAll().where(
            "action",
            "=",
            "experiment.stop",
          )
            .where("target", "=", key).execute();
          assert.equal(audit.length, 1);
          assert.equal(audit[0].actor, "system");
          assert.equal(audit[0].actor_user_id, null);
          const numbers = (audit[0].details as { numbers: Record<string, unknown> }).numbers;
          assert.equal(numbers.metric, "opt_out");
          assert.ok((numbers.adjustedPValue as number) < 0.05);
          assert.equal((numbers.arm as { units: number }).units, PER_ARM);
          // Stopped keeps the control for everyone: the SDK takes nobody into an arm any more.
          const a = await sdkCall(
            s.app,
            "GET",
            `/api/v1/experiments/${key}/assignment?unit=C100000001`,
          );
          assert.equal(a.body.inExperiment, false, JSON.stringify(a.body));
          assert.equal(a.body.reason, "not_running");
        },
      );
      await t.step("one delivery per destination of the bank, none to another bank's", async () => {
        const deliveries = await listDeliveries(db, { bankId: "CC2" });
        // webhook, wecom, dingtalk, feishu (its filter takes both types) × 2 alerts.
        assert.equal(deliveries.length, 8);
        assert.equal((await listDeliveries(db, { bankId: "CC1" })).length, 0);
        await deliverDue(db, s.clock.t, s.notify);
        const paths = s.receiver.received.map((r) => r.path).sort();
        assert.deepEqual(paths, [
          "/dingtalk",
          "/dingtalk",
          "/feishu",
          "/feishu",
          "/webhook",
          "/webhook",
          "/wecom",
          "/wecom",
        ]);
        for (const r of s.receiver.received) verify(s, r, SECRETS);
        const hooks = s.receiver.received.filter((r) => r.path === "/webhook").map((r) =>
          JSON.parse(r.body)
        );
        const guard = hooks.find((h) => h.type === "guardrail_breached");
        assert.equal(guard.bankId, "CC2");
        assert.equal(guard.experiment.key, key);
        assert.equal(guard.details.metric, "opt_out");
        assert.ok(guard.summary["zh-CN"].includes("coupon") && guard.summary.en.includes("coupon"));
        const stopped = hooks.find((h) => h.type === "experiment_stopped");
        assert.equal(stopped.details.trigger, "guardrail_breached");
        // Nothing more to send.
        assert.equal(await deliverDue(db, s.clock.t, s.notify), 0);
        void ch;
      });
      await t.step("the API lists the alerts and acknowledges them", async () => {
        const body = await expectJson(await call(s.app, s.exec, "GET", "/api/alerts"), 200);
        assert.equal(body.alerts.length, 2);
        const target = body.alerts[0];
        const acked = await expectJson(
          await call(s.app, s.exec, "POST", `/api/alerts/${target.id}/ack`),
          200,
        );
        assert.equal(acked.id, target.id);
        const open = await expectJson(await call(s.app, s.exec, "GET", "/api/alerts?open=1"), 200);
        assert.equal(open.alerts.length, 1);
        const byKey = await expectJson(
          await call(s.app, s.growth, "GET", `/api/alerts?experiment=${key}`),
          200,
        );
        assert.equal(byKey.alerts.length, 2);
        // Another bank sees none and cannot acknowledge them.
        const other = await expectJson(await call(s.app, s.other, "GET", "/api/alerts"), 200);
        assert.equal(other.alerts.length, 0);
        const denied = await expectJson(
          await call(s.app, s.other, "POST", `/api/alerts/${target.id}/ack`),
          404,
        );
        assert.equal(denied.error.code, "ALERT_NOT_FOUND");
        const admin = await expectJson(
          await call(s.app, s.admin, "GET", "/api/alerts?bank=CC2"),
          200,
        );
        assert.equal(admin.alerts.length, 2);
      });
    } finally {
      await s.receiver.close();
    }
  },
);

testBothBackends(
  "a destination answering 500 gets the delivery again after the backoff",
  async (t, { db }) => {
    const s = await setUp(db);
    try {
      await makeChannels(s);
      s.receiver.answer = (path) =>
        path === "/webhook"
          ? { status: 500, body: "upstream down: 数据库维护中" }
          : { status: 200, body: '{"errcode":0}' };
      await breachGuardrail(s, db, "retry-guard");
      await checkAll(db, s.clock.t);
      await deliverDue(db, s.clock.t, s.notify);
      const webhook = () => s.receiver.received.filter((r) => r.path === "/webhook");
      assert.equal(webhook().length, 1);
      const [delivery] = (await listDeliveries(db, { bankId: "CC2" })).filter((d) =>
        d.type === "guardrail_breached" && d.status !== "sent"
      );
      await t.step(
        "the failure is logged with its status and answer, and retried in a minute",
        async () => {
          assert.equal(delivery.status, "pending");
          assert.equal(delivery.lastStatus, 500);
          assert.equal(delivery.attempts, 1);
          assert.equal(delivery.nextAttemptAt.getTime() - s.clock.t.getTime(), 60_000);
          const log = await attemptsOf(db, delivery.id);
          assert.deepEqual(log.map((a) => [a.attempt, a.statusCode, a.ok]), [[1, 500, false]]);
          assert.match(log[0].answer, /数据库维护中/);
        },
      );
      await t.step("not before it is due; then again, the same id", async () => {
        s.clock.t = new Date(s.clock.t.getTime() + 59_000);
        await deliverDue(db, s.clock.t, s.notify);
        assert.equal(webhook().length, 1);
        s.clock.t = new Date(s.clock.t.getTime() + 1_000);
        s.receiver.answer = () => ({ status: 200, body: "{}" });
        await deliverDue(db, s.clock.t, s.notify);
        assert.equal(webhook().length, 2);
        const [first, second] = webhook().map((r) => JSON.parse(r.body));
        assert.equal(first.id, second.id);
        verify(s, webhook()[1], SECRETS);
        const log = await attemptsOf(db, delivery.id);
        assert.deepEqual(log.map((a) => [a.attempt, a.statusCode, a.ok]), [[1, 500, false], [
          2,
          200,
          true,
        ]]);
      });
      await t.step("a destination that keeps failing is given up after five tries", async () => {
        s.receiver.answer = () => ({ status: 503, body: "no" });
        await db.updateTable("experiments").set({ status: "running", stopped_at: null })
          .where("key", "=", "retry-guard").execute();
        // A new cause: another alert type through the API's own settings (no exposures for 1 h).
        await expectJson(
          await call(s.app, s.growth, "PUT", "/api/experiments/retry-guard/alert-settings", {
            noExposureHours: 1,
          }),
          200,
        );
        s.clock.t = new Date(s.clock.t.getTime() + 2 * HOUR);
        await checkAll(db, s.clock.t);
        const before = s.receiver.received.length;
        for (const minutes of [0, 1, 5, 30, 120, 600]) {
          s.clock.t = new Date(s.clock.t.getTime() + minutes * 60_000 + 1);
          await deliverDue(db, s.clock.t, s.notify);
        }
        const silence = (await listDeliveries(db, { bankId: "CC2" })).filter((d) =>
          d.type === "no_exposures"
        );
        assert.ok(silence.length >= 3, JSON.stringify(silence));
        for (const d of silence) {
          assert.equal(d.status, "failed", JSON.stringify(d));
          assert.equal(d.attempts, 5);
          assert.equal((await attemptsOf(db, d.id)).length, 5);
        }
        assert.equal(s.receiver.received.length - before, 5 * silence.length);
      });
    } finally {
      await s.receiver.close();
    }
  },
);

testBothBackends(
  "two instances check and send at once: each alert is sent once",
  async (_t, database) => {
    const { db } = database;
    const s = await setUp(db);
    // On PostgreSQL the second instance has its own connection pool; PGlite is one process.
    const second = database.backend === "postgres"
      ? await openDatabase(database.url, { maxConnections: 5 })
      : null;
    try {
      await makeChannels(s);
      await breachGuardrail(s, db, "twin-guard");
      await expectJson(
        await call(s.app, s.growth, "PUT", "/api/experiments/twin-guard/auto-stop", {
          onGuardrail: true,
          onSrm: false,
        }),
        200,
      );
      const other = second?.db ?? db;
      await Promise.all([
        checkAll(db, s.clock.t),
        checkAll(other, s.clock.t),
        checkAll(db, s.clock.t),
      ]);
      await Promise.all([
        deliverDue(db, s.clock.t, s.notify),
        deliverDue(other, s.clock.t, s.notify),
        deliverDue(other, s.clock.t, s.notify),
      ]);
      const alerts = await listAlerts(db, { bankId: "CC2" });
      assert.deepEqual(alerts.map((a) => a.type).sort(), [
        "experiment_stopped",
        "guardrail_breached",
      ]);
      const hooks = s.receiver.received.filter((r) => r.path === "/webhook").map((r) =>
        JSON.parse(r.body)
      );
      assert.deepEqual(hooks.map((h) => h.id).sort(), alerts.map((a) => a.id).sort());
      assert.equal(s.receiver.received.length, 8);
      const stops = await db.selectFrom("audit_log").select("actor").where(
        "action",
        "=",
        "experiment.stop",
      )
        .where("target", "=", "twin-guard").execute();
      assert.equal(stops.length, 1);
    } finally {
      await second?.close();
      await s.receiver.close();
    }
  },
);
