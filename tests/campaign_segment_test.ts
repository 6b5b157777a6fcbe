/**
 * A campaign's target segment applies to its experiments (issue 13, item 10): every path that
 * decides eligibility — single assignment (app and fast path), batch send lists, bandits, event
 * counting — leaves out customers outside the segment; an experiment may only narrow it; a
 * segment edit reaches the config cache; the experiment page says which targeting applies.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { createApp, createHandler } from "../app.ts";
import { createCampaign } from "../db/campaigns.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { createExperiment } from "../db/experiments.ts";
import type { Database } from "../db/schema.ts";
import { readConfig } from "../fresh.config.ts";
import { loadAssets } from "../plugins/assets.ts";
import { call, createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { sdkCall } from "./helpers/sdk.ts";

const HALVES = [{ name: "control", weight: 0.5 }, { name: "cash-back", weight: 0.5 }];
/** Active credit-card customers, others, and customers the bank sent nothing for. */
const CUSTOMERS = [
  { unit: "C000000001", attributes: { stage: "active", tags: ["信用卡", "代发"] } },
  { unit: "C000000002", attributes: { stage: "active", tags: ["信用卡"] } },
  { unit: "C000000003", attributes: { stage: "new", tags: ["信用卡"] } },
  { unit: "C000000004", attributes: { stage: "active", tags: ["<script>"] } },
];
const UNKNOWN = Array.from({ length: 20 }, (_, i) => `C1${String(i).padStart(8, "0")}`);

/** A campaign for active credit-card customers with three running experiments. */
async function seedCampaign(db: Kysely<Database>) {
  const campaign = await createCampaign(db, {
    bankId: "CC2",
    name: "活跃信用卡客户分期（短信）",
    channel: "sms",
    segment: { stages: ["active"], tags: ["信用卡"] },
    description: "",
    createdBy: null,
  });
  const running = {
    bankId: "CC2",
    campaignId: campaign.id,
    status: "running" as const,
    startedAt: new Date("2025-01-01T00:00:00Z"),
    variants: HALVES,
    createdBy: null,
  };
  await createExperiment(db, { ...running, key: "card-ab", name: "分期 A/B", iteration: 1 });
  await createExperiment(db, {
    ...running,
    key: "card-narrow",
    name: "代发客户",
    iteration: 2,
    targeting: { tags: ["代发"] },
  });
  await createExperiment(db, {
    ...running,
    key: "card-bandit",
    name: "分期老虎机",
    mode: "bandit",
    iteration: 3,
  });
  return campaign;
}

async function setUp(database: TestDatabase, withCache: boolean) {
  const { app: plain } = await createTestApp(database.db);
  const campaign = await seedCampaign(database.db);
  const cache = withCache ? await ConfigCache.open(database) : undefined;
  const deps = {
    db: database.db,
    config: { ...readConfig({ get: () => undefined }), logRequests: false },
    assets: await loadAssets(null),
    configCache: cache,
  };
  const app = cache ? createApp(deps) : plain;
  const handler = createHandler(deps, app);
  const request = (path: string, init?: RequestInit) =>
    Promise.resolve(handler(new Request(`http://localhost${path}`, init)));
  const sdk = { request };
  const put = await sdkCall(sdk, "PUT", "/api/v1/customers", { customers: CUSTOMERS });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  return { app, sdk, campaign, cache };
}

async function reasonOf(sdk: { request: typeof fetch }, key: string, unit: string) {
  const res = await sdkCall(sdk, "GET", `/api/v1/experiments/${key}/assignment?unit=${unit}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.reason as string;
}

testBothBackends(
  "a campaign's segment applies to single, batch, bandit and event calls; experiments only narrow",
  async (_t, database) => {
    const { sdk, app } = await setUp(database, false);
    const client = sdk as unknown as { request: typeof fetch };
    for (const key of ["card-ab", "card-bandit"]) {
      assert.equal(await reasonOf(client, key, "C000000001"), "assigned", key);
      assert.equal(await reasonOf(client, key, "C000000002"), "assigned", key);
      assert.equal(await reasonOf(client, key, "C000000003"), "not_targeted", key);
      assert.equal(await reasonOf(client, key, "C000000004"), "not_targeted", key);
      assert.equal(await reasonOf(client, key, UNKNOWN[0]), "not_targeted", key);
    }
    // Narrowed: inside the segment and carrying the experiment's own tag.
    assert.equal(await reasonOf(client, "card-narrow", "C000000001"), "assigned");
    assert.equal(await reasonOf(client, "card-narrow", "C000000002"), "not_targeted");

    for (const key of ["card-ab", "card-bandit"]) {
      const batch = await sdkCall(sdk, "POST", "/api/v1/assignments", {
        experiment: key,
        units: ["C000000002", ...UNKNOWN],
      });
      assert.equal(batch.status, 200);
      const inside = batch.body.assignments.filter((a: { inExperiment: boolean }) =>
        a.inExperiment
      );
      assert.deepEqual(inside.map((a: { unit: string }) => a.unit), ["C000000002"], key);
    }

    const events = await sdkCall(sdk, "POST", "/api/v1/events", {
      events: [
        { id: "x1", type: "exposure", experiment: "card-ab", unit: "C000000002" },
        { id: "x2", type: "exposure", experiment: "card-ab", unit: UNKNOWN[1] },
        { id: "x3", type: "exposure", experiment: "card-bandit", unit: UNKNOWN[2] },
      ],
    });
    assert.equal(events.status, 200);
    assert.equal(events.body.accepted, 1);
    assert.deepEqual(
      events.body.rejected.map((r: { error: { code: string } }) => r.error.code),
      ["NOT_TARGETED", "NOT_TARGETED"],
    );

    // The seeded bandit's customers carry the attributes its campaign's segment asks for.
    assert.equal(await reasonOf(client, "installment-offers", "622200000000"), "assigned");
    assert.equal(await reasonOf(client, "installment-offers", UNKNOWN[4]), "not_targeted");

    // An experiment may only narrow: a stage outside the campaign's segment is refused.
    const growth = await sessionCookie(database.db, DEMO_USERS.growth);
    const campaign = await database.db.selectFrom("campaigns").select("id")
      .where("name", "=", "活跃信用卡客户分期（短信）").executeTakeFirstOrThrow();
    const wider = await call(app, growth, "POST", "/api/experiments", {
      key: "card-wider",
      name: "Wider",
      campaignId: campaign.id,
      variants: HALVES,
      targeting: { stages: ["active", "new"] },
    });
    assert.equal(wider.status, 400);
    const refused = (await wider.json()).error;
    assert.equal(refused.code, "TARGETING_OUTSIDE_SEGMENT");
    assert.match(refused.message, /实验只能收窄营销活动的目标客群：阶段“new”不在其中/);
    const narrower = await call(app, growth, "POST", "/api/experiments", {
      key: "card-narrower",
      name: "Narrower",
      campaignId: campaign.id,
      variants: HALVES,
      targeting: { stages: ["active"], tags: ["代发"] },
    });
    assert.equal(narrower.status, 201);
    await narrower.body?.cancel();
  },
);

testBothBackends(
  "the config cache and the fast path apply the segment, and a segment edit reaches them",
  async (_t, database) => {
    const { sdk, app, campaign, cache } = await setUp(database, true);
    try {
      const client = sdk as unknown as { request: typeof fetch };
      // Twice: the first loads the cache, the second is answered from memory (fast path).
      for (let round = 0; round < 2; round++) {
        assert.equal(await reasonOf(client, "card-ab", UNKNOWN[3]), "not_targeted");
        assert.equal(await reasonOf(client, "card-ab", "C000000003"), "not_targeted");
        assert.equal(await reasonOf(client, "card-ab", "C000000002"), "assigned");
      }
      const growth = await sessionCookie(database.db, DEMO_USERS.growth);
      const edit = await call(app, growth, "PATCH", `/api/campaigns/${campaign.id}`, {
        segment: { stages: ["active", "new"] },
      });
      assert.equal(edit.status, 200);
      await edit.body?.cancel();
      assert.equal(await reasonOf(client, "card-ab", "C000000003"), "assigned");
      assert.equal(await reasonOf(client, "card-ab", UNKNOWN[3]), "not_targeted");
      assert.equal(await reasonOf(client, "card-narrow", "C000000003"), "not_targeted");
    } finally {
      await cache?.close();
    }
  },
);

testBothBackends(
  "the experiment page says which targeting applies, in both languages",
  async (_t, database) => {
    const { app } = await setUp(database, false);
    const growth = await sessionCookie(database.db, DEMO_USERS.growth);
    const page = async (key: string, lang: string) => {
      const res = await app.request(`/experiments/${key}`, {
        headers: { cookie: `lang=${lang}; ${growth}` },
      });
      assert.equal(res.status, 200);
      return await res.text();
    };
    const zh = await page("card-ab", "zh-CN");
    assert.match(zh, /data-testid="targeting" data-source="campaign"/);
    assert.match(zh, /沿用营销活动的目标客群：（阶段为活跃且带有标签信用卡）/);
    const en = await page("card-narrow", "en");
    assert.match(en, /data-source="narrowed"/);
    assert.match(en, /narrowed by this experiment to the customers who also match \(tagged/);
    assert.match(await page("welcome-sms", "en"), /data-source="everyone"/);
  },
);
