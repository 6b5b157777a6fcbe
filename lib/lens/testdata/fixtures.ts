/** Test support: reads a reference fixture (failing when it is missing) and compares results. */
import assert from "node:assert/strict";

/** A fixture file written by `tools/gen_lens_fixtures.py`. */
export interface Fixture<I = unknown, E = unknown> {
  metadata: { source: string; generated: string };
  cases: { name: string; input: I; expected: E }[];
}

/** Reads `lib/lens/testdata/<name>`; throws (failing the test) when the file is missing. */
export async function loadFixture<I, E>(name: string): Promise<Fixture<I, E>> {
  const url = new URL(`./${name}`, import.meta.url);
  const fixture = JSON.parse(await Deno.readTextFile(url)) as Fixture<I, E>;
  assert.ok(fixture.cases.length > 0, `${name} has no cases`);
  return fixture;
}

/**
 * Deep equality where numbers may differ by `tolerance` relative to max(1, |expected|);
 * object keys must match exactly (no extra or missing fields).
 */
export function assertDeepClose(
  actual: unknown,
  expected: unknown,
  tolerance = 1e-9,
  path = "$",
): void {
  if (typeof expected === "number" && typeof actual === "number") {
    const scale = Math.max(1, Math.abs(expected));
    assert.ok(
      Math.abs(actual - expected) <= tolerance * scale,
      `${path}: ${actual} differs from ${expected}`,
    );
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertDeepClose(actual[i], e, tolerance, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${path}: expected an object`);
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${path}: keys`);
    for (const key of Object.keys(e)) assertDeepClose(a[key], e[key], tolerance, `${path}.${key}`);
    return;
  }
  assert.equal(actual, expected, path);
}
