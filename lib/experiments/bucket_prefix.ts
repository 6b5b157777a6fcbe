/**
 * `bucketOf(experimentKey, unit, hashVersion)` (./assignment.ts) with the experiment's part of
 * the hash computed once: FNV-1a reads its input left to right, so the state after the bytes of
 * `${experimentKey}:` is the same for every unit and only the unit's bytes remain. Local
 * evaluation (./local_evaluation.ts) prepares one per experiment when a payload loads; the
 * result is `bucketOf`'s to the bit (a unit that is not ASCII goes through `bucketOf` itself,
 * which encodes it as UTF-8; tests/local_evaluation_test.ts compares 100,000 customers).
 */
import { bucketOf, fmix32, fnv1a32, type HashVersion } from "./assignment.ts";

const FNV_PRIME = 0x01000193;
const TWO_32 = 2 ** 32;

/** A function giving each unit's bucket in [0, 1) for one experiment and hash version. */
export function bucketer(
  experimentKey: string,
  hashVersion: HashVersion,
): (unit: string) => number {
  const prefix = `${experimentKey}:`;
  // The FNV-1a state after the prefix: fnv1a32 of it, before its final `>>> 0`, is the state.
  const ascii = [...prefix].every((ch) => ch.charCodeAt(0) < 0x80);
  const start = fnv1a32(prefix) | 0;
  const mix = hashVersion === 2;
  if (!ascii || (hashVersion !== 1 && hashVersion !== 2)) {
    return (unit) => bucketOf(experimentKey, unit, hashVersion);
  }
  return (unit) => {
    let hash = start;
    for (let i = 0; i < unit.length; i++) {
      const code = unit.charCodeAt(i);
      if (code >= 0x80) return bucketOf(experimentKey, unit, hashVersion);
      hash = Math.imul(hash ^ code, FNV_PRIME);
    }
    return (mix ? fmix32(hash) : hash >>> 0) / TWO_32;
  };
}
