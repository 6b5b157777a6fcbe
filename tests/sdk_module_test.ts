import assert from "node:assert/strict";
import { join } from "node:path";
import { failing, sequentialSplits } from "../lib/experiments/_balance_testing.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { createRng } from "../lib/random.ts";
import { chiSquareSurvival } from "../lib/stats/dist.ts";
import { ensureSdkBuilt, SDK_BUNDLE_PATH } from "../tools/build_sdk.ts";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const WEIGHTS = [{ name: "a", weight: 0.2 }, { name: "b", weight: 0.3 }, {
  name: "c",
  weight: 0.5,
}];

/** Imports the module exactly as `/sdk/lensloop.js` serves it. */
async function importServedSdk(app: { request(path: string): Response | Promise<Response> }) {
  await ensureSdkBuilt();
  const res = await app.request("/sdk/lensloop.js");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /javascript/);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal(res.headers.get("cross-origin-resource-policy"), "cross-origin");
  const text = await res.text();
  assert.doesNotMatch(text, /^\s*import\s/m, "the bundle inlines its imports");
  const file = join(await Deno.makeTempDir(), "lensloop.js");
  await Deno.writeTextFile(file, text);
  return await import(`file://${file}`);
}

testBothBackends(
  "the served SDK and the server agree on 100,000 units, split by the weights",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const sdk = await importServedSdk(app);
    await makeExperiment(db, { key: "split-3", variants: WEIGHTS });
    const rng = createRng(20250101);
    const units = Array.from({ length: 100_000 }, () => `62${Math.floor(rng() * 1e14)}`);
    const counts = new Map(WEIGHTS.map((w) => [w.name, 0]));
    let disagreements = 0;
    for (let i = 0; i < units.length; i += 10_000) {
      const res = await sdkCall(app, "POST", "/api/v1/assignments", {
        experiment: "split-3",
        units: units.slice(i, i + 10_000),
      });
      assert.equal(res.status, 200);
      for (const a of res.body.assignments) {
        if (a.variant !== sdk.assignVariant("split-3", a.unit, WEIGHTS, 2)) disagreements++;
        counts.set(a.variant, counts.get(a.variant)! + 1);
      }
    }
    assert.equal(disagreements, 0);
    const chiSquare = WEIGHTS.reduce((sum, w) => {
      const expected = w.weight * units.length;
      return sum + (counts.get(w.name)! - expected) ** 2 / expected;
    }, 0);
    assert.ok(chiSquareSurvival(chiSquare, 2) > 0.001, `chi-square ${chiSquare}: ${[...counts]}`);
  },
);

testBothBackends("the SDK client speaks the API", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  const sdk = await importServedSdk(app);
  const { TEST_SDK_KEY } = await import("./helpers/app.ts");
  const client = sdk.createClient({
    baseUrl: "http://lensloop.test/",
    sdkKey: TEST_SDK_KEY,
    fetch: (url: string, init: RequestInit) =>
      app.request(new URL(url).pathname + new URL(url).search, init),
  });
  const one = await client.assignment("welcome-sms", "C 1/2");
  assert.equal(one.unit, "C 1/2");
  assert.equal(one.hashVersion, 2);
  const halves = [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }];
  assert.equal(
    one.variant,
    one.reason === "assigned"
      ? sdk.assignVariant("welcome-sms", "C 1/2", halves, one.hashVersion)
      : null,
  );
  assert.equal((await client.assignments("welcome-sms", ["x", "y"])).length, 2);
  assert.deepEqual(await client.upsertCustomers([{ unit: "x", marketingConsent: false }]), {
    upserted: 1,
  });
  assert.equal((await client.optOut(["y"])).inserted, 1);
  const sent = await client.sendEvents([{
    id: "1",
    type: "exposure",
    experiment: "welcome-sms",
    unit: "x",
  }]);
  assert.equal(sent.rejected[0].error.code, "OPTED_OUT");
  await assert.rejects(
    () => client.assignment("nope", "x"),
    (e: Error & { status: number; code: string }) => {
      assert.equal(e.name, "LensloopError");
      assert.equal(e.status, 404);
      assert.equal(e.code, "NOT_FOUND");
      return true;
    },
  );
});

/** The built module file itself (what `/sdk/lensloop.js` serves), without an app. */
async function importBuiltSdk() {
  await ensureSdkBuilt();
  return await import(`file://${SDK_BUNDLE_PATH}?${crypto.randomUUID()}`);
}

Deno.test("the built SDK splits sequential bank ids 50/50 under hash version 2", async () => {
  const sdk = await importBuiltSdk();
  const fails = failing(sequentialSplits((key, unit) => sdk.bucketOf(key, unit, 2)));
  assert.ok(fails.length <= 2, `${fails.length} of 48 splits fail:\n${fails.join("\n")}`);
});

Deno.test("the built SDK computes both hash versions as the Python references", async () => {
  const sdk = await importBuiltSdk();
  const read = async (file: string) =>
    JSON.parse(
      await Deno.readTextFile(new URL(`../lib/experiments/testdata/${file}`, import.meta.url)),
    );
  const [v1, v2] = await Promise.all([read("assignment.json"), read("hash_v2.json")]);
  for (const c of v1.cases) {
    for (const e of c.expected) {
      assert.equal(sdk.bucketOf(c.input.experimentKey, e.unit, 1), e.bucket, e.unit);
      assert.equal(
        sdk.assignVariant(c.input.experimentKey, e.unit, c.input.variants, 1),
        e.variant,
      );
    }
  }
  for (const c of v2.cases) {
    for (const e of c.expected) {
      assert.equal(sdk.fmix32(sdk.fnv1a32(`${c.input.experimentKey}:${e.unit}`)), e.fmix32);
      assert.equal(sdk.bucketOf(c.input.experimentKey, e.unit, 2), e.bucket, e.unit);
      assert.equal(
        sdk.assignVariant(c.input.experimentKey, e.unit, c.input.variants, 2),
        e.variant,
      );
    }
  }
  assert.equal(sdk.CURRENT_HASH_VERSION, 2);
  assert.throws(() => sdk.bucketOf("k", "u", 3), RangeError);
});

Deno.test("the built SDK reads a call without a version (written for the first SDK) as 1", async () => {
  const sdk = await importBuiltSdk();
  const halves = [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }];
  for (let i = 1; i <= 200; i++) {
    const unit = `C${String(i).padStart(9, "0")}`;
    assert.equal(
      sdk.assignVariant("welcome-sms", unit, halves),
      assignVariant("welcome-sms", unit, halves, 1),
    );
    assert.equal(sdk.bucketOf("welcome-sms", unit), sdk.bucketOf("welcome-sms", unit, 1));
  }
});
