import assert from "node:assert/strict";
import { assignVariant, type HashVersion } from "./assignment.ts";
import {
  type CallerFacts,
  compileConfig,
  type ConfigExperiment,
  type ConfigPayload,
  evaluate,
  type LocalAssignment,
} from "./local_evaluation.ts";
import { preDecision } from "../governance/decide.ts";
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

/**
 * The server's decision for one unit, spelled the way the server composes it
 * (lib/experiments/sdk_assignment.ts): `preDecision` without contact, then caps and bandits
 * left to the server, quiet hours, and `assignVariant`.
 */
function serverAnswer(
  e: ReturnType<typeof compiled>,
  unit: string,
  facts: CallerFacts | undefined,
  now: Date,
): LocalAssignment {
  const customer = {
    attributes: facts?.attributes ?? null,
    marketingConsent: facts?.consent !== false,
    optedOut: false,
  };
  const pre = preDecision(e.governed, unit, customer, { now, contact: false });
  if (pre.reason === "forced") {
    return { unit, variant: pre.variant, inExperiment: true, reason: "forced" };
  }
  if (pre.reason !== "eligible") {
    return { unit, variant: null, inExperiment: false, reason: pre.reason };
  }
  if (e.config.capped || e.config.mode === "bandit") {
    return { unit, variant: null, inExperiment: false, reason: "ask_server" };
  }
  const quiet = quietUntil(e.quietHours, e.config.channel, now);
  if (quiet) {
    return {
      unit,
      variant: null,
      inExperiment: false,
      reason: "quiet_hours",
      quietUntil: quiet.toISOString(),
    };
  }
  const variant = assignVariant(e.config.key, unit, e.config.variants, e.config.hashVersion);
  return { unit, variant, inExperiment: variant !== null, reason: "assigned" };
}

Deno.test("evaluate() answers as preDecision + assignVariant for every rule, hash version and unit", () => {
  const units = ["", "QA-001", "QA-测试", "客户-王小明-000001", "émigré", "😀-1", "\ud800x"];
  for (let n = 0; n < 1500; n++) {
    units.push(String(100_000_000 + n));
    units.push(`C${String(1_000_000_00 + n)}`);
    units.push(`62220200${String(n * 7919).padStart(11, "0")}`);
    units.push(`1${38 + (n % 3)}${String(n * 13).padStart(8, "0")}`);
  }
  const facts: Array<CallerFacts | undefined> = [
    undefined,
    {},
    { consent: false },
    { attributes: null },
    { attributes: {} },
    { attributes: { stage: "" } },
    { attributes: { stage: "active" } },
    { attributes: { stage: "active", tags: ["信用卡"] } },
    { attributes: { stage: "high_value", tags: ["代发", "payroll"] } },
    { attributes: { stage: "churned", tags: ["信用卡"] } },
    { attributes: { stage: "active", tags: ["代发"] } },
    { attributes: { tags: ["payroll"] } },
    { attributes: { stage: "active", tags: [] }, consent: true },
  ];
  const experiments: Array<[ConfigPayload["holdout"], Partial<ConfigExperiment>]> = [
    [null, {}],
    [{ percent: 5, salt: "bench-salt" }, {
      targeting: { stages: ["active", "high_value"] },
      segment: { tags: ["信用卡", "payroll"] },
      layer: { key: "sms-main", range: [0, 0.6] },
    }],
    [{ percent: 30, salt: "盐-1" }, { hashVersion: 1, layer: { key: "层", range: [0.25, 0.75] } }],
    [{ percent: 0, salt: "zero" }, {
      segment: { stages: ["active"] },
      targeting: { tags: ["代发"] },
    }],
    [{ percent: 100, salt: "all" }, {}],
    [{ percent: 12.5, salt: "s" }, {
      variants: [
        { name: "control", weight: 2 },
        { name: "off", weight: 0 },
        { name: "coupon", weight: 3 },
        { name: "minus", weight: -1 },
        { name: "cash-back", weight: 5 },
      ],
      layer: { key: "push", range: [0.6, 1] },
    }],
    [null, { variants: [{ name: "control", weight: 0 }, { name: "coupon", weight: 0 }] }],
    [null, { key: "客户实验", hashVersion: 1 }],
    [{ percent: 5, salt: "x" }, { status: "stopped" }],
    [{ percent: 5, salt: "x" }, { capped: true, layer: { key: "a", range: [0, 0.5] } }],
    [{ percent: 5, salt: "x" }, { mode: "bandit", targeting: { stages: ["active"] } }],
    [null, { quietHours: QUIET }],
    [null, { forced: [] }],
    [null, {
      segment: { stages: ["active", "high_value", "new"], tags: ["信用卡", "代发"] },
      targeting: { stages: ["high_value", "churned"], tags: ["payroll", "代发"] },
    }],
    [{ percent: 20, salt: "v1" }, { hashVersion: 1, layer: { key: "sms", range: [0.1, 0.9] } }],
    [{ percent: 50, salt: "qa" }, {
      forced: [
        { unit: "100000007", variant: "control" },
        { unit: "6222020000000055433", variant: "control" },
        { unit: "QA-测试", variant: "control" },
        { unit: "100000007", variant: "coupon" }, // the later one counts, as in the map
      ],
    }],
    [{ percent: 50, salt: "qa" }, {
      forced: Array.from({ length: 40 }, (_, i) => ({
        unit: String(100_000_000 + 3 * i),
        variant: i % 2 ? "control" : "coupon",
      })),
    }],
  ];
  let checked = 0;
  const reasons = new Set<string>();
  for (const [holdout, overrides] of experiments) {
    const payload = { version: "v", holdout, experiments: [{ ...BASE, ...overrides }] };
    const e = compileConfig(payload).experiments.get(payload.experiments[0].key)!;
    for (const now of [NIGHT, new Date("2026-12-02T03:00:00Z")]) {
      for (let i = 0; i < units.length; i++) {
        const f = facts[i % facts.length];
        const answer = evaluate(e, units[i], f, now);
        assert.deepEqual(answer, serverAnswer(e, units[i], f, now), `${units[i]} ${e.config.key}`);
        reasons.add(answer.reason);
        checked++;
      }
    }
  }
  assert.equal(checked, experiments.length * 2 * units.length);
  assert.deepEqual([...reasons].sort(), [
    "ask_server",
    "assigned",
    "forced",
    "holdout",
    "layer_excluded",
    "not_running",
    "not_targeted",
    "opted_out",
    "quiet_hours",
  ]);
});

Deno.test("evaluate() refuses an unknown hash version only where the server picks an arm", () => {
  const e = compiled({ hashVersion: 3 as HashVersion, targeting: { stages: ["active"] } });
  assert.equal(evaluate(e, "C1", undefined).reason, "not_targeted");
  assert.equal(evaluate(e, "QA-001", undefined).reason, "forced");
  assert.throws(() => evaluate(e, "C1", { attributes: { stage: "active" } }), RangeError);
});
