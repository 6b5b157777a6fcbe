import assert from "node:assert/strict";
import { createRng } from "../random.ts";
import { failing, sequentialSplits } from "./_balance_testing.ts";
import {
  assignVariant,
  bucketOf,
  CURRENT_HASH_VERSION,
  fmix32,
  fnv1a32,
  type HashVersion,
  variantIndexFor,
} from "./assignment.ts";
import { banditArm } from "./bandit.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/assignment.json", import.meta.url)),
);
/** Version 2 from tools/gen_hash_fixtures.py (pure Python FNV-1a and fmix32). */
const v2 = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/hash_v2.json", import.meta.url)),
);

Deno.test("fnv1a32() matches the published FNV-1a test vectors", () => {
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c);
  assert.equal(fnv1a32("foobar"), 0xbf9cf968);
});

Deno.test("fnv1a32() matches the Python reference on UTF-8 text", () => {
  for (const { text, hash } of fixture.hashes) assert.equal(fnv1a32(text), hash, text);
});

Deno.test("hash version 1: assignVariant() matches the independent Python implementation", async (t) => {
  assert.ok(fixture.cases.length >= 4);
  for (const c of fixture.cases) {
    await t.step(c.name, () => {
      for (const { unit, variant, bucket } of c.expected) {
        assert.equal(bucketOf(c.input.experimentKey, unit, 1), bucket, unit);
        assert.equal(
          assignVariant(c.input.experimentKey, unit, c.input.variants, 1),
          variant,
          unit,
        );
      }
    });
  }
});

Deno.test("fmix32() matches MurmurHash3's published values for the empty input", () => {
  // MurmurHash3_x86_32("", seed) is fmix32(seed): seeds 0, 1 and 0xFFFFFFFF.
  assert.equal(fmix32(0), 0);
  assert.equal(fmix32(1), 0x514e28b7);
  assert.equal(fmix32(0xffffffff), 0x81f16f39);
  for (const { input, output } of v2.fmix32) assert.equal(fmix32(input), output, String(input));
});

Deno.test("hash version 2 matches the independent Python implementation", async (t) => {
  assert.ok(v2.cases.length >= 5);
  for (const c of v2.cases) {
    await t.step(c.name, () => {
      const key = c.input.experimentKey;
      for (const e of c.expected) {
        assert.equal(fnv1a32(`${key}:${e.unit}`), e.fnv1a32, e.unit);
        assert.equal(fmix32(e.fnv1a32), e.fmix32, e.unit);
        assert.equal(bucketOf(key, e.unit, 2), e.bucket, e.unit);
        assert.equal(assignVariant(key, e.unit, c.input.variants, 2), e.variant, e.unit);
      }
    });
  }
});

Deno.test("banditArm() is version 2 salted with the seed, as the Python reference", async (t) => {
  assert.ok(v2.bandit.length >= 3);
  for (const c of v2.bandit) {
    await t.step(c.name, () => {
      const { experimentKey, seed, variants } = c.input;
      for (const { unit, variant } of c.expected) {
        assert.equal(banditArm(experimentKey, seed, unit, variants), variant, unit);
      }
    });
  }
});

Deno.test("hash version 2 splits sequential bank ids 50/50 (8 keys × 6 formats × 10,000)", () => {
  const fails = failing(sequentialSplits((key, unit) => bucketOf(key, unit, 2)));
  // At p < 0.001 chance alone fails 0.05 of 48 splits; version 1 fails 16 (test below).
  assert.ok(fails.length <= 2, `${fails.length} of 48 splits fail:\n${fails.join("\n")}`);
});

Deno.test("hash version 1 stays as it was: uneven on sequential ids", () => {
  const fails = failing(sequentialSplits((key, unit) => bucketOf(key, unit, 1)));
  assert.equal(fails.length, 16, fails.join("\n"));
});

Deno.test("new experiments get version 2; versions other than 1 and 2 are refused", () => {
  assert.equal(CURRENT_HASH_VERSION, 2);
  // A server path that forgot to load the version must not fall back to one silently.
  for (const bad of [undefined, 0, 3, 1.5, "2", null, Number.NaN]) {
    assert.throws(
      () => bucketOf("welcome-sms", "C1", bad as unknown as HashVersion),
      (e: Error) => e instanceof RangeError && /hash version/.test(e.message),
    );
  }
});

Deno.test("a lone surrogate hashes as U+FFFD, as TextEncoder encodes it", () => {
  for (const version of [1, 2] as const) {
    assert.equal(bucketOf("k", "x\ud800y", version), bucketOf("k", "x\ufffdy", version));
  }
});

Deno.test("variantIndexFor() skips zero weights and refuses all-zero weights", () => {
  assert.equal(variantIndexFor(0.5, [0.5, 0, 0.5]), 2);
  assert.equal(variantIndexFor(0.49, [0.5, 0, 0.5]), 0);
  assert.equal(variantIndexFor(0.999999999, [1, 1, 1]), 2);
  assert.equal(variantIndexFor(0.2, [0, 0]), -1);
  assert.equal(assignVariant("x", "u", [{ name: "a", weight: 0 }], 2), null);
});

// Unit ids here are random (seeded) 12-digit customer numbers, which both versions split
// evenly; sequential ids are the tests above.
Deno.test("100,000 random units split according to the weights (chi-square p > 0.001)", () => {
  const weights = [0.2, 0.3, 0.5];
  for (const version of [1, 2] as const) {
    const counts = [0, 0, 0];
    const n = 100_000;
    const random = createRng(20261121);
    for (let i = 0; i < n; i++) {
      const unit = String(Math.floor(random() * 1e12)).padStart(12, "0");
      counts[variantIndexFor(bucketOf("split-check", unit, version), weights)]++;
    }
    const chiSquare = counts.reduce((sum, observed, i) => {
      const expected = n * weights[i];
      return sum + (observed - expected) ** 2 / expected;
    }, 0);
    // The 0.999 quantile of chi-square with 2 degrees of freedom is 13.8155.
    assert.ok(chiSquare < 13.8155, `v${version}: chi-square ${chiSquare} for ${counts}`);
  }
});

Deno.test("the same unit always gets the same variant", () => {
  const variants = [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }];
  for (const version of [1, 2] as const) {
    const first = assignVariant("welcome-sms", "customer-42", variants, version);
    for (let i = 0; i < 100; i++) {
      assert.equal(assignVariant("welcome-sms", "customer-42", variants, version), first);
    }
  }
});
