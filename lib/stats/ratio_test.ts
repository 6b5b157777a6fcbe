import assert from "node:assert/strict";
import { compareRatios, ratioEstimate, type RatioSums } from "./ratio.ts";
import { assertClose } from "./_testing.ts";

interface Case {
  name: string;
  input: {
    alpha: number;
    intervalAlpha: number;
    control: { x: number[]; y: number[] };
    variant: { x: number[]; y: number[] };
  };
  expected: Record<string, number | number[] | null>;
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("../metrics/testdata/ratio.json", import.meta.url)),
) as { cases: Case[] };

/** The sums the read-out SQL computes, from per-customer numerators and denominators. */
export function sumsOf({ x, y }: { x: number[]; y: number[] }): RatioSums {
  let sumX = 0, sumY = 0, sumXX = 0, sumYY = 0, sumXY = 0;
  x.forEach((xi, i) => {
    sumX += xi;
    sumY += y[i];
    sumXX += xi * xi;
    sumYY += y[i] * y[i];
    sumXY += xi * y[i];
  });
  return { n: x.length, sumX, sumY, sumXX, sumYY, sumXY };
}

Deno.test("compareRatios() matches the delta method computed with numpy/scipy", async (t) => {
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const c = sumsOf(input.control), v = sumsOf(input.variant);
      const e0 = ratioEstimate(c)!, e1 = ratioEstimate(v)!;
      assertClose(e0.ratio, expected.controlRatio as number, { relative: 1e-12 });
      assertClose(e0.variance, expected.controlVariance as number, { relative: 1e-8 });
      assertClose(e1.variance, expected.variance as number, { relative: 1e-8 });
      const r = compareRatios(c, v, { alpha: input.alpha, intervalAlpha: input.intervalAlpha });
      for (const k of ["absoluteLift", "relativeLift", "zScore", "pValue"] as const) {
        assertClose(r[k], expected[k] as number, { relative: 1e-7, label: k });
      }
      for (const k of ["ci", "relativeCi"] as const) {
        const e = expected[k] as number[];
        assertClose(r[k]![0], e[0], { relative: 1e-7, label: `${k}[0]` });
        assertClose(r[k]![1], e[1], { relative: 1e-7, label: `${k}[1]` });
      }
    });
  }
});

Deno.test("compareRatios(): no denominator, one customer, zero variance", () => {
  const some = sumsOf({ x: [1, 2, 3], y: [1, 1, 2] });
  assert.deepEqual(compareRatios(some, { ...some, sumY: 0 }).reasons, ["NOT_ENOUGH_DATA"]);
  assert.deepEqual(
    compareRatios(some, sumsOf({ x: [5], y: [1] })).reasons,
    ["NOT_ENOUGH_DATA"],
  );
  const flat = sumsOf({ x: [2, 2, 2], y: [1, 1, 1] });
  const r = compareRatios(flat, flat);
  assert.deepEqual(r.reasons, ["ZERO_VARIANCE"]);
  assert.equal(r.pValue, null);
  assert.equal(r.absoluteLift, 0);
});

Deno.test("compareRatios(): the intervals agree with the p-value at their level", () => {
  let seed = 11;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let trial = 0; trial < 200; trial++) {
    const arm = (amount: number) => {
      const y = Array.from({ length: 60 }, () => Math.floor(random() * 4));
      return { x: y.map((k) => k * amount * (0.5 + random())), y };
    };
    const c = sumsOf(arm(10)), v = sumsOf(arm(10 + random() * 6));
    const r = compareRatios(c, v, { sequential: trial % 2 === 1 });
    if (r.pValue === null) continue;
    const excludes = r.ci![0] > 0 || r.ci![1] < 0;
    assert.equal(excludes, r.pValue < 0.05, JSON.stringify(r));
    if (r.relativeCi) {
      assert.equal(r.relativeCi[0] > 0 || r.relativeCi[1] < 0, excludes, JSON.stringify(r));
    }
  }
});
