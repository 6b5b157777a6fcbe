import assert from "node:assert/strict";
import { alwaysValidPValue, confidenceSequenceHalfWidth, sequentialRho } from "./sequential.ts";
import { normalTwoSidedP } from "./dist.ts";
import { createRng } from "../random.ts";
import { assertClose, loadFixture } from "./_testing.ts";

interface Input {
  lift: number;
  se: number;
  n: number;
  alpha: number;
  tuning: number;
}

Deno.test("sequential formulas match an independent R evaluation of PRODUCT.md", async (t) => {
  const fixture = loadFixture<Input, { rho: number; halfWidth: number; pValue: number }>(
    "sequential.json",
  );
  for (const { name, input, expected } of fixture.cases) {
    await t.step(name, () => {
      const options = { alpha: input.alpha, tuning: input.tuning };
      assertClose(sequentialRho(input.alpha, input.tuning), expected.rho, { relative: 1e-13 });
      assertClose(confidenceSequenceHalfWidth(input.se, input.n, options), expected.halfWidth, {
        relative: 1e-12,
      });
      assertClose(alwaysValidPValue(input.lift, input.se, input.n, options), expected.pValue, {
        relative: 1e-10,
      });
    });
  }
});

/**
 * A/A tests with peeks every 250 users per arm up to 10,000: the share of experiments that ever
 * look significant. Seeded, so the outcome is fixed; it runs in about a second.
 */
function aaFalsePositiveRates(experiments: number, seed: number) {
  const rng = createRng(seed);
  const rate = 0.05, peekEvery = 250, maxPerArm = 10_000, alpha = 0.05;
  let sequentialHits = 0, naiveHits = 0;
  for (let e = 0; e < experiments; e++) {
    let c0 = 0, c1 = 0, seqHit = false, naiveHit = false;
    for (let users = 1; users <= maxPerArm; users++) {
      if (rng() < rate) c0++;
      if (rng() < rate) c1++;
      if (users % peekEvery !== 0) continue;
      const p0 = c0 / users, p1 = c1 / users;
      const se = Math.sqrt((p0 * (1 - p0) + p1 * (1 - p1)) / users);
      if (se === 0) continue;
      if (alwaysValidPValue(p1 - p0, se, 2 * users, { alpha }) < alpha) seqHit = true;
      if (normalTwoSidedP((p1 - p0) / se) < alpha) naiveHit = true;
    }
    if (seqHit) sequentialHits++;
    if (naiveHit) naiveHits++;
  }
  return { sequential: sequentialHits / experiments, naive: naiveHits / experiments };
}

Deno.test("always-valid p-values keep the A/A false-positive rate below alpha despite 40 peeks", () => {
  const rates = aaFalsePositiveRates(1000, 2024);
  assert.ok(rates.sequential <= 0.05, `sequential false-positive rate ${rates.sequential}`);
  assert.ok(rates.naive > 0.1, `naive peeking should inflate errors, got ${rates.naive}`);
});
