import assert from "node:assert/strict";
import { betaSample, createRng, gammaSample, normalSample } from "./random.ts";

Deno.test("createRng() replays the same sequence for the same seed", () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const xs = Array.from({ length: 5 }, a);
  assert.deepEqual(xs, Array.from({ length: 5 }, b));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, c));
  for (const x of xs) assert.ok(x > 0 && x < 1);
});

Deno.test("samplers have the right first two moments", () => {
  const rng = createRng(7);
  const n = 200_000;
  const moments = (draw: () => number) => {
    let s = 0, ss = 0;
    for (let i = 0; i < n; i++) {
      const x = draw();
      s += x;
      ss += x * x;
    }
    return { mean: s / n, variance: ss / n - (s / n) ** 2 };
  };
  const z = moments(() => normalSample(rng));
  assert.ok(Math.abs(z.mean) < 0.01 && Math.abs(z.variance - 1) < 0.01);
  const g = moments(() => gammaSample(rng, 0.5));
  assert.ok(Math.abs(g.mean - 0.5) < 0.01 && Math.abs(g.variance - 0.5) < 0.02);
  const b = moments(() => betaSample(rng, 3, 7));
  assert.ok(Math.abs(b.mean - 0.3) < 0.002);
  assert.ok(Math.abs(b.variance - 0.3 * 0.7 / 11) < 0.001);
});
