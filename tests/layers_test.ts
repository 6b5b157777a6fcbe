import assert from "node:assert/strict";
import { layerViolations } from "../tools/check_layers.ts";
import { islandNames } from "../tools/build_islands.ts";
import { assertJsonSafe } from "../components/Island.tsx";

Deno.test("imports flow one way: lib never reaches db, Hono or Kysely", async () => {
  assert.deepEqual(await layerViolations(), []);
});

Deno.test("every island's component is named like its file, so the client finds it", async () => {
  const names = await islandNames();
  assert.ok(names.length > 0);
  for (const name of names) {
    const module = await import(`../islands/${name}.tsx`);
    assert.equal(typeof module.default, "function", `islands/${name}.tsx has a default export`);
    assert.equal(module.default.displayName ?? module.default.name, name);
  }
});

Deno.test("island props must be plain JSON", () => {
  assertJsonSafe({ a: [1, "x", null, { b: true }] });
  assert.throws(() => assertJsonSafe({ rate: NaN }), /props\.rate is NaN/);
  assert.throws(() => assertJsonSafe({ list: [1, Infinity] }), /props\.list\[1\] is Infinity/);
  assert.throws(() => assertJsonSafe({ at: new Date() }), /not plain JSON/);
});
