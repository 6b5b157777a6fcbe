import assert from "node:assert/strict";
import { compileConfig, type ConfigExperiment, evaluate } from "./local_evaluation.ts";
import { quietUntil } from "../governance/policy.ts";

const BASE: ConfigExperiment = {
  key: "night-sms",
  mode: "ab",
  status: "running",
  hashVersion: 2,
  variants: [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }],
  targeting: {},
  segment: {},
  channel: "sms",
  layer: null,
  forced: [{ unit: "QA-001", variant: "coupon" }],
  capped: false,
  quietHours: null,
};

function compiled(overrides: Partial<ConfigExperiment>) {
  const payload = { version: "v", holdout: null, experiments: [{ ...BASE, ...overrides }] };
  return compileConfig(payload).experiments.get("night-sms")!;
}

// 22:30 in Shanghai (UTC+8).
const NIGHT = new Date("2026-12-01T14:30:00Z");
const QUIET = { start: "21:00", end: "08:00", timeZone: "Asia/Shanghai" };

Deno.test("evaluate() answers quiet_hours with the server's quietUntil, and assigns by day", () => {
  const e = compiled({ quietHours: QUIET });
  const answer = evaluate(e, "C000000001", undefined, NIGHT);
  const ends = quietUntil({ ...QUIET, channels: ["sms"] }, "sms", NIGHT)!;
  assert.deepEqual(answer, {
    unit: "C000000001",
    variant: null,
    inExperiment: false,
    reason: "quiet_hours",
    quietUntil: ends.toISOString(),
  });
  assert.equal(answer.quietUntil, "2026-12-02T00:00:00.000Z");
  const day = evaluate(e, "C000000001", undefined, new Date("2026-12-02T03:00:00Z"));
  assert.equal(day.reason, "assigned");
});

Deno.test("evaluate() asks the server about quiet hours where there is no Temporal", () => {
  const e = compiled({ quietHours: QUIET });
  const temporal = Object.getOwnPropertyDescriptor(globalThis, "Temporal")!;
  // deno-lint-ignore no-explicit-any
  delete (globalThis as any).Temporal;
  try {
    assert.equal(evaluate(e, "C000000001", undefined, NIGHT).reason, "ask_server");
    // What comes before quiet hours is still answered locally.
    assert.equal(evaluate(e, "C000000001", { consent: false }, NIGHT).reason, "opted_out");
  } finally {
    Object.defineProperty(globalThis, "Temporal", temporal);
  }
});

Deno.test("evaluate() leaves capped channels' and bandits' arms to the server, nothing before", () => {
  for (const e of [compiled({ capped: true }), compiled({ mode: "bandit" })]) {
    assert.equal(evaluate(e, "C000000002", undefined).reason, "ask_server");
    assert.deepEqual(evaluate(e, "QA-001", undefined), {
      unit: "QA-001",
      variant: "coupon",
      inExperiment: true,
      reason: "forced",
    });
    assert.equal(evaluate(e, "C000000002", { consent: false }).reason, "opted_out");
  }
  assert.equal(
    evaluate(compiled({ mode: "bandit", status: "stopped" }), "C1", undefined).reason,
    "not_running",
  );
});

Deno.test("evaluate(): consent false outranks a QA unit; no attributes miss any targeting", () => {
  const e = compiled({ targeting: { stages: ["active"] }, segment: { tags: ["信用卡"] } });
  assert.equal(evaluate(e, "QA-001", { consent: false }).reason, "opted_out");
  assert.equal(evaluate(e, "C000000003", undefined).reason, "not_targeted");
  assert.equal(
    evaluate(e, "C000000003", { attributes: { stage: "active", tags: ["代发"] } }).reason,
    "not_targeted",
  );
  assert.equal(
    evaluate(e, "C000000003", { attributes: { stage: "active", tags: ["信用卡"] } }).reason,
    "assigned",
  );
});

Deno.test("evaluate() answers variant null, assigned, when no weight is positive (as the server)", () => {
  const e = compiled({
    variants: [{ name: "control", weight: 0 }, { name: "coupon", weight: -1 }],
  });
  assert.deepEqual(evaluate(e, "C000000004", undefined), {
    unit: "C000000004",
    variant: null,
    inExperiment: false,
    reason: "assigned",
  });
});
