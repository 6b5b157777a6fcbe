import assert from "node:assert/strict";
import { assertClose, assertJsonSafe, type Fixture } from "../stats/_testing.ts";
import {
  lineage,
  type LineageIterationInput,
  programFigures,
  type ProgramInput,
  promotionKeys,
  stepLift,
} from "./lineage.ts";

function load<I, E>(file: string): Fixture<I, E> {
  const url = new URL(`./testdata/${file}`, import.meta.url);
  const fixture = JSON.parse(Deno.readTextFileSync(url)) as Fixture<I, E>;
  assert.ok(fixture.cases.length > 0, `${file} has no cases`);
  return fixture;
}

/** Every field of `expected` in `actual`: numbers to relative 1e-9 (absolute 1e-12), others exactly. */
function assertLike(actual: unknown, expected: unknown, path = "$"): void {
  if (typeof expected === "number") {
    assertClose(actual as number, expected, { relative: 1e-9, absolute: 1e-12, label: path });
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is not an array`);
    assert.equal(actual.length, expected.length, `${path} length`);
    expected.forEach((e, i) => assertLike(actual[i], e, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${path} is ${actual}`);
    for (const [k, e] of Object.entries(expected)) {
      assertLike((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    }
  } else assert.equal(actual, expected, path);
}

Deno.test("lineage() matches the independent scipy implementation", async (t) => {
  const fixture = load<{ alpha: number; iterations: LineageIterationInput[] }, unknown>(
    "lineage.json",
  );
  assert.ok(fixture.cases.length >= 15);
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = lineage(input.iterations, { alpha: input.alpha });
      assertJsonSafe(actual);
      assertLike(actual, expected);
    });
  }
});

Deno.test("programFigures() matches numpy's median and the coverage ratio", async (t) => {
  const fixture = load<ProgramInput, unknown>("lineage_program.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => assertLike(programFigures(input), expected));
  }
});

const arms = (c: [number, number], w: [number, number]) => [
  { variant: "control", users: c[0], conversions: c[1] },
  { variant: "new", users: w[0], conversions: w[1] },
];

Deno.test("a one-step chain compounds to that step's lift, inside a log-scale interval", () => {
  const result = lineage([{
    key: "a",
    name: "a",
    iteration: 1,
    mode: "ab",
    status: "decided",
    winnerVariant: "new",
    parentKey: null,
    arms: arms([20000, 400], [20000, 520]),
  }]);
  const step = result.steps[0].result!;
  assertClose(result.compounded.lift, step.lift, { relative: 1e-12 });
  const [lo, hi] = result.compounded.ci!;
  assert.ok(lo < step.lift! && step.lift! < hi);
  assert.ok(hi - step.lift! > step.lift! - lo, "the log-scale interval leans upwards");
  assert.deepEqual(result.series.map((p) => p.iteration), [0, 1]);
});

Deno.test("stepLift(): a falling winner's interval never reaches under -100 % (issue 13)", () => {
  // The delta-method interval of r here was about -112 % ~ -46 %, outside the possible range.
  const step = stepLift(arms([60, 6], [95, 2]), "new");
  assert.ok(step.ci![0] > -1 && step.ci![0] < step.lift! && step.lift! < step.ci![1]);
  const single = lineage([{
    key: "a",
    name: "a",
    iteration: 1,
    mode: "ab",
    status: "decided",
    winnerVariant: "new",
    parentKey: null,
    arms: arms([60, 6], [95, 2]),
  }]);
  // One step compounds to exactly its own interval (both on the log scale).
  single.compounded.ci!.forEach((v, i) => assertClose(v, step.ci![i], { relative: 1e-12 }));
});

Deno.test("stepLift(): a kept control is exactly 0 and adds no variance", () => {
  const kept = stepLift(arms([5000, 100], [5000, 150]), "control");
  assert.deepEqual(
    [kept.outcome, kept.lift, kept.ci, kept.se, kept.reasons],
    ["kept_control", 0, null, 0, []],
  );
  const promoted = stepLift(arms([5000, 100], [5000, 150]), "new");
  assertClose(promoted.lift, 0.5, { relative: 1e-12 });
  assert.equal(promoted.outcome, "promoted");
});

Deno.test("lineage() compounds decided steps only, in iteration order", () => {
  const base = { name: "x", mode: "ab" as const, parentKey: null };
  const result = lineage([
    {
      ...base,
      key: "c",
      parentKey: "b",
      iteration: 3,
      status: "running",
      winnerVariant: null,
      arms: arms([1, 1], [1, 0]),
    },
    {
      ...base,
      key: "b",
      parentKey: "a",
      iteration: 2,
      status: "decided",
      winnerVariant: "new",
      arms: arms([1000, 100], [1000, 110]),
    },
    {
      ...base,
      key: "a",
      iteration: 1,
      status: "decided",
      winnerVariant: "new",
      arms: arms([1000, 100], [1000, 120]),
    },
  ]);
  assert.deepEqual(result.steps.map((s) => s.key), ["a", "b", "c"]);
  assertClose(result.compounded.lift, 1.2 * 1.1 - 1, { relative: 1e-12 });
  assert.equal(result.compounded.decidedSteps, 2);
  assert.equal(result.steps[2].result, null);
  assert.equal(result.steps[2].winner, null);
  assert.deepEqual(result.series.map((p) => p.iteration), [0, 1, 2]);
});

Deno.test("lineage(): an experiment not linked by promotion stands alone, never compounded", () => {
  const base = { mode: "ab" as const, status: "decided" as const, winnerVariant: "new" };
  const result = lineage([
    {
      ...base,
      key: "w1",
      name: "唤醒 1",
      iteration: 1,
      parentKey: null,
      arms: arms([1000, 100], [1000, 130]),
    },
    {
      ...base,
      key: "w2",
      name: "唤醒 2",
      iteration: 2,
      parentKey: "w1",
      arms: arms([1000, 100], [1000, 120]),
    },
    {
      key: "repay-bandit-v1",
      name: "还款老虎机",
      iteration: 3,
      mode: "bandit",
      status: "decided",
      winnerVariant: "红包",
      parentKey: null,
      arms: [
        { variant: "plain", users: 3000, conversions: 60 },
        { variant: "红包", users: 9000, conversions: 400 },
      ],
    },
  ]);
  assert.deepEqual(result.steps.map((s) => s.key), ["w1", "w2"]);
  assertClose(result.compounded.lift, 1.3 * 1.2 - 1, { relative: 1e-12 });
  assert.equal(result.compounded.decidedSteps, 2);
  assert.deepEqual(result.series.map((p) => p.iteration), [0, 1, 2]);
  assert.deepEqual(result.standalone.map((s) => s.key), ["repay-bandit-v1"]);
  const alone = result.standalone[0];
  assert.equal(alone.compounded, null);
  assert.equal(alone.control, "plain");
  assertClose(alone.result!.lift, (400 / 9000) / (60 / 3000) - 1, { relative: 1e-12 });
});

Deno.test("lineage(): the longest promotion chain is the chain, ties go to the earliest root", () => {
  const it = (key: string, iteration: number, parentKey: string | null) => ({
    key,
    name: key,
    iteration,
    mode: "ab" as const,
    status: "decided" as const,
    winnerVariant: "new",
    parentKey,
    arms: arms([1000, 100], [1000, 110]),
  });
  const longer = lineage([it("a", 1, null), it("b", 2, null), it("c", 3, "b"), it("d", 4, "x")]);
  assert.deepEqual(longer.steps.map((s) => s.key), ["b", "c"]);
  assert.deepEqual(longer.standalone.map((s) => s.key), ["a", "d"]);
  const tie = lineage([it("b", 2, null), it("a", 1, null)]);
  assert.deepEqual(tie.steps.map((s) => s.key), ["a"]);
  assert.deepEqual(tie.standalone.map((s) => s.key), ["b"]);
});

Deno.test("promotionKeys(): the next version of a key, and the ones after it", () => {
  const keys = (key: string, depth: number) => promotionKeys(key, depth, 3).map((k) => k.key);
  assert.deepEqual(keys("repay-bandit-v1", 1), [
    "repay-bandit-v2",
    "repay-bandit-v3",
    "repay-bandit-v4",
  ]);
  assert.deepEqual(keys("repay-bandit-v2", 2), [
    "repay-bandit-v3",
    "repay-bandit-v4",
    "repay-bandit-v5",
  ]);
  assert.deepEqual(keys("welcome-sms", 1), ["welcome-sms-v2", "welcome-sms-v3", "welcome-sms-v4"]);
  assert.deepEqual(keys("wake-push-2", 2), ["wake-push-3", "wake-push-4", "wake-push-5"]);
  assert.deepEqual(keys("coupon-2024", 1), ["coupon-2024-v2", "coupon-2024-v3", "coupon-2024-v4"]);
  assert.deepEqual(promotionKeys("sms", 3, 1), [{ key: "sms-v4", version: 4 }]);
  const long = promotionKeys("a".repeat(64), 1, 1)[0].key;
  assert.equal(long, `${"a".repeat(61)}-v2`);
});
