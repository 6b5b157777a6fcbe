/**
 * An acknowledged opt-out (or consent withdrawal) holds on every instance at once: two `main.ts`
 * processes on one PostgreSQL database; one acknowledges `POST /api/v1/opt-outs` or
 * `PUT /api/v1/customers {marketingConsent: false}`, and the other is asked right away, from the
 * assignment fast path's memory, for that customer's arm and to count an exposure of theirs. Not
 * once may it assign or count them (`db/config_cache.ts`: memory answers only within a lease,
 * and `sync()` waits for every instance holding one). Before, the other instance gave an arm in
 * a few of every thousand such trials (4 in 1,000 opt-outs here): it had not yet received the
 * change's notification.
 */
import assert from "node:assert/strict";
import { BACKENDS, openTestDatabase } from "./helpers/db.ts";
import { type Running, start } from "./helpers/process.ts";

const SDK_KEY = "ll_opt_out_everywhere_key_0123456789ab";
const AUTH = { authorization: `Bearer ${SDK_KEY}` };
const TRIALS = 1000;
const WORKERS = 8;

async function call(
  instance: Running,
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, instance.url), {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

interface Violations {
  assigned: string[];
  counted: string[];
}

/** `TRIALS` trials, `WORKERS` at a time; each withdraws one customer through one instance. */
async function trials(
  instances: [Running, Running],
  kind: "opt-out" | "consent",
  startedAt: Date,
): Promise<Violations> {
  const violations: Violations = { assigned: [], counted: [] };
  let next = 0;
  async function worker() {
    for (let i = next++; i < TRIALS; i = next++) {
      // Bank-style ids; the other instance knows nothing of the customer, so its memory answers.
      const unit = `${kind === "opt-out" ? "C" : "K"}${String(100_000_000 + i).padStart(9, "0")}`;
      const [writer, other] = i % 2 ? instances : [instances[1], instances[0]];
      const ack = kind === "opt-out"
        ? await call(writer, "POST", "/api/v1/opt-outs", { units: [unit] })
        : await call(writer, "PUT", "/api/v1/customers", {
          customers: [{ unit, marketingConsent: false }],
        });
      assert.equal(ack.status, 200, JSON.stringify(ack.body));
      const [assignment, events] = await Promise.all([
        call(other, "GET", `/api/v1/experiments/welcome-sms/assignment?unit=${unit}`),
        call(other, "POST", "/api/v1/events", {
          events: [{
            id: `${kind}-${i}`,
            type: "exposure",
            experiment: "welcome-sms",
            unit,
            at: new Date(startedAt.getTime() + 1).toISOString(),
          }],
        }),
      ]);
      assert.equal(assignment.status, 200);
      assert.equal(events.status, 200);
      if (assignment.body.reason !== "opted_out" || assignment.body.variant !== null) {
        violations.assigned.push(unit);
      }
      if (events.body.accepted !== 0 || events.body.rejected[0]?.error.code !== "OPTED_OUT") {
        violations.counted.push(unit);
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return violations;
}

Deno.test({
  name: "an acknowledged opt-out or consent withdrawal holds on the other instance at once",
  ignore: !BACKENDS.includes("postgres"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const database = await openTestDatabase("postgres");
    const env = {
      DATABASE_URL: database.url,
      SEED_DEMO: "1",
      SDK_KEY,
      ADMIN_EMAIL: "admin@opt-out.test",
      ADMIN_PASSWORD: "opt-out-everywhere-password-1",
      LOG_REQUESTS: "0",
    };
    const started = await Promise.allSettled([start(env), start(env)]);
    const instances = started.flatMap((s) => s.status === "fulfilled" ? [s.value] : []);
    try {
      assert.equal(instances.length, 2, `An instance did not start: ${JSON.stringify(started)}`);
      const pair = instances as [Running, Running];
      const { started_at } = await database.db.selectFrom("experiments").select("started_at")
        .where("key", "=", "welcome-sms").executeTakeFirstOrThrow();
      // Both instances hold the bank in memory before the trials.
      for (const instance of pair) {
        const warm = await call(
          instance,
          "GET",
          "/api/v1/experiments/welcome-sms/assignment?unit=W1",
        );
        assert.equal(warm.body.reason, "assigned");
      }
      for (const kind of ["opt-out", "consent"] as const) {
        await t.step(`${TRIALS} ${kind} trials: never assigned or counted elsewhere`, async () => {
          const violations = await trials(pair, kind, started_at!);
          console.log(
            `${kind}: assigned ${violations.assigned.length}/${TRIALS}, ` +
              `exposure accepted ${violations.counted.length}/${TRIALS}`,
          );
          assert.deepEqual(violations, { assigned: [], counted: [] });
        });
      }
      const stored = await database.db.selectFrom("events").select("event_id")
        .where((eb) =>
          eb.or([eb("event_id", "like", "opt-out-%"), eb("event_id", "like", "consent-%")])
        ).execute();
      assert.equal(stored.length, 0, "no exposure of a withdrawn customer was stored");
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
      await database.close();
    }
  },
});
