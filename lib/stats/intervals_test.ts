import assert from "node:assert/strict";
import { createRng, type Rng } from "../random.ts";
import { analyzeProportions } from "./analysis.ts";
import { holmAdjust, holmLevels } from "./holm.ts";
import { fiellerInterval, scoreDifferenceInterval, scoreRatioInterval } from "./intervals.ts";
import { compareProportions } from "./proportions.ts";
import { normalQuantile } from "./dist.ts";
import type { ConversionStats, Interval } from "./types.ts";

const excludesZero = (ci: Interval | null) => ci !== null && (ci[0] > 0 || ci[1] < 0);

/** Arms of all sizes: 5 to 200,000 users, rates from 0 to 60 %, near-identical arms half the time. */
function randomArms(rng: Rng, k: number): ConversionStats[] {
  const users = () => Math.floor(5 * Math.exp(rng() * Math.log(40_000)));
  const base = rng() < 0.2 ? rng() * 0.6 : rng() * 0.08;
  return Array.from({ length: k }, () => {
    const n = users();
    const rate = Math.min(1, base * (rng() < 0.5 ? 1 : 0.6 + 0.8 * rng()));
    let conversions = 0;
    if (n <= 2000) { for (let i = 0; i < n; i++) conversions += rng() < rate ? 1 : 0; }
    else {
      const sd = Math.sqrt(n * rate * (1 - rate));
      const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      conversions = Math.min(n, Math.max(0, Math.round(n * rate + sd * z)));
    }
    return { users: n, conversions };
  });
}

Deno.test("intervals agree with the p-value beside them and stay in range, over 4,000 random pairs", () => {
  const rng = createRng(13);
  let checked = 0, significant = 0;
  for (let i = 0; i < 2000; i++) {
    const [control, variant] = randomArms(rng, 2);
    const alpha = [0.05, 0.01, 0.1][i % 3];
    for (const sequential of [false, true]) {
      const r = compareProportions(control, variant, { alpha, sequential });
      if (r.pValue === null) {
        assert.equal(r.ci, null);
        assert.equal(r.relativeCi, null);
        continue;
      }
      checked++;
      const below = r.pValue < alpha;
      if (below) significant++;
      const label = JSON.stringify({ control, variant, alpha, sequential, r });
      assert.ok(r.ci !== null, label);
      assert.equal(excludesZero(r.ci), below, `ci: ${label}`);
      assert.ok(r.ci[0] >= -1 && r.ci[1] <= 1 || sequential, `ci range: ${label}`);
      assert.ok(r.ci[0] <= r.absoluteLift && r.absoluteLift <= r.ci[1], `ci holds lift: ${label}`);
      if (r.relativeCi) {
        assert.equal(excludesZero(r.relativeCi), below, `relativeCi: ${label}`);
        assert.ok(r.relativeCi[0] >= -1, `relativeCi under -100 %: ${label}`);
        assert.ok(r.relativeCi[0] <= r.relativeLift! && r.relativeLift! <= r.relativeCi[1], label);
      }
    }
  }
  assert.ok(checked > 3500 && significant > 500 && checked - significant > 500);
});

Deno.test("with several challengers the intervals agree with the Holm-adjusted words", () => {
  const rng = createRng(2026);
  let disagreeAtPlainAlpha = 0;
  for (let i = 0; i < 300; i++) {
    const arms = randomArms(rng, 3 + (i % 4)).map((a, j) => ({ name: `组${j}`, ...a }));
    const sequential = i % 5 === 0;
    const analysis = analyzeProportions(arms, { alpha: 0.05, sequential });
    for (const row of analysis.comparisons) {
      if (row.pValue === null) continue;
      const label = JSON.stringify({ arms, sequential, row });
      assert.equal(excludesZero(row.ci), row.significant, `ci: ${label}`);
      if (row.relativeCi) assert.equal(excludesZero(row.relativeCi), row.significant, label);
      assert.ok(row.ciLevel >= 0.95 && row.ciLevel < 1, label);
      if ((row.pValue < 0.05) !== row.significant) disagreeAtPlainAlpha++;
    }
  }
  // The cases where plain 95 % intervals would have sat beside the wrong words did occur.
  assert.ok(disagreeAtPlainAlpha > 5, `only ${disagreeAtPlainAlpha} cases exercised Holm`);
});

Deno.test("holmLevels() gives each step's level while Holm rejects, then the failing step's", () => {
  const p = [0.004, 0.03, null, 0.011, 0.5];
  const levels = holmLevels(p, 0.05);
  // m = 4: 0.004 < 0.05/4 rejects, 0.011 < 0.05/3 rejects, 0.03 ≥ 0.05/2 fails: all after it too.
  assert.deepEqual(levels, [0.05 / 4, 0.05 / 2, null, 0.05 / 3, 0.05 / 2]);
  const adjusted = holmAdjust(p);
  p.forEach((v, i) => {
    if (v === null) return;
    assert.equal(v < levels[i]!, adjusted[i]! < 0.05);
  });
  assert.deepEqual(holmLevels([0.2], 0.05), [0.05]);
});

Deno.test("the issue's interval: a relative lift never falls under -100 % and agrees with p", () => {
  // Old delta-method interval here: about -119 % ~ -44 % beside p ≈ 0.067 ("not yet certain").
  const control = { users: 60, conversions: 6 }, variant = { users: 95, conversions: 2 };
  const r = compareProportions(control, variant);
  assert.ok(r.pValue! > 0.01);
  assert.ok(r.relativeCi![0] >= -1);
  assert.equal(excludesZero(r.relativeCi), r.pValue! < 0.05);
  assert.equal(excludesZero(r.ci), r.pValue! < 0.05);
});

Deno.test("score intervals: edge cases of the counts", () => {
  const z = normalQuantile(0.975);
  // No conversions in the variant: the ratio's lower end is 0 (relative -100 %), never below.
  assert.equal(
    scoreRatioInterval({ users: 800, conversions: 12 }, { users: 750, conversions: 0 }, z)![0],
    0,
  );
  // A control without conversions has no ratio.
  assert.equal(
    scoreRatioInterval({ users: 800, conversions: 0 }, { users: 750, conversions: 3 }, z),
    null,
  );
  // All converted in both: the difference interval still lies in [-1, 1].
  const all = scoreDifferenceInterval({ users: 10, conversions: 10 }, {
    users: 12,
    conversions: 12,
  }, z)!;
  assert.ok(all[0] >= -1 && all[1] <= 1 && all[0] <= 0 && all[1] >= 0);
  // No users: null.
  assert.equal(
    scoreDifferenceInterval({ users: 0, conversions: 0 }, { users: 5, conversions: 1 }, z),
    null,
  );
  // Very large n stays finite and tight.
  const big = scoreRatioInterval({ users: 1e9, conversions: 2e7 }, {
    users: 1e9,
    conversions: 2.02e7,
  }, z)!;
  assert.ok(big[0] > 1 && big[1] < 1.02);
});

Deno.test("fiellerInterval(): bounded only when the control is told from 0; clipped at 0", () => {
  assert.equal(
    fiellerInterval({ estimate: 1, variance: 1 }, { estimate: 2, variance: 1 }, 1.96),
    null,
  );
  const r = fiellerInterval({ estimate: 10, variance: 1 }, { estimate: 0.5, variance: 4 }, 1.96, {
    atLeast: 0,
  })!;
  assert.equal(r[0], 0);
  // At ρ = 1 the Fieller set is the Wald test of the difference.
  const c = { estimate: 10, variance: 1 }, v = { estimate: 12.7, variance: 1 };
  const inside = (ci: Interval) => ci[0] <= 1 && 1 <= ci[1];
  const wald = Math.abs(v.estimate - c.estimate) / Math.sqrt(2);
  assert.equal(inside(fiellerInterval(c, v, 1.96)!), wald <= 1.96);
  assert.equal(inside(fiellerInterval(c, v, 1.9)!), wald <= 1.9);
});
