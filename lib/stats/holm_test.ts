import assert from "node:assert/strict";
import { holmAdjust } from "./holm.ts";
import { assertClose, loadFixture } from "./_testing.ts";

Deno.test("holmAdjust() matches R p.adjust(method = 'holm')", async (t) => {
  const fixture = loadFixture<{ pValues: (number | null)[] }, { adjusted: (number | null)[] }>(
    "holm.json",
  );
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = holmAdjust(input.pValues);
      assert.equal(actual.length, expected.adjusted.length);
      expected.adjusted.forEach((e, i) => assertClose(actual[i], e, { relative: 1e-14 }));
    });
  }
});
