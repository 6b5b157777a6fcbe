import assert from "node:assert/strict";
import banks from "./demo-banks.json" with { type: "json" };
import {
  normalisedWeights,
  SCENARIOS,
  type ScenarioScore,
  type ScenarioWeights,
  scoreScenario,
  weightProblems,
} from "./scenarios.ts";
import { type LensInput, scoreAssessment } from "./scoring.ts";
import { assertDeepClose, loadFixture } from "./testdata/fixtures.ts";

Deno.test("scoreScenario() matches the independent Python scorer extended for weights", async (t) => {
  const fixture = await loadFixture<LensInput & { weights: ScenarioWeights }, ScenarioScore>(
    "scenarios.json",
  );
  for (const c of fixture.cases) {
    await t.step(c.name, () => {
      const { weights, ...input } = c.input;
      assertDeepClose(scoreScenario(scoreAssessment(input), weights), c.expected);
    });
  }
});

Deno.test("the fixture's scenarios are the ones offered", async () => {
  const fixture = await loadFixture<LensInput & { weights: ScenarioWeights }, ScenarioScore>(
    "scenarios.json",
  );
  for (const s of SCENARIOS) {
    const c = fixture.cases.find((x) => x.name === `${s.id}: demo bank CC2`);
    assert.ok(c, s.id);
    assert.deepEqual(c.input.weights, s.weights);
  }
});

Deno.test("the official weights reproduce the official score; the official score is untouched", () => {
  const bank = banks.find((b) => b.id === "CC2")!;
  const official = scoreAssessment({ values: bank.values });
  const before = JSON.stringify(official);
  const same = scoreScenario(official, { dimensions: { digital: 4, intelligent: 3.5, open: 2.5 } });
  assert.ok(Math.abs(same.overall.score! - official.overall.score!) < 1e-9);
  const retail = scoreScenario(official, SCENARIOS[1].weights);
  assert.notEqual(retail.overall.score, official.overall.score);
  assert.equal(JSON.stringify(official), before);
});

Deno.test("weightProblems() refuses negative, non-finite, unknown and all-zero weights", () => {
  const codes = (w: ScenarioWeights) => weightProblems(w).map((p) => `${p.code}:${p.id}`);
  assert.deepEqual(codes({ dimensions: { digital: -0.1 } }), ["BAD_WEIGHT:digital"]);
  assert.deepEqual(codes({ dimensions: { digital: NaN } }), ["BAD_WEIGHT:digital"]);
  assert.deepEqual(codes({ capabilities: { tag_system: 1 } }), ["UNKNOWN_ID:tag_system"]);
  assert.deepEqual(codes({ dimensions: { digital: 0, intelligent: 0, open: 0 } }), [
    "ZERO_SUM:dimensions",
  ]);
  assert.deepEqual(
    codes({
      capabilities: {
        open_platform: 0,
        scene_ecosystem: 0,
        interorg_collaboration: 0,
        compliance_trust: 0,
      },
    }),
    ["ZERO_SUM:open"],
  );
  assert.throws(() => scoreScenario(scoreAssessment({ values: {} }), { dimensions: { x: 1 } }));
  for (const s of SCENARIOS) assert.deepEqual(weightProblems(s.weights), [], s.id);
});

Deno.test("normalisedWeights() sums each level to 1 and keeps unset weights the model's", () => {
  const w = normalisedWeights({ dimensions: { digital: 2, intelligent: 1, open: 1 } });
  assert.deepEqual(w.dimensions, [0.5, 0.25, 0.25]);
  for (const caps of w.capabilities) {
    assert.ok(Math.abs(caps.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  assert.equal(w.capabilities[0][0], 0.25); // digital_channels keeps 0.25
});
