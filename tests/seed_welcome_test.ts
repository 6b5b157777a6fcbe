/**
 * The demo's running A/B test `welcome-sms` has data on first start (issue 13, "Also"): four
 * days of customers assigned by the SDK's own code and their events stored through ingestion,
 * read as a real lift with intervals, a timeline, a balanced split and a planned sample size.
 */
import assert from "node:assert/strict";
import { WELCOME_DAILY_CUSTOMERS } from "../db/seed_welcome.ts";
import { call, createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { sdkCall } from "./helpers/sdk.ts";

testBothBackends(
  "the seeded welcome-sms shows a real lift, its timeline, no SRM and a plan",
  async (_t, { db }) => {
    const { app } = await createTestApp(db, { demoTraffic: true });
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const res = await call(app, growth, "GET", "/api/experiments/welcome-sms/results");
    assert.equal(res.status, 200);
    const body = await res.json();
    const [control, coupon] = body.variants;
    const customers = WELCOME_DAILY_CUSTOMERS.reduce((n, c) => n + c, 0);
    assert.equal(control.users + coupon.users, customers);
    assert.ok(coupon.rate > control.rate, "the coupon lifts the rate");
    assert.equal(body.enoughData, true);
    assert.equal(body.srm.mismatch, false);
    const lift = body.comparisons[0];
    assert.ok(lift.ci && lift.ci[0] < lift.ci[1], "the lift has an interval");
    assert.equal(body.timeline.days.length, WELCOME_DAILY_CUSTOMERS.length);
    const { planned_sample_size: planned } = await db.selectFrom("experiments")
      .select("planned_sample_size").where("key", "=", "welcome-sms").executeTakeFirstOrThrow();
    assert.ok(planned !== null && planned > customers, "planned beyond the four days");
    assert.equal(body.recommendation.action, "keep_running");
    assert.ok(body.recommendation.daysLeft >= 1);

    // Stored through ingestion, with the arm the SDK gives each customer.
    const outcomes = await db.selectFrom("unit_outcomes as o")
      .innerJoin("experiments as e", "e.id", "o.experiment_id")
      .where("e.key", "=", "welcome-sms").select(["o.unit", "o.variant"]).orderBy("o.unit")
      .execute();
    assert.equal(outcomes.length, customers);
    assert.equal(outcomes[0].unit, "C100000001");
    for (const { unit, variant } of outcomes.filter((_, i) => i % 500 === 0)) {
      const answer = await sdkCall(
        app,
        "GET",
        `/api/v1/experiments/welcome-sms/assignment?unit=${unit}`,
      );
      assert.equal(answer.body.variant, variant, unit);
    }
  },
);
