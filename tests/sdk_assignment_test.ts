import assert from "node:assert/strict";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { createTestApp, jsonRequest } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const HALVES = [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }];

testBothBackends("assignment is deterministic and follows the hash rule", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  const path = "/api/v1/experiments/welcome-sms/assignment?unit=C0001";
  const first = await sdkCall(app, "GET", path);
  assert.equal(first.status, 200);
  assert.match(first.type, /application\/json/);
  assert.deepEqual(first.body, {
    experiment: "welcome-sms",
    unit: "C0001",
    variant: assignVariant("welcome-sms", "C0001", HALVES, 2),
    inExperiment: true,
    reason: "assigned",
    hashVersion: 2,
  });
  assert.deepEqual((await sdkCall(app, "GET", path)).body, first.body);
  const units = Array.from({ length: 500 }, (_, i) => `C${i}`);
  const batch = await sdkCall(app, "POST", "/api/v1/assignments", {
    experiment: "welcome-sms",
    units: [...units, "C0001"],
  });
  assert.equal(batch.status, 200);
  assert.equal(batch.body.assignments.length, 501);
  units.forEach((unit, i) => {
    assert.deepEqual(batch.body.assignments[i], {
      unit,
      variant: assignVariant("welcome-sms", unit, HALVES, 2),
      inExperiment: true,
      reason: "assigned",
    });
  });
  assert.equal(batch.body.assignments[500].variant, first.body.variant);
  assert.equal(
    await db.selectFrom("assignments as a").innerJoin("experiments as e", "e.id", "a.experiment_id")
      .where("e.key", "=", "welcome-sms").select("a.unit").execute().then((r) => r.length),
    0,
  );
});

testBothBackends("an opted-out customer is never assigned, single or batch", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  const opt = await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["C1", "C2", "C1"] });
  assert.equal(opt.status, 200);
  assert.deepEqual(opt.body, { channel: "*", units: 2, inserted: 2 });
  const again = await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["C1"] });
  assert.deepEqual(again.body, { channel: "*", units: 1, inserted: 0 });
  const single = await sdkCall(app, "GET", "/api/v1/experiments/welcome-sms/assignment?unit=C1");
  assert.deepEqual(single.body, {
    experiment: "welcome-sms",
    unit: "C1",
    variant: null,
    inExperiment: false,
    reason: "opted_out",
    hashVersion: 2,
  });
  const batch = await sdkCall(app, "POST", "/api/v1/assignments", {
    experiment: "welcome-sms",
    units: ["C1", "C2", "C3"],
  });
  assert.deepEqual(batch.body.assignments.map((a: { reason: string }) => a.reason), [
    "opted_out",
    "opted_out",
    "assigned",
  ]);
  assert.equal(batch.body.assignments[0].variant, null);

  // Opting out of another channel leaves the SMS campaign's experiment alone; of SMS, not.
  await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["C3"], channel: "wechat" });
  const c3 = "/api/v1/experiments/welcome-sms/assignment?unit=C3";
  assert.equal((await sdkCall(app, "GET", c3)).body.reason, "assigned");
  await sdkCall(app, "POST", "/api/v1/opt-outs", { units: ["C3"], channel: "sms" });
  assert.equal((await sdkCall(app, "GET", c3)).body.reason, "opted_out");
  // An opt-out is suppressed before targeting is even looked at, in every experiment.
  await makeExperiment(db, { key: "targeted", variants: HALVES, targeting: { stages: ["new"] } });
  const targeted = await sdkCall(app, "GET", "/api/v1/experiments/targeted/assignment?unit=C1");
  assert.equal(targeted.body.reason, "opted_out");
  const log = await db.selectFrom("audit_log").select(["action", "actor"])
    .where("action", "=", "sdk.opt_outs").execute();
  assert.equal(log.length, 4);
  assert.equal(log[0].actor, "sdk:CC2");
});

testBothBackends("consent and targeting: opted_out, not_targeted, assigned", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  await makeExperiment(db, {
    key: "onboarding",
    variants: HALVES,
    targeting: { stages: ["new"], tags: ["payroll", "student"] },
  });
  const put = await sdkCall(app, "PUT", "/api/v1/customers", {
    customers: [
      { unit: "N1", attributes: { stage: "new", tags: ["payroll"] } },
      { unit: "N2", attributes: { stage: "new", tags: ["retired"] } },
      { unit: "N3", attributes: { stage: "active", tags: ["payroll"] } },
      { unit: "N4", attributes: { stage: "new", tags: ["student"] }, marketingConsent: false },
    ],
  });
  assert.equal(put.status, 200);
  assert.deepEqual(put.body, { upserted: 4 });
  const reasons = async () =>
    (await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: "onboarding",
      units: ["N1", "N2", "N3", "N4", "N5"],
    })).body.assignments.map((a: { reason: string }) => a.reason);
  assert.deepEqual(await reasons(), [
    "assigned",
    "not_targeted",
    "not_targeted",
    "opted_out",
    "not_targeted", // no attributes at all
  ]);
  // Consent alone, attributes kept; then attributes alone, consent kept.
  await sdkCall(app, "PUT", "/api/v1/customers", {
    customers: [{ unit: "N4", marketingConsent: true }, { unit: "N1", marketingConsent: false }],
  });
  await sdkCall(app, "PUT", "/api/v1/customers", {
    customers: [{ unit: "N1", attributes: { stage: "new", tags: ["student"] } }],
  });
  assert.deepEqual(await reasons(), [
    "opted_out",
    "not_targeted",
    "not_targeted",
    "assigned",
    "not_targeted",
  ]);
  // Untargeted experiments take unknown customers; non-consenting ones stay out.
  const demo = await sdkCall(app, "POST", "/api/v1/assignments", {
    experiment: "welcome-sms",
    units: ["N5", "N1"],
  });
  assert.deepEqual(demo.body.assignments.map((a: { reason: string }) => a.reason), [
    "assigned",
    "opted_out",
  ]);
});

testBothBackends(
  "draft, stopped and decided experiments answer not_running",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    for (const status of ["draft", "stopped", "decided"] as const) {
      await makeExperiment(db, { key: `exp-${status}`, variants: HALVES, status });
      const res = await sdkCall(app, "GET", `/api/v1/experiments/exp-${status}/assignment?unit=X`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        experiment: `exp-${status}`,
        unit: "X",
        variant: null,
        inExperiment: false,
        reason: "not_running",
        hashVersion: 2,
      });
    }
  },
);

testBothBackends(
  "bandit arms are sticky: the first arm is kept when weights change",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const id = await makeExperiment(db, { key: "bandit-push", mode: "bandit", variants: HALVES });
    const units = Array.from({ length: 200 }, (_, i) => `B${i}`);
    const first = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: "bandit-push",
      units,
    });
    const arms = first.body.assignments.map((a: { variant: string }) => a.variant);
    assert.ok(arms.includes("control") && arms.includes("coupon"));
    const stored = await db.selectFrom("assignments").select("unit").where("experiment_id", "=", id)
      .execute();
    assert.equal(stored.length, 200);
    await db.updateTable("variants").set({ weight: 0 }).where("experiment_id", "=", id)
      .where("name", "=", "control").execute();
    const again = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: "bandit-push",
      units: [...units, "B-new"],
    });
    assert.deepEqual(
      again.body.assignments.slice(0, 200).map((a: { variant: string }) => a.variant),
      arms,
    );
    assert.equal(again.body.assignments[200].variant, "coupon");
    const single = await sdkCall(app, "GET", `/api/v1/experiments/bandit-push/assignment?unit=B0`);
    assert.equal(single.body.variant, arms[0]);
  },
);

testBothBackends("a wrong key is 401 and another bank's experiment is 404", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  const other = await db.selectFrom("banks").select("id").where("id", "!=", "CC2").limit(1)
    .executeTakeFirstOrThrow();
  await makeExperiment(db, { bankId: other.id, key: "theirs", variants: HALVES });
  for (const key of ["theirs", "no-such-experiment"]) {
    const single = await sdkCall(app, "GET", `/api/v1/experiments/${key}/assignment?unit=u`);
    assert.equal(single.status, 404);
    assert.equal(single.body.error.code, "NOT_FOUND");
    const batch = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: key,
      units: ["u"],
    });
    assert.equal(batch.status, 404);
  }
  const events = await sdkCall(app, "POST", "/api/v1/events", {
    events: [{ id: "e1", type: "exposure", experiment: "theirs", unit: "u" }],
  });
  assert.equal(events.status, 200);
  assert.equal(events.body.rejected[0].error.code, "UNKNOWN_EXPERIMENT");
  const wrongKeys: Record<string, string>[] = [
    {},
    { authorization: "Bearer ll_not_a_real_key_0123456789" },
  ];
  for (const auth of wrongKeys) {
    const res = await app.request(
      "/api/v1/assignments",
      jsonRequest("POST", {
        experiment: "welcome-sms",
        units: ["u"],
      }, auth),
    );
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error.code, "INVALID_SDK_KEY");
  }
});
