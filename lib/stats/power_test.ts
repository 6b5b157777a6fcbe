import assert from "node:assert/strict";
import { sampleSizeMeans, sampleSizeProportions, targetRate } from "./power.ts";
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
