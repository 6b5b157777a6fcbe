import assert from "node:assert/strict";
import { bayesianComparison, probabilityBest } from "./bayes.ts";
import { assertClose, loadFixture } from "./_testing.ts";
import type { ConversionStats } from "./types.ts";

Deno.test("bayesianComparison() matches scipy quadrature (and Evan Miller's exact sum)", async (t) => {
  const fixture = loadFixture<
    { control: ConversionStats; variant: ConversionStats },
    { chanceToBeatControl: number; expectedLoss: number }
  >("bayes.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = bayesianComparison(input.control, input.variant);
      const tolerance = { absolute: 1e-10, relative: 1e-8 };
      assertClose(actual.chanceToBeatControl, expected.chanceToBeatControl, {
        ...tolerance,
        label: "chanceToBeatControl",
      });
      assertClose(actual.expectedLoss, expected.expectedLoss, {
        ...tolerance,
        absolute: 1e-12,
        label: "expectedLoss",
      });
    });
  }
});

Deno.test("probabilityBest() matches scipy quadrature and sums to 1", async (t) => {
  const fixture = loadFixture<{ arms: ConversionStats[] }, { probabilityBest: number[] }>(
    "probability_best.json",
  );
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = probabilityBest(input.arms);
      expected.probabilityBest.forEach((e, i) => assertClose(actual[i], e, { absolute: 1e-10 }));
      assertClose(actual.reduce((s, p) => s + p, 0), 1, { absolute: 1e-10 });
    });
  }
});

Deno.test("bayesianComparison() stays fast at 10^7 users per arm", () => {
  const start = performance.now();
  for (let i = 0; i < 10; i++) {
    bayesianComparison({ users: 1e7, conversions: 200_000 + i }, {
      users: 1e7,
      conversions: 200_900,
    });
  }
  assert.ok(performance.now() - start < 1000, "10 comparisons took over a second");
});

Deno.test("Bayesian integrals stay exact when nearly everyone converts at 10^12 users", () => {
  const all = { users: 1e12, conversions: 1e12 }, none = { users: 1e12, conversions: 0 };
  const p = probabilityBest([all, none, all, none]);
  p.forEach((v, i) => assertClose(v, i % 2 ? 0 : 0.5, { absolute: 1e-9 }));
  const high = bayesianComparison({ users: 1e9, conversions: 1e9 - 200 }, {
    users: 1e9,
    conversions: 1e9 - 260,
  });
  const low = bayesianComparison({ users: 1e9, conversions: 260 }, {
    users: 1e9,
    conversions: 200,
  });
  assertClose(high.chanceToBeatControl, low.chanceToBeatControl, { absolute: 1e-12 });
  assertClose(high.expectedLoss, low.expectedLoss, { absolute: 1e-18 });
});

Deno.test("bayesianComparison() handles one arm at 100 % and the other at 0 %", () => {
  const result = bayesianComparison({ users: 1e12, conversions: 1e12 }, {
    users: 1e12,
    conversions: 0,
  });
  assertClose(result.chanceToBeatControl, 0, { absolute: 1e-15 });
  assertClose(result.expectedLoss, 1, { absolute: 1e-9 });
});
