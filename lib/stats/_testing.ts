/** Test helpers for lib/stats: tolerance assertions and reference fixtures. */
import assert from "node:assert/strict";

/** A reference fixture as written by tools/gen_stats_fixtures.{R,py}. */
export interface Fixture<I = Record<string, unknown>, E = Record<string, unknown>> {
  metadata: { source: string; generated: string };
  cases: { name: string; input: I; expected: E }[];
}

/** Loads `lib/stats/testdata/<file>`; throws (so the test fails) when it is missing. */
export function loadFixture<I = Record<string, unknown>, E = Record<string, unknown>>(
  file: string,
): Fixture<I, E> {
  const url = new URL(`./testdata/${file}`, import.meta.url);
  const fixture = JSON.parse(Deno.readTextFileSync(url)) as Fixture<I, E>;
  assert.ok(fixture.cases.length > 0, `${file} has no cases`);
  return fixture;
}

/**
 * Asserts |actual − expected| ≤ max(absolute, relative·|expected|). Nulls must match exactly.
 * Defaults: absolute 1e-12, relative 1e-9.
 */
export function assertClose(
  actual: number | null | undefined,
  expected: number | null | undefined,
  tolerance: { absolute?: number; relative?: number; label?: string } = {},
): void {
  const { absolute = 1e-12, relative = 1e-9, label = "value" } = tolerance;
  if (expected === null || expected === undefined || actual === null || actual === undefined) {
    assert.equal(actual ?? null, expected ?? null, `${label}: expected ${expected}, got ${actual}`);
    return;
  }
  const allowed = Math.max(absolute, relative * Math.abs(expected));
  const diff = Math.abs(actual - expected);
  assert.ok(
    Number.isFinite(actual) && diff <= allowed,
    `${label}: expected ${expected}, got ${actual} (difference ${diff} > ${allowed})`,
  );
}

/** Asserts a value survives JSON unchanged: no NaN, Infinity or undefined anywhere. */
export function assertJsonSafe(value: unknown, path = "$"): void {
  if (typeof value === "number") assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (value === undefined) assert.fail(`${path} is undefined`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertJsonSafe(v, `${path}[${i}]`));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertJsonSafe(v, `${path}.${k}`);
  }
}

/**
 * Compares every field of `expected` with `actual`, recursively: numbers with relative 1e-7 /
 * absolute 1e-15, other values exactly. Fields only in `actual` are ignored.
 */
export function assertMatches(actual: unknown, expected: unknown, path = "$"): void {
  if (typeof expected === "number" || expected === null) {
    if (typeof expected === "number" && Math.abs(expected) < 1e-300) {
      assert.equal(actual, expected, path);
    } else {
      assertClose(actual as number | null, expected, {
        relative: 1e-7,
        absolute: 1e-15,
        label: path,
      });
    }
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is not an array`);
    expected.forEach((e, i) => assertMatches((actual as unknown[])[i], e, `${path}[${i}]`));
  } else if (typeof expected === "object") {
    for (const [k, e] of Object.entries(expected as object)) {
      assertMatches((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    }
  } else assert.equal(actual, expected, path);
}
