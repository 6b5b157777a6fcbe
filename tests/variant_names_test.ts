/**
 * Arm names in Chinese (issue 15): `对照组` and `紧迫文案` are accepted by the API and stored
 * (migration 0012 relaxed the check of 0001), travel to the SDK's answers — the fast path's
 * hand-made JSON equal byte for byte to the app's — the results CSV and the decide form; the
 * rule still refuses control characters, edge spaces and names over 64 characters, in the API
 * and in the database.
 */
import assert from "node:assert/strict";
import { createApp, createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { readConfig } from "../fresh.config.ts";
import { variantNameProblem, variantSlug } from "../lib/experiments/variant_name.ts";
import { loadAssets } from "../plugins/assets.ts";
import { fastAssignment } from "../routes/api/v1/fast_assignment.ts";
import {
  createTestApp,
  DEMO_USERS,
  expectJson,
  jsonRequest,
  sessionCookie,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { SDK_AUTH } from "./helpers/sdk.ts";
import { sql } from "kysely";

const ARMS = ["对照组", "紧迫文案"];

Deno.test("variantNameProblem(): the rule", () => {
  for (
    const ok of ["对照组", "紧迫文案", "control", "A/B 文案 #2", "x".repeat(64), "😀".repeat(64)]
  ) {
    assert.equal(variantNameProblem(ok), null, ok);
  }
  assert.equal(variantNameProblem(""), "EMPTY");
  assert.equal(variantNameProblem("x".repeat(65)), "TOO_LONG");
  assert.equal(variantNameProblem("紧迫\n文案"), "CONTROL");
  assert.equal(variantNameProblem("a\u202eb"), "CONTROL");
  assert.equal(variantNameProblem(" 对照组"), "EDGE_SPACE");
  assert.equal(variantNameProblem("对照组\u3000"), "EDGE_SPACE");
  assert.equal(variantNameProblem("a\ud800"), "NOT_STORABLE");
  assert.equal(variantSlug("control-1"), "control-1");
  assert.equal(variantSlug("对照组"), "v-e5afb9e785a7e7bb84");
  assert.notEqual(variantSlug("紧迫文案"), variantSlug("对照组"));
});

testBothBackends("Chinese arm names end to end", async (t, database) => {
  const { db } = database;
  await createTestApp(db);
  const cache = await ConfigCache.open(database);
  const deps = {
    db,
    config: { ...readConfig({ get: () => undefined }), logRequests: false },
    assets: await loadAssets(null),
    configCache: cache,
  };
  const app = createApp(deps);
  const handler = createHandler(deps, app);
  const fast = fastAssignment(cache, { now: () => new Date() });
  const growth = await sessionCookie(db, DEMO_USERS.growth);
  try {
    await t.step("the API takes them (trimmed), and starts the experiment", async () => {
      const body = {
        key: "urgent-copy",
        name: "紧迫文案测试",
        variants: [{ name: ` ${ARMS[0]} `, weight: 1 }, { name: ARMS[1], weight: 1 }],
      };
      const created = await expectJson(
        await app.request("/api/experiments", jsonRequest("POST", body, { cookie: growth })),
        201,
      );
      assert.deepEqual(created.experiment.variants.map((v: { name: string }) => v.name), ARMS);
      await expectJson(
        await app.request("/api/experiments/urgent-copy/start", {
          method: "POST",
          headers: { cookie: growth },
        }),
        200,
      );
    });

    await t.step("the database refuses what the rule refuses", async () => {
      const { id } = await db.selectFrom("experiments").select("id").where(
        "key",
        "=",
        "urgent-copy",
      )
        .executeTakeFirstOrThrow();
      for (const bad of [" 对照", "紧迫\t文案", "x".repeat(65), "a\u2028b"]) {
        await assert.rejects(
          sql`insert into variants (experiment_id, bank_id, position, name, weight)
              values (${id}, 'CC2', 9, ${bad}, 1)`.execute(db),
          JSON.stringify(bad),
        );
      }
    });

    await t.step("SDK answers: the fast path's JSON equals the app's byte for byte", async () => {
      await cache.sync();
      const seen = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const path = `/api/v1/experiments/urgent-copy/assignment?unit=C1000000${10 + i}`;
        const request = () => new Request(`http://localhost${path}`, { headers: SDK_AUTH });
        let viaFast = fast(request());
        if (!viaFast) {
          await (await handler(request())).body?.cancel();
          viaFast = fast(request());
        }
        assert.ok(viaFast, path);
        const viaApp = await app.fetch(request());
        const [f, a] = [await viaFast.text(), await viaApp.text()];
        assert.equal(f, a, path);
        assert.equal(
          new TextEncoder().encode(f).length,
          new TextEncoder().encode(a).length,
        );
        const answer = JSON.parse(f);
        assert.ok(ARMS.includes(answer.variant), f);
        seen.add(answer.variant);
      }
      assert.deepEqual([...seen].sort(), [...ARMS].sort());
    });

    await t.step("the batch assignment and the results CSV carry the names", async () => {
      const batch = await expectJson(
        await app.request(
          "/api/v1/assignments",
          jsonRequest(
            "POST",
            { experiment: "urgent-copy", units: ["C100000001", "C100000002"] },
            SDK_AUTH,
          ),
        ),
        200,
      );
      assert.match(JSON.stringify(batch), /对照组|紧迫文案/);
      const csv = await app.request("/api/experiments/urgent-copy/results.csv", {
        headers: { cookie: growth },
      });
      assert.equal(csv.status, 200);
      const text = await csv.text();
      for (const arm of ARMS) assert.match(text, new RegExp(arm));
    });

    await t.step("the decide form posts a Chinese winner", async () => {
      await expectJson(
        await app.request("/api/experiments/urgent-copy/stop", {
          method: "POST",
          headers: { cookie: growth },
        }),
        200,
      );
      const page = await app.request("/experiments/urgent-copy", { headers: { cookie: growth } });
      const html = await page.text();
      assert.match(html, /<option[^>]*value="紧迫文案"/);
      const decided = await expectJson(
        await app.request(
          "/api/experiments/urgent-copy/decide",
          jsonRequest("POST", { winner: "紧迫文案" }, { cookie: growth }),
        ),
        200,
      );
      assert.equal(decided.experiment.winnerVariant ?? decided.experiment.winner, "紧迫文案");
    });
  } finally {
    await cache.close();
  }
});
