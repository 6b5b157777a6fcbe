import assert from "node:assert/strict";
import { bhAdjust, bhLevel } from "./bh.ts";
import { assertClose } from "./_testing.ts";

interface Case {
  name: string;
  input: { pValues: (number | null)[]; alpha: number };
  expected: { adjusted: (number | null)[]; level: number | null };
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("../metrics/testdata/bh.json", import.meta.url)),
) as { cases: Case[] };

Deno.test("bhAdjust() matches scipy false_discovery_control('bh') = R p.adjust('BH')", async (t) => {
  assert.ok(fixture.cases.length > 5);
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = bhAdjust(input.pValues);
      assert.equal(actual.length, expected.adjusted.length);
      expected.adjusted.forEach((e, i) => assertClose(actual[i], e, { relative: 1e-12 }));
      assertClose(bhLevel(input.pValues, input.alpha), expected.level, { relative: 1e-14 });
    });
  }
});

Deno.test("bhLevel(): an interval at the level excludes the null exactly when BH rejects", () => {
  // Sweep: for random p-vectors, p < level ⇔ adjusted p < α.
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let trial = 0; trial < 500; trial++) {
    const m = 1 + Math.floor(random() * 12);
    const p = Array.from({ length: m }, () => random() ** 3);
    const level = bhLevel(p, 0.05)!;
    const adjusted = bhAdjust(p);
    p.forEach((x, i) => assert.equal(x < level, adjusted[i]! < 0.05, JSON.stringify(p)));
  }
});
