/**
 * Deterministic A/B assignment, reproducible by any SDK:
 *
 *   bucket = fnv1a32(`${experimentKey}:${unit}`) / 2^32   (UTF-8 bytes, FNV-1a 32-bit)
 *
 * and the variant is the first whose cumulative (normalised) weight exceeds the bucket.
 * No dependencies: `sdk/lensloop.ts` re-exports this file for banks to embed.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

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

/** The unit's bucket in [0, 1) for an experiment. */
export function bucketOf(experimentKey: string, unit: string): number {
  return fnv1a32(`${experimentKey}:${unit}`) / 2 ** 32;
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

/** The variant name a unit gets in an A/B experiment, or null when no weight is positive. */
export function assignVariant(
  experimentKey: string,
  unit: string,
  variants: readonly { name: string; weight: number }[],
): string | null {
  const index = variantIndexFor(bucketOf(experimentKey, unit), variants.map((v) => v.weight));
  return index < 0 ? null : variants[index].name;
}
