import assert from "node:assert/strict";
import {
  type ChallengerResult,
  daysLeft,
  type DecisionInput,
  decisionWinner,
  defaultWinner,
  recommend,
} from "./decisions.ts";

const win: ChallengerResult = {
  variant: "coupon",
  lift: 0.2,
  adjustedPValue: 0.001,
  guardrailWorse: false,
};
const flat: ChallengerResult = {
  variant: "flat",
  lift: 0.01,
  adjustedPValue: 0.6,
  guardrailWorse: false,
};

function input(patch: Partial<DecisionInput> = {}): DecisionInput {
  return {
    alpha: 0.05,
    sequential: false,
    srmMismatch: false,
    challengers: [win],
    users: 20_000,
    minArmUsers: 10_000,
    plannedSampleSize: 20_000,
    recentDailyUsers: 1000,
    ...patch,
  };
}

Deno.test("recommend() ships a significant winner once the planned sample is reached", () => {
  assert.deepEqual(recommend(input()), {
    action: "ship",
    winner: "coupon",
    reasons: ["SIGNIFICANT_WIN"],
    daysLeft: null,
    ended: false,
  });
  assert.equal(decisionWinner(input()), "coupon");
});

Deno.test("recommend() ships the largest significant lift among several winners", () => {
  const big = { ...win, variant: "big", lift: 0.4 };
  assert.equal(recommend(input({ challengers: [win, big, flat] })).winner, "big");
});

Deno.test("recommend() never ships under a sample-ratio mismatch", () => {
  const r = recommend(input({ srmMismatch: true }));
  assert.equal(r.action, "stop");
  assert.deepEqual(r.reasons, ["SRM"]);
  assert.equal(decisionWinner(input({ srmMismatch: true })), null);
});

Deno.test("recommend() does not ship a winner whose guardrail is significantly worse", () => {
  const r = recommend(input({ challengers: [{ ...win, guardrailWorse: true }] }));
  assert.equal(r.action, "stop");
  assert.deepEqual(r.reasons, ["GUARDRAIL_WORSE"]);
  const mixed = recommend(input({ challengers: [{ ...win, guardrailWorse: true }, flat] }));
  assert.equal(mixed.action, "stop");
  assert.deepEqual(mixed.reasons, ["NO_DIFFERENCE", "GUARDRAIL_WORSE"]);
});

Deno.test("recommend() ships nothing while the primary metric or a guardrail is computing", () => {
  const r = recommend(input({ metricsComputing: true }));
  assert.equal(r.action, "keep_running");
  assert.equal(r.winner, null);
  assert.deepEqual(r.reasons, ["METRICS_COMPUTING"]);
  const ended = recommend(input({ metricsComputing: true, ended: true }));
  assert.equal(ended.action, "stop");
  assert.deepEqual(ended.reasons, ["METRICS_COMPUTING"]);
  // A sample-ratio mismatch still says so first.
  assert.deepEqual(recommend(input({ metricsComputing: true, srmMismatch: true })).reasons, [
    "SRM",
  ]);
});

Deno.test("recommend() uses the Holm-adjusted p-value against alpha (boundary excluded)", () => {
  const atAlpha = { ...win, adjustedPValue: 0.05 };
  assert.equal(recommend(input({ challengers: [atAlpha] })).action, "stop");
  assert.equal(recommend(input({ challengers: [atAlpha], alpha: 0.1 })).action, "ship");
});

Deno.test("recommend() keeps an early fixed-horizon win running, but ships it when sequential", () => {
  const early = input({ users: 5000, minArmUsers: 2500 });
  assert.deepEqual(recommend(early), {
    action: "keep_running",
    winner: null,
    reasons: ["EARLY_SIGNIFICANCE"],
    daysLeft: 15,
    ended: false,
  });
  assert.equal(recommend({ ...early, sequential: true }).action, "ship");
  assert.equal(recommend({ ...early, plannedSampleSize: null }).action, "ship");
});

Deno.test("recommend() stops when every challenger is significantly worse", () => {
  const r = recommend(input({ challengers: [{ ...win, lift: -0.2 }] }));
  assert.deepEqual([r.action, r.winner, r.reasons], ["stop", null, ["ALL_WORSE"]]);
});

Deno.test("recommend() keeps running with the days left while nothing is significant", () => {
  const r = recommend(input({ challengers: [flat], users: 12_500, recentDailyUsers: 1000 }));
  assert.deepEqual(r, {
    action: "keep_running",
    winner: null,
    reasons: ["NOT_SIGNIFICANT_YET"],
    daysLeft: 8,
    ended: false,
  });
  assert.equal(recommend(input({ challengers: [flat] })).action, "stop", "plan reached");
  assert.deepEqual(recommend(input({ challengers: [flat] })).reasons, ["NO_DIFFERENCE"]);
});

Deno.test("recommend() says not enough data below 100 users an arm or without a p-value", () => {
  assert.deepEqual(recommend(input({ minArmUsers: 99 })).reasons, ["NOT_ENOUGH_DATA"]);
  const none = { ...win, adjustedPValue: null };
  assert.deepEqual(recommend(input({ challengers: [none] })).reasons, ["NOT_ENOUGH_DATA"]);
});

Deno.test("daysLeft() is unknown without a plan or traffic and at least one day otherwise", () => {
  assert.equal(daysLeft(input({ plannedSampleSize: null })), null);
  assert.equal(daysLeft(input({ recentDailyUsers: 0 })), null);
  assert.equal(daysLeft(input({ recentDailyUsers: null })), null);
  assert.equal(daysLeft(input({ users: 30_000 })), 1);
  assert.equal(daysLeft(input({ users: 0, recentDailyUsers: 3000 })), 7);
});

Deno.test("defaultWinner() is the shipped winner, otherwise the control", () => {
  const base = { reasons: [], daysLeft: null };
  assert.equal(defaultWinner({ ...base, action: "ship", winner: "coupon" }, "control"), "coupon");
  assert.equal(defaultWinner({ action: "keep_running", winner: null }, "control"), "control");
  assert.equal(defaultWinner({ action: "stop", winner: null }, "对照"), "对照");
});

Deno.test("recommend() never says keep running once the experiment has ended", () => {
  const early = { users: 6_000, minArmUsers: 3_000 };
  // Significant before the plan: a running test keeps going, a stopped one ships with a caveat.
  assert.equal(recommend(input(early)).action, "keep_running");
  const stoppedWin = recommend(input({ ...early, ended: true }));
  assert.deepEqual(stoppedWin, {
    action: "ship",
    winner: "coupon",
    reasons: ["SIGNIFICANT_WIN", "EARLY_WIN_UNCONFIRMED"],
    daysLeft: null,
    ended: true,
  });
  assert.equal(defaultWinner(stoppedWin, "control"), "coupon");
  // Nothing significant, or too little data: keep the control.
  const stoppedFlat = recommend(input({ ...early, challengers: [flat], ended: true }));
  assert.equal(stoppedFlat.action, "stop");
  assert.deepEqual(stoppedFlat.reasons, ["ENDED_EARLY", "NOT_SIGNIFICANT_YET"]);
  const stoppedThin = recommend(input({ users: 100, minArmUsers: 50, ended: true }));
  assert.equal(stoppedThin.action, "stop");
  assert.deepEqual(stoppedThin.reasons, ["ENDED_EARLY", "NOT_ENOUGH_DATA"]);
  for (const users of [100, 6_000, 20_000, 40_000]) {
    for (const challengers of [[win], [flat], [win, flat]]) {
      const rec = recommend(input({ users, minArmUsers: users / 2, challengers, ended: true }));
      assert.notEqual(rec.action, "keep_running", `${users} ${rec.reasons}`);
      assert.equal(rec.daysLeft, null);
    }
  }
});
