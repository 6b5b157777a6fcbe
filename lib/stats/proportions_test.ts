import assert from "node:assert/strict";
import { compareProportions } from "./proportions.ts";
import { assertClose, assertJsonSafe, loadFixture } from "./_testing.ts";
import type { ConversionStats } from "./types.ts";

interface Input {
  control: ConversionStats;
  variant: ConversionStats;
  alpha: number;
}

Deno.test("compareProportions() matches R prop.test and the score intervals that invert it", async (t) => {
  const fixture = loadFixture<Input, Record<string, number | number[] | null>>("proportions.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = compareProportions(input.control, input.variant, { alpha: input.alpha });
      assertJsonSafe(actual);
      for (
        const key of ["controlRate", "rate", "absoluteLift", "relativeLift", "zScore"] as const
      ) {
        assertClose(actual[key], expected[key] as number | null, { label: key, relative: 1e-9 });
      }
      assertClose(actual.pValue, expected.pValue as number | null, {
        label: "pValue",
        relative: 1e-7,
        absolute: 1e-15,
      });
      for (const key of ["ci", "relativeCi"] as const) {
        const e = expected[key] as number[] | null;
        if (e === null) assert.equal(actual[key], null, key);
        else e.forEach((v, i) => assertClose(actual[key]![i], v, { label: key, relative: 1e-9 }));
      }
    });
  }
});

Deno.test("compareProportions() reports reason codes instead of NaN", () => {
  const none = compareProportions({ users: 500, conversions: 0 }, { users: 600, conversions: 0 });
  assert.deepEqual(none.reasons, ["ZERO_VARIANCE", "BASELINE_ZERO"]);
  assert.equal(none.pValue, null);
  assert.equal(none.ci, null);
  const empty = compareProportions({ users: 0, conversions: 0 }, { users: 10, conversions: 1 });
  assert.deepEqual(empty.reasons, ["NOT_ENOUGH_DATA"]);
  assertJsonSafe([none, empty]);
});

Deno.test("sequential mode widens the interval and agrees with its always-valid p-value", () => {
  const control = { users: 10000, conversions: 200 }, variant = { users: 10000, conversions: 260 };
  const fixed = compareProportions(control, variant);
  const seq = compareProportions(control, variant, { sequential: true });
  assert.ok(seq.ci![0] > fixed.ci![0] - 1 && seq.ci![1] - seq.ci![0] > fixed.ci![1] - fixed.ci![0]);
  assert.ok(seq.pValue! > fixed.pValue!);
  assert.equal(seq.pValue! < 0.05, seq.ci![0] > 0 || seq.ci![1] < 0);
});
