import * as dist from "./dist.ts";
import { assertClose, loadFixture } from "./_testing.ts";

type Fn = (...args: number[]) => number;
const functions: Record<string, Fn> = {
  normalCdf: dist.normalCdf,
  normalQuantile: dist.normalQuantile,
  tCdf: dist.tCdf,
  tQuantile: dist.tQuantile,
  chiSquareSurvival: dist.chiSquareSurvival,
  logGamma: dist.logGamma,
  logBeta: dist.logBeta,
};

Deno.test("distribution tails and quantiles match scipy, deep tails and huge df included", async (t) => {
  const fixture = loadFixture<{ fn: string; args: number[] }, { value: number }>("dist.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = functions[input.fn](...input.args);
      assertClose(actual, expected.value, { relative: 1e-9, absolute: 1e-300, label: name });
    });
  }
});

Deno.test("two-sided p-values are symmetric and never exceed 1", () => {
  assertClose(dist.normalTwoSidedP(1.959963984540054), 0.05, { relative: 1e-12 });
  assertClose(dist.normalTwoSidedP(-2), dist.normalTwoSidedP(2), { relative: 0 });
  assertClose(dist.normalTwoSidedP(0), 1, { relative: 0 });
  assertClose(dist.tTwoSidedP(0, 3), 1, { relative: 0 });
});
