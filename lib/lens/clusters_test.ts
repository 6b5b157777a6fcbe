import assert from "node:assert/strict";
import banks from "./demo-banks.json" with { type: "json" };
import type { ScoredBank } from "./benchmark.ts";
import { clusterOf, CLUSTERS, peerClusters } from "./clusters.ts";
import { champions } from "./peers.ts";
import { type LensScore, scoreAssessment } from "./scoring.ts";

const demo: ScoredBank[] = banks.map((b) => ({
  bankId: b.id,
  peerGroup: b.peer_group,
  score: scoreAssessment({ values: b.values }),
}));

/** A bank with only an overall score and level (what clusters read). */
function fake(
  bankId: string,
  score: number,
  level: number,
  peerGroup = "city_commercial",
): ScoredBank {
  const s = {
    overall: { score, rawScore: score, deduction: 0, level, capped: false },
  } as LensScore;
  return { bankId, peerGroup, score: { ...s, dimensions: [] } as unknown as LensScore };
}

Deno.test("clusterOf(): champions, fast followers, adopters and latecomers of ten banks by hand", () => {
  // scores 10, 20, …, 100: q1 = 32.5, q3 = 77.5 (type 7); the 100 is the top decile (95th)
  const scores = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  assert.equal(clusterOf(100, 5, scores), "champion");
  assert.equal(clusterOf(100, 3, scores), "fast_follower"); // top decile but level 3 (capped)
  assert.equal(clusterOf(90, 5, scores), "fast_follower"); // 85th percentile
  assert.equal(clusterOf(80, 4, scores), "fast_follower");
  assert.equal(clusterOf(60, 4, scores), "fast_follower"); // level 4 below q3
  assert.equal(clusterOf(70, 3, scores), "adopter");
  assert.equal(clusterOf(40, 3, scores), "adopter");
  assert.equal(clusterOf(30, 2, scores), "latecomer"); // below q1
  assert.equal(clusterOf(40, 1, scores), "latecomer"); // level 1
  // under 10 banks there are no champions (PRODUCT.md)
  assert.equal(clusterOf(100, 5, scores.slice(1)), "fast_follower");
});

Deno.test("peerClusters() counts every scored bank of the group once; champions as PRODUCT.md", () => {
  const view = peerClusters(demo, "all", demo.find((b) => b.bankId === "CC2"));
  assert.equal(view.group, "all");
  assert.equal(view.n, 20);
  assert.equal(CLUSTERS.reduce((n, c) => n + view.counts[c], 0), 20);
  const rows = demo.map((b) => ({ bankId: b.bankId, ...b.score.overall }));
  assert.equal(view.counts.champion, champions(rows).length);
  assert.ok(view.bank !== null);
  // counts and the bank's own cluster only: no other bank named
  const text = JSON.stringify(view);
  for (const b of banks) assert.ok(!text.includes(`"${b.id}"`), b.id);
});

Deno.test("peerClusters() falls back like the peer statistics and refuses under 5 banks", () => {
  const foreign = peerClusters(demo, "foreign"); // 2 banks: falls back
  assert.notEqual(foreign.group, "foreign");
  assert.equal(foreign.reason, "FALLBACK");
  const four = [1, 2, 3, 4].map((k) => fake(`X${k}`, 20 * k, k));
  const none = peerClusters(four, "city_commercial");
  assert.deepEqual(none, {
    group: null,
    reason: "TOO_FEW_BANKS",
    n: 0,
    counts: { champion: 0, fast_follower: 0, adopter: 0, latecomer: 0 },
    bank: null,
  });
  const five = [...four, fake("X5", 90, 5)];
  const shown = peerClusters(five, "city_commercial", five[0]);
  assert.equal(shown.n, 5);
  assert.equal(shown.counts.champion, 0);
  assert.equal(shown.bank, "latecomer");
});

Deno.test("the bank is placed with the assessment shown, counted once", () => {
  const group = [10, 20, 30, 40, 50, 60, 70, 80, 90].map((s, k) => fake(`Y${k}`, s, 3));
  const shownLater = fake("Y0", 95, 5); // Y0's shown period is much better than its latest submitted
  const view = peerClusters(group, "city_commercial", shownLater);
  assert.equal(view.bank, "fast_follower"); // 9 banks: no champions
  assert.equal(view.n, 9);
});
