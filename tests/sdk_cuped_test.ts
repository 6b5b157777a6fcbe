/**
 * CUPED end to end: exposures carry the customer's pre-period value, the aggregates keep
 * Σx, Σx² and Σx·y per arm as events arrive, and the results API adjusts the value metric with
 * θ = cov(y, x)/var(x) over all arms pooled — checked against θ computed here from the raw data.
 */
import assert from "node:assert/strict";
import { variantStats } from "../db/results.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { sdkCall, startDemoExperimentAt } from "./helpers/sdk.ts";

const HALVES = [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }];

testBothBackends("exposure covariates feed CUPED in the results", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  const experimentId = await startDemoExperimentAt(db, new Date("2025-01-01T00:00:00Z"));
  await db.updateTable("experiments").set({ primary_metric: { type: "value", name: "deposit" } })
    .where("id", "=", experimentId).execute();

  const events: unknown[] = [];
  const raw: { arm: string; x: number; y: number }[] = [];
  for (let i = 0; i < 400; i++) {
    const unit = `cust-${i}`;
    const x = 100 + (i * 37) % 200; // pre-period deposits
    const y = Math.round(0.8 * x + ((i * 53) % 40)); // in-test deposits, correlated with x
    raw.push({ arm: assignVariant("welcome-sms", unit, HALVES, 2)!, x, y });
    events.push({
      id: `e-${i}`,
      type: "exposure",
      experiment: "welcome-sms",
      unit,
      covariate: x,
      at: "2025-01-02T08:00:00Z",
    });
    events.push({
      id: `c-${i}`,
      type: "conversion",
      experiment: "welcome-sms",
      unit,
      value: y,
      at: "2025-01-02T09:00:00Z",
    });
  }
  const sent = await sdkCall(app, "POST", "/api/v1/events", { events });
  assert.equal(sent.status, 200);
  assert.equal(sent.body.accepted, 800);

  const stats = await variantStats(db, experimentId);
  for (const arm of ["control", "coupon"]) {
    const rows = raw.filter((r) => r.arm === arm);
    const s = stats.find((v) => v.variant === arm)!;
    assert.equal(s.users, rows.length);
    assert.equal(s.covariateSum, rows.reduce((a, r) => a + r.x, 0));
    assert.equal(s.covariateSumSquares, rows.reduce((a, r) => a + r.x * r.x, 0));
    assert.equal(s.covariateCross, rows.reduce((a, r) => a + r.x * r.y, 0));
  }

  const n = raw.length;
  const mx = raw.reduce((a, r) => a + r.x, 0) / n;
  const my = raw.reduce((a, r) => a + r.y, 0) / n;
  const cov = raw.reduce((a, r) => a + (r.x - mx) * (r.y - my), 0);
  const varX = raw.reduce((a, r) => a + (r.x - mx) ** 2, 0);
  const theta = cov / varX;

  const cookie = await sessionCookie(db, DEMO_USERS.growth);
  const res = await app.request("/api/experiments/welcome-sms/results", { headers: { cookie } });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.ok(body.value?.cuped, `CUPED ran: ${JSON.stringify(body.value)}`);
  assert.ok(
    Math.abs(body.value.cuped.theta - theta) < 1e-9,
    `θ ${body.value.cuped.theta} vs ${theta}`,
  );

  // Sending the same events again changes none of the covariate sums.
  const again = await sdkCall(app, "POST", "/api/v1/events", { events });
  assert.equal(again.body.duplicates, 800);
  assert.deepEqual(await variantStats(db, experimentId), stats);
});

testBothBackends(
  "a covariate on a conversion is refused for that event only",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const sent = await sdkCall(app, "POST", "/api/v1/events", {
      events: [
        { id: "ok-1", type: "exposure", experiment: "welcome-sms", unit: "u1", covariate: 5 },
        { id: "bad-1", type: "conversion", experiment: "welcome-sms", unit: "u1", covariate: 5 },
      ],
    });
    assert.equal(sent.status, 200);
    assert.equal(sent.body.accepted, 1);
    assert.equal(sent.body.rejected.length, 1);
    assert.equal(sent.body.rejected[0].index, 1);
    assert.equal(sent.body.rejected[0].error.code, "VALIDATION_ERROR");
  },
);
