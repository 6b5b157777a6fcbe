import assert from "node:assert/strict";
import { thompsonAllocation } from "../stats/bandits.ts";
import { banditDecision, periodSrm, reweight } from "./bandit.ts";

interface Fixtures {
  reweight: Array<{
    name: string;
    input: { arms: Array<{ name: string; users: number; conversions: number }>; minShare: number };
    expected: { ready: boolean; probabilityBest: number[]; weights: number[]; cut: boolean[] };
  }>;
  srm: Array<{
    name: string;
    input: { weights: number[]; users: number[] };
    expected: { chiSquare: number; pValue: number; mismatch: boolean };
  }>;
}

const fixtures: Fixtures = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/bandit.json", import.meta.url)),
);

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );

Deno.test("reweighting matches R (integrate, the cut rule) on every fixture", () => {
  assert.ok(fixtures.reweight.length >= 6);
  for (const { name, input, expected } of fixtures.reweight) {
    const result = reweight(input.arms, { minShare: input.minShare });
    assert.equal(result.ready, expected.ready, name);
    assert.deepEqual(result.cut, expected.cut, name);
    result.probabilityBest.forEach((p, i) => close(p, expected.probabilityBest[i], 1e-6, name));
    result.weights.forEach((w, i) => close(w, expected.weights[i], 1e-6, name));
    close(result.weights.reduce((s, w) => s + w, 0), 1, 1e-12, `${name}: weights sum`);
  }
});

Deno.test("the public calculator allocates as a live bandit reweights (cut rule included)", () => {
  const cases = [
    ...fixtures.reweight.map((f) => ({
      name: f.name,
      arms: f.input.arms,
      minShare: f.input.minShare,
    })),
    {
      name: "an arm under 1 % is cut",
      arms: [
        { name: "a", users: 2000, conversions: 100 },
        { name: "b", users: 2000, conversions: 112 },
        { name: "c", users: 2000, conversions: 60 },
      ],
      minShare: 0.05,
    },
    {
      name: "before burn-in",
      arms: [{ name: "a", users: 99, conversions: 9 }, { name: "b", users: 500, conversions: 5 }],
      minShare: 0.01,
    },
  ];
  assert.ok(cases.some((c) => reweight(c.arms, { minShare: c.minShare }).cut.some(Boolean)));
  for (const { name, arms, minShare } of cases) {
    const live = reweight(arms, { minShare });
    const calculator = thompsonAllocation(arms, { minShare });
    assert.equal(calculator.reweighted, live.ready, name);
    assert.deepEqual(calculator.cut, live.cut, name);
    calculator.weights.forEach((w, i) => close(w, live.weights[i], 1e-12, `${name}: arm ${i}`));
  }
});

Deno.test("a cut arm keeps exactly the floor, the others never fall below it", () => {
  const arms = [
    { name: "a", users: 2000, conversions: 100 },
    { name: "b", users: 2000, conversions: 112 },
    { name: "c", users: 2000, conversions: 60 },
  ];
  const result = reweight(arms, { minShare: 0.05 });
  assert.deepEqual(result.cut, [false, false, true]);
  assert.equal(result.weights[2], 0.05);
  assert.ok(result.weights.every((w) => w >= 0.05));
  assert.throws(() => reweight(arms, { minShare: 0.34 }), RangeError);
  assert.throws(() => reweight(arms.slice(0, 1)), RangeError);
});

Deno.test("a bandit is decided at 95 % probability of being best, only after burn-in", () => {
  const clear = [
    { name: "control", users: 3000, conversions: 90 },
    { name: "coupon", users: 3000, conversions: 150 },
  ];
  assert.equal(banditDecision(clear).winner, "coupon");
  const short = [
    { name: "control", users: 99, conversions: 1 },
    { name: "coupon", users: 3000, conversions: 300 },
  ];
  const early = banditDecision(short);
  assert.equal(early.burnedIn, false);
  assert.equal(early.winner, null);
  assert.ok(early.probabilityBest[1] > 0.95, "the data alone would say coupon");
  const tight = [
    { name: "control", users: 1000, conversions: 50 },
    { name: "coupon", users: 1000, conversions: 58 },
  ];
  assert.equal(banditDecision(tight).winner, null);
  assert.equal(banditDecision(tight, { decideAt: 0.7 }).winner, "coupon");
});

Deno.test("the sample-ratio check per period matches R's chisq.test", () => {
  const results = periodSrm(fixtures.srm.map((f, i) => ({
    allocationId: String(i),
    weights: f.input.weights,
    users: f.input.users,
  })));
  results.forEach((r, i) => {
    const { name, expected } = fixtures.srm[i];
    close(r.srm.chiSquare!, expected.chiSquare, 1e-9 * expected.chiSquare, name);
    close(r.srm.pValue!, expected.pValue, 1e-6 * expected.pValue, name);
    assert.equal(r.srm.mismatch, expected.mismatch, name);
  });
  const zeroWeight = periodSrm([{
    allocationId: null,
    weights: [0, 0.5, 0.5],
    users: [0, 10, 12],
  }]);
  assert.equal(zeroWeight[0].srm.mismatch, false);
  assert.ok(zeroWeight[0].srm.pValue! > 0.5, "the arm without weight is left out of the test");
});
