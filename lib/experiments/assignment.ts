/**
 * Deterministic A/B assignment, reproducible by any SDK. Each experiment stores the version of
 * the rule it was created with (`experiments.hash_version`), so a running experiment keeps its
 * customers' arms when a better rule arrives:
 *
 *   v1  bucket = fnv1a32(`${experimentKey}:${unit}`) / 2^32
 *   v2  bucket = fmix32(fnv1a32(`${experimentKey}:${unit}`)) / 2^32   (every new experiment)
 *
 * FNV-1a 32-bit over the UTF-8 bytes; `fmix32` is MurmurHash3's 32-bit finaliser. The variant is
 * the first whose cumulative (normalised) weight exceeds the bucket. v1's top bits barely depend
 * on the last characters of the unit, so sequential customer ids (C000000001, C000000002, …)
 * split measurably unevenly (16 of 48 key × id-format splits of 10,000 ids fail a chi-square
 * test at p < 0.001); the finaliser gives every input bit an even chance of flipping every
 * output bit (full avalanche), and it is a bijection, so v2 adds no collisions. docs/SDK.md
 * states both rules with worked examples. No dependencies: `sdk/lensloop.ts` re-exports this
 * file for banks to embed.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** A version of the assignment rule: 1 (plain FNV-1a) or 2 (FNV-1a, then `fmix32`). */
export type HashVersion = 1 | 2;

/** The versions there are, oldest first. */
export const HASH_VERSIONS: readonly HashVersion[] = [1, 2];

/** The version every new experiment gets. */
export const CURRENT_HASH_VERSION: HashVersion = 2;

/** FNV-1a, 32-bit, over the UTF-8 bytes of `text`; an unsigned integer below 2^32. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return fnv1a32Bytes(encoder.encode(text)); // not ASCII: its UTF-8 bytes
    hash = Math.imul(hash ^ code, FNV_PRIME);
  }
  return hash >>> 0;
}

/** FNV-1a over bytes (ASCII text is its own UTF-8, so `fnv1a32` skips encoding it). */
function fnv1a32Bytes(bytes: Uint8Array): number {
  let hash = FNV_OFFSET;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME);
  return hash >>> 0;
}

/**
 * MurmurHash3's 32-bit finaliser (`fmix32` in Austin Appleby's MurmurHash3.cpp): shifts and
 * multiplications modulo 2^32 that mix every input bit into every output bit. A bijection on
 * unsigned 32-bit integers; returns an unsigned integer below 2^32.
 */
export function fmix32(hash: number): number {
  let h = hash >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The version as given when it is 1 or 2; anything else (a version not loaded) throws. */
function checkedVersion(hashVersion: HashVersion): HashVersion {
  if (hashVersion !== 1 && hashVersion !== 2) {
    throw new RangeError(`Unknown hash version "${hashVersion}" (expected 1 or 2)`);
  }
  return hashVersion;
}

/** The unit's bucket in [0, 1) for an experiment, under the experiment's hash version. */
export function bucketOf(experimentKey: string, unit: string, hashVersion: HashVersion): number {
  const hash = fnv1a32(`${experimentKey}:${unit}`);
  return (checkedVersion(hashVersion) === 2 ? fmix32(hash) : hash) / 2 ** 32;
}

/**
 * Index of the variant a bucket falls in, for traffic weights (any non-negative scale; they
 * are normalised). Returns -1 when no weight is positive.
 */
export function variantIndexFor(bucket: number, weights: readonly number[]): number {
  const total = weights.reduce((sum, w) => sum + (w > 0 ? w : 0), 0);
  if (!(total > 0)) return -1;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] > 0)) continue;
    cumulative += weights[i] / total;
    last = i;
    if (bucket < cumulative) return i;
  }
  return last; // rounding left the cumulative sum a hair under 1
}

/**
 * The variant name a unit gets in an A/B experiment under its hash version (the experiment's
 * `hashVersion`), or null when no weight is positive.
 */
export function assignVariant(
  experimentKey: string,
  unit: string,
  variants: readonly { name: string; weight: number }[],
  hashVersion: HashVersion,
): string | null {
  const index = variantIndexFor(
    bucketOf(experimentKey, unit, hashVersion),
    variants.map((v) => v.weight),
  );
  return index < 0 ? null : variants[index].name;
}
