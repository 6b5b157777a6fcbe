import assert from "node:assert/strict";
import { chiSquareIndependence, sampleRatioMismatch } from "./chi_square.ts";
import { assertClose, assertJsonSafe, loadFixture } from "./_testing.ts";
import type { ConversionStats } from "./types.ts";

interface Input {
  kind: "omnibus" | "srm";
  arms?: ConversionStats[];
  users?: number[];
  weights?: number[];
}
interface Expected {
  chiSquare: number | null;
  df?: number;
  pValue: number | null;
  mismatch?: boolean;
}

Deno.test("omnibus and SRM chi-square tests match R chisq.test", async (t) => {
  const fixture = loadFixture<Input, Expected>("chi_square.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = input.kind === "omnibus"
        ? chiSquareIndependence(input.arms!)
        : sampleRatioMismatch(input.users!, { weights: input.weights });
      assertJsonSafe(actual);
      assertClose(actual.chiSquare, expected.chiSquare, { relative: 1e-9, label: "chiSquare" });
      assertClose(actual.pValue, expected.pValue, {
        relative: 1e-8,
        absolute: 1e-15,
        label: "pValue",
      });
      if ("df" in actual) assert.equal(actual.df, expected.df);
      if ("mismatch" in actual) assert.equal(actual.mismatch, expected.mismatch);
    });
  }
});

Deno.test("chiSquareIndependence() gives a reason when nobody converted", () => {
  const result = chiSquareIndependence([{ users: 10, conversions: 0 }, {
    users: 12,
    conversions: 0,
  }]);
  assert.deepEqual(result.reasons, ["ZERO_VARIANCE"]);
  assert.equal(result.pValue, null);
});

Deno.test("sampleRatioMismatch() refuses weights that do not fit the arms", () => {
  assert.throws(() => sampleRatioMismatch([10, 10], { weights: [1] }), RangeError);
  assert.throws(() => sampleRatioMismatch([10, 10], { weights: [1, 0] }), RangeError);
});
