/**
 * Several app instances on one PostgreSQL database, as deployed: two `main.ts` processes, each
 * with its own config cache, started at once on an empty database (one seeds, the other waits
 * for the seed's lock). They give identical A/B and bandit assignments; a change acknowledged by
 * one (an opt-out, a revoked SDK key, a stopped experiment) reaches the other through the
 * notifications; events sent to both at once are counted exactly once; both show the same
 * results. PostgreSQL only: PGlite is one process.
 *
 * Once the change is acknowledged, the other instance honours it on its very next answer
 * (`ConfigCache.sync()` waits for every instance holding a memory lease, docs/SCALING.md "No
 * window"); the test still polls with a deadline, so a failure says how late the change arrived,
 * and then requires that every change was honoured on the first answer
 * (`opt_out_everywhere_test.ts` repeats this a thousand times).
 */
import assert from "node:assert/strict";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { BACKENDS, openTestDatabase } from "./helpers/db.ts";
import { type Running, start } from "./helpers/process.ts";
import { makeExperiment } from "./helpers/sdk.ts";

const SDK_KEY = "ll_multi_instance_key_0123456789abcdef";
const ADMIN = { email: "admin@multi.test", password: "multi-instance-password-1" };
const HALVES = [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }];
const DEADLINE_MS = 3000;

async function call(
  instance: Running,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${SDK_KEY}` },
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, instance.url), {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const assignment = async (instance: Running, key: string, unit: string) =>
  (await call(instance, "GET", `/api/v1/experiments/${key}/assignment?unit=${unit}`)).body;

/** Polls until `check` holds; returns whether it held at once. Fails after the deadline. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<boolean> {
  if (await check()) return true;
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what}: not seen within ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

Deno.test({
  name: "two instances on one database: same assignments, changes everywhere, events once",
  ignore: !BACKENDS.includes("postgres"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const database = await openTestDatabase("postgres");
    const env = {
      DATABASE_URL: database.url,
      SEED_DEMO: "1",
      SDK_KEY,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_REQUESTS: "0",
    };
    const instances = await Promise.allSettled([start(env), start(env)]);
    const [a, b]: Array<Running | null> = instances.map((s) =>
      s.status === "fulfilled" ? s.value : null
    );
    let atOnce = 0;
    let changes = 0;
    try {
      if (!a || !b) throw new Error(`An instance did not start: ${instances.map((s) => s.status)}`);
      const login = await fetch(new URL("/api/auth/login", a.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ADMIN),
      });
      await login.body?.cancel();
      const cookie = login.headers.getSetCookie()[0].split(";")[0];
      const session = { cookie };

      await t.step("identical A/B assignments, single and batch", async () => {
        const units = Array.from({ length: 200 }, (_, i) => `C${i}`);
        const batch = await call(b, "POST", "/api/v1/assignments", {
          experiment: "welcome-sms",
          units,
        });
        for (const [i, unit] of units.entries()) {
          const fromA = await assignment(a, "welcome-sms", unit);
          assert.equal(fromA.variant, assignVariant("welcome-sms", unit, HALVES, 2));
          assert.equal(batch.body.assignments[i].variant, fromA.variant, unit);
        }
      });

      await t.step("bandit arms asked of both at once agree and stick", async () => {
        const id = await makeExperiment(database.db, {
          key: "bandit-m",
          mode: "bandit",
          variants: HALVES,
        });
        const units = Array.from({ length: 100 }, (_, i) => `B${i}`);
        const answers = await Promise.all(
          units.flatMap((u) => [assignment(a, "bandit-m", u), assignment(b, "bandit-m", u)]),
        );
        const stored = new Map(
          (await database.db.selectFrom("assignments").select(["unit", "variant"])
            .where("experiment_id", "=", id).execute()).map((r) => [r.unit, r.variant]),
        );
        assert.equal(stored.size, units.length);
        units.forEach((u, i) => {
          assert.equal(answers[2 * i].variant, stored.get(u), u);
          assert.equal(answers[2 * i + 1].variant, stored.get(u), u);
        });
      });

      await t.step("an opt-out acknowledged by one instance holds on the other", async () => {
        for (let i = 0; i < 20; i++) {
          const unit = `O${i}`;
          const from: Running = i % 2 ? a : b;
          const to: Running = i % 2 ? b : a;
          assert.equal((await assignment(to, "welcome-sms", unit)).reason, "assigned");
          const ack = await call(from, "POST", "/api/v1/opt-outs", { units: [unit] });
          assert.equal(ack.status, 200);
          assert.equal((await assignment(from, "welcome-sms", unit)).reason, "opted_out");
          changes++;
          if (
            await eventually(
              `opt-out of ${unit}`,
              async () => (await assignment(to, "welcome-sms", unit)).reason === "opted_out",
            )
          ) atOnce++;
        }
      });

      await t.step("a key revoked through one instance stops working on the other", async () => {
        const created = await call(a, "POST", "/api/sdk-keys", { bankId: "CC2" }, session);
        assert.equal(created.status, 201);
        const whoami = (instance: Running) =>
          call(instance, "GET", "/api/v1/whoami", undefined, {
            authorization: `Bearer ${created.body.key}`,
          });
        assert.equal((await whoami(b)).status, 200);
        const revoke = await call(
          a,
          "DELETE",
          `/api/sdk-keys/${created.body.id}`,
          undefined,
          session,
        );
        assert.equal(revoke.status, 200);
        assert.equal((await whoami(a)).status, 401, "the revoking instance at once");
        changes++;
        if (await eventually("revocation", async () => (await whoami(b)).status === 401)) atOnce++;
      });

      await t.step("events sent to both at once are counted exactly once", async () => {
        // Timed by the sender: an event without a time takes its arrival time, and these are
        // sent all at once, so a conversion could arrive before its exposure and rightly not
        // count (a conversion counts only after the customer's first exposure).
        const { started_at } = await database.db.selectFrom("experiments").select("started_at")
          .where("key", "=", "welcome-sms").executeTakeFirstOrThrow();
        const exposedAt = new Date(started_at!.getTime() + 1).toISOString();
        const convertedAt = new Date(started_at!.getTime() + 2).toISOString();
        const events = Array.from({ length: 300 }, (_, i) => {
          const unit = `E${i % 150}`;
          return i < 150
            ? { id: `ev-${i}`, type: "exposure", experiment: "welcome-sms", unit, at: exposedAt }
            : {
              id: `ev-${i}`,
              type: "conversion",
              experiment: "welcome-sms",
              unit,
              value: 5,
              at: convertedAt,
            };
        });
        // The demo's seeded traffic (db/seed_welcome.ts) is counted too: compare the growth.
        const seeded =
          (await call(a, "GET", "/api/experiments/welcome-sms/results", undefined, session))
            .body.variants as Array<{ users: number; conversions: number }>;
        const batches = [events.slice(0, 120), events.slice(100, 220), events.slice(200)];
        const answers = await Promise.all(
          batches.flatMap((batch) =>
            [a, b].map((i) => call(i, "POST", "/api/v1/events", { events: batch }))
          ),
        );
        const sent = batches.reduce((n, batch) => n + 2 * batch.length, 0);
        const accepted = answers.reduce((n, r) => n + r.body.accepted, 0);
        const duplicates = answers.reduce((n, r) => n + r.body.duplicates, 0);
        assert.ok(answers.every((r) => r.status === 200 && r.body.rejected.length === 0));
        assert.equal(accepted, events.length);
        assert.equal(duplicates, sent - events.length);
        const results = await Promise.all(
          [a, b].map((i) =>
            call(i, "GET", "/api/experiments/welcome-sms/results", undefined, session)
          ),
        );
        // Each instance may compute a metric's snapshot itself a moment apart: the numbers must
        // agree, the time each was computed need not.
        const numbers = (body: unknown) =>
          JSON.parse(JSON.stringify(body, (k, v) => k === "computedAt" ? undefined : v));
        assert.deepEqual(
          numbers(results[0].body),
          numbers(results[1].body),
          "both instances show the same results",
        );
        const variants = results[0].body.variants as Array<{ users: number; conversions: number }>;
        const sum = (list: typeof variants, field: "users" | "conversions") =>
          list.reduce((n, v) => n + v[field], 0);
        assert.equal(sum(variants, "users") - sum(seeded, "users"), 150);
        assert.equal(sum(variants, "conversions") - sum(seeded, "conversions"), 150);
      });

      await t.step("an experiment stopped through one instance stops on the other", async () => {
        const stop = await call(a, "POST", "/api/experiments/welcome-sms/stop", {}, session);
        assert.equal(stop.status, 200, JSON.stringify(stop.body));
        assert.equal((await assignment(a, "welcome-sms", "S1")).reason, "not_running");
        changes++;
        if (
          await eventually(
            "stop",
            async () => (await assignment(b, "welcome-sms", "S1")).reason === "not_running",
          )
        ) atOnce++;
      });
      console.log(
        `the other instance honoured ${atOnce} of ${changes} changes on its first answer`,
      );
      assert.equal(
        atOnce,
        changes,
        "every acknowledged change holds on the other instance at once",
      );
    } finally {
      await Promise.all([a, b].map((i) => i?.stop()));
      await database.close();
    }
  },
});
