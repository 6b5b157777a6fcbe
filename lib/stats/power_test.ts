import assert from "node:assert/strict";
import {
  feasibleRelativeEffect,
  powerForSampleSize,
  sampleSizeMeans,
  sampleSizeProportions,
  targetRate,
} from "./power.ts";
import { assertClose, loadFixture } from "./_testing.ts";

interface Input {
  kind?: "means";
  baselineRate?: number;
  variantRate?: number;
  minimumDetectableEffect?: number;
  effectType?: "absolute" | "relative";
  sd?: number;
  alpha: number;
  power: number;
  variants: number;
}

Deno.test("sample sizes match R power.prop.test (alpha / (k − 1) for k arms)", async (t) => {
  const fixture = loadFixture<Input, { n: number; perVariant: number; total: number }>(
    "power.json",
  );
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const options = { alpha: input.alpha, power: input.power, variants: input.variants };
      const actual = input.kind === "means"
        ? sampleSizeMeans({
          sd: input.sd!,
          minimumDetectableEffect: input.minimumDetectableEffect!,
        }, options)
        : sampleSizeProportions({
          baselineRate: input.baselineRate!,
          variantRate: input.variantRate!,
        }, options);
      assert.equal(actual.perVariant, expected.perVariant);
      assert.equal(actual.total, expected.total);
      if (input.effectType) {
        const rate = targetRate(
          input.baselineRate!,
          input.minimumDetectableEffect!,
          input.effectType,
        );
        assertClose(rate, input.variantRate!, { relative: 1e-12 });
      }
    });
  }
});

Deno.test("sampleSizeProportions() refuses rates outside (0, 1)", () => {
  assert.throws(() => sampleSizeProportions({ baselineRate: 0.5, variantRate: 1.1 }), RangeError);
  assert.throws(() => sampleSizeProportions({ baselineRate: 0.5, variantRate: 0.5 }), RangeError);
});

interface CurveInput {
  baselineRate: number;
  variantRate: number;
  perVariant: number;
  alpha: number;
  variants: number;
}

Deno.test("powerForSampleSize() matches R power.prop.test(n = …)$power", async (t) => {
  const fixture = loadFixture<CurveInput, { power: number }>("power_curve.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const { baselineRate, variantRate, perVariant, alpha, variants } = input;
      const actual = powerForSampleSize({ baselineRate, variantRate }, perVariant, {
        alpha,
        variants,
      });
      assertClose(actual, expected.power, { relative: 1e-9, label: "power" });
    });
  }
});

Deno.test("powerForSampleSize() at the planned n reaches the planned power", () => {
  const rates = { baselineRate: 0.05, variantRate: 0.055 };
  const { perVariant } = sampleSizeProportions(rates, { power: 0.9, variants: 3 });
  const reached = powerForSampleSize(rates, perVariant, { variants: 3 });
  const short = powerForSampleSize(rates, perVariant - 1, { variants: 3 });
  assert.ok(reached >= 0.9 && short < 0.9, `${short} < 0.9 ≤ ${reached}`);
  assert.throws(() => powerForSampleSize(rates, 0), RangeError);
});

Deno.test("feasibleRelativeEffect() keeps the preferred lift unless it passes half-way to 100 %", () => {
  assert.deepEqual(feasibleRelativeEffect(0.1, 0.1), { effect: 0.1, capped: false });
  // 10 % of 0.95 would plan 104.5 %: half the distance to 100 % is 0.025, i.e. 0.05 / 1.9.
  const high = feasibleRelativeEffect(0.95, 0.1);
  assert.equal(high.capped, true);
  assert.ok(Math.abs(high.effect - 0.05 / 1.9) < 1e-15);
  assert.ok(Math.abs(0.95 * (1 + high.effect) - 0.975) < 1e-15);
  for (const p of [0.5, 0.9, 0.99, 0.999999]) {
    const rate = p * (1 + feasibleRelativeEffect(p, 0.1).effect);
    assert.ok(rate > p && rate < 1, `${p} → ${rate}`);
  }
});
