import assert from "node:assert/strict";
import { analyzeMeans, analyzeProportions, type NamedConversionStats } from "./analysis.ts";
import { bayesianComparison } from "./bayes.ts";
import { assertClose, assertJsonSafe, assertMatches, loadFixture } from "./_testing.ts";

Deno.test("analyzeProportions() matches R: prop.test per challenger, Holm, chisq omnibus, SRM", async (t) => {
  const fixture = loadFixture<
    { variants: NamedConversionStats[]; alpha: number; weights?: number[] },
    Record<string, unknown>
  >("proportions_analysis.json");
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const actual = analyzeProportions(input.variants, {
        alpha: input.alpha,
        weights: input.weights,
      });
      assertJsonSafe(actual);
      assertMatches(actual, expected);
      actual.comparisons.forEach((row, i) => {
        const bayes = bayesianComparison(input.variants[0], input.variants[i + 1]);
        assert.equal(row.chanceToBeatControl, bayes.chanceToBeatControl);
      });
    });
  }
});

Deno.test("analyzeMeans() Holm-adjusts Welch p-values over challengers", () => {
  const result = analyzeMeans([
    { name: "control", n: 400, mean: 100, sd: 30 },
    { name: "a", n: 400, mean: 106, sd: 30 },
    { name: "b", n: 400, mean: 101, sd: 30 },
  ]);
  const [a, b] = result.comparisons;
  assertClose(a.adjustedPValue, Math.min(1, 2 * a.pValue!), { relative: 1e-12 });
  assertClose(b.adjustedPValue, Math.max(a.adjustedPValue!, b.pValue!), { relative: 1e-12 });
  assert.equal(a.significant, a.adjustedPValue! < 0.05);
  assertJsonSafe(result);
});
