/**
 * The session API of campaigns and experiments on both backends: tenancy and roles, the
 * draft → running → stopped → decided moves, draft-only edits, coded 4xx on bad input, the
 * audit trail, and results equal to analyzeProportions() on the stored sufficient statistics.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { analyzeProportions } from "../lib/stats/analysis.ts";
import { sampleSizeProportions } from "../lib/stats/power.ts";
import {
  call,
  createSessionApp,
  DEMO_USERS,
  expectJson as json,
  jsonRequest,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const setUp = createSessionApp;

const draft = {
  key: "push-test",
  name: "Push wording",
  variants: [
    { name: "control", description: "Plain", weight: 1 },
    { name: "urgent", description: "Urgent wording", weight: 1 },
  ],
};

/** Inserts a day of sufficient statistics directly (as the ingestion would). */
async function addDay(
  db: Kysely<Database>,
  key: string,
  day: string,
  rows: Record<string, [number, number]>,
) {
  const e = await db.selectFrom("experiments").select(["id", "bank_id"]).where("key", "=", key)
    .executeTakeFirstOrThrow();
  await db.insertInto("daily_stats").values(
    Object.entries(rows).map(([variant, [users, converters]]) => ({
      experiment_id: e.id,
      bank_id: e.bank_id,
      variant,
      day,
      users,
      converters,
    })),
  ).execute();
}

testBothBackends("experiments API: tenancy, roles and anonymous callers", async (t, { db }) => {
  const { app, growth, exec, consultant, other } = await setUp(db);
  const paths = [
    ["GET", "/api/experiments/welcome-sms"],
    ["PATCH", "/api/experiments/welcome-sms"],
    ["POST", "/api/experiments/welcome-sms/start"],
    ["POST", "/api/experiments/welcome-sms/stop"],
    ["POST", "/api/experiments/welcome-sms/decide"],
    ["GET", "/api/experiments/welcome-sms/results"],
    ["GET", "/api/experiments/welcome-sms/results.csv"],
  ];
  await t.step("another bank's growth user gets 404 on every endpoint", async () => {
    for (const [method, path] of paths) {
      const body = method === "GET" ? undefined : { winner: "control" };
      const res = await call(app, other, method, path, body);
      assert.equal((await json(res, 404)).error.code, "NOT_FOUND", `${method} ${path}`);
    }
    const list = await json(await call(app, other, "GET", "/api/experiments"), 200);
    assert.deepEqual(list.experiments, []);
    const campaigns = await json(await call(app, other, "GET", "/api/campaigns"), 200);
    assert.deepEqual(campaigns.campaigns, []);
  });
  await t.step("anonymous callers get 401", async () => {
    for (
      const [method, path] of [...paths, ["GET", "/api/experiments"], ["GET", "/api/campaigns"]]
    ) {
      const res = await app.request(path, method === "GET" ? {} : jsonRequest(method, "{}"));
      assert.equal((await json(res, 401)).error.code, "UNAUTHORIZED", `${method} ${path}`);
    }
  });
  await t.step("executives read but may not change (403); consultants have no access", async () => {
    await json(await call(app, exec, "GET", "/api/experiments/welcome-sms/results"), 200);
    await json(await call(app, exec, "GET", "/api/campaigns"), 200);
    for (const [method, path] of paths.filter(([m]) => m !== "GET")) {
      const res = await call(app, exec, method, path, { winner: "control" });
      assert.equal((await json(res, 403)).error.code, "FORBIDDEN", `${method} ${path}`);
    }
    await json(await call(app, exec, "POST", "/api/experiments", draft), 403);
    await json(await call(app, exec, "POST", "/api/campaigns", { name: "x", channel: "sms" }), 403);
    await json(await call(app, consultant, "GET", "/api/experiments"), 403);
    await json(await call(app, consultant, "GET", "/api/campaigns"), 403);
  });
  await t.step("the growth user of the bank reads its experiment", async () => {
    const body = await json(await call(app, growth, "GET", "/api/experiments/welcome-sms"), 200);
    assert.equal(body.experiment.status, "running");
    assert.equal(body.experiment.id, undefined);
  });
});

testBothBackends(
  "experiments API: create, edit drafts only, and the status moves",
  async (t, { db }) => {
    const { app, growth } = await setUp(db);
    const campaigns = await json(await call(app, growth, "GET", "/api/campaigns"), 200);
    const campaignId = campaigns.campaigns[0].id;

    await t.step("a draft is created in the user's bank, weights normalised", async () => {
      const body = await json(
        await call(app, growth, "POST", "/api/experiments", { ...draft, campaignId }),
        201,
      );
      assert.equal(body.experiment.bankId, "CC2");
      assert.equal(body.experiment.status, "draft");
      assert.equal(body.experiment.iteration, 2, "the campaign's second iteration");
      assert.deepEqual(body.experiment.variants.map((v: { weight: number }) => v.weight), [
        0.5,
        0.5,
      ]);
      const again = await call(app, growth, "POST", "/api/experiments", draft);
      assert.equal((await json(again, 409)).error.code, "KEY_TAKEN");
    });

    await t.step("a draft's plan comes from the sample-size calculator", async () => {
      const res = await call(app, growth, "PATCH", "/api/experiments/push-test", {
        alpha: 0.05,
        sequential: true,
        primaryMetric: { type: "conversion" },
        guardrails: [{ name: "deposit", type: "value", direction: "higher_is_better" }],
        targeting: { stages: ["new"], tags: ["未绑卡"] },
        plan: { baselineRate: 0.05, minimumDetectableEffect: 0.1 },
      });
      const { experiment } = await json(res, 200);
      const expected = sampleSizeProportions({ baselineRate: 0.05, variantRate: 0.055 });
      assert.equal(experiment.plannedSampleSize, expected.total);
      assert.equal(experiment.baselineRate, 0.05);
      assert.equal(experiment.sequential, true);
      assert.deepEqual(experiment.targeting, { stages: ["new"], tags: ["未绑卡"] });
      assert.equal(experiment.configVersion, 2);
    });

    await t.step("a bandit on a value metric is refused with a clear 400", async () => {
      const res = await call(app, growth, "PATCH", "/api/experiments/push-test", {
        mode: "bandit",
        primaryMetric: { type: "value" },
      });
      assert.equal((await json(res, 400)).error.code, "BANDIT_NEEDS_CONVERSION");
    });

    await t.step("start, then edits are refused with 409 and invalid moves too", async () => {
      const started = await json(
        await call(app, growth, "POST", "/api/experiments/push-test/start"),
        200,
      );
      assert.equal(started.experiment.status, "running");
      assert.ok(started.experiment.startedAt);
      const edit = await call(app, growth, "PATCH", "/api/experiments/push-test", { name: "New" });
      assert.equal((await json(edit, 409)).error.code, "NOT_DRAFT");
      const restart = await call(app, growth, "POST", "/api/experiments/push-test/start");
      assert.equal((await json(restart, 409)).error.code, "INVALID_TRANSITION");
      const early = await call(app, growth, "POST", "/api/experiments/push-test/decide", {
        winner: "urgent",
      });
      assert.equal((await json(early, 409)).error.code, "INVALID_TRANSITION");
    });

    await t.step("stop, then decide with a winner among the variants", async () => {
      await json(await call(app, growth, "POST", "/api/experiments/push-test/stop"), 200);
      const bad = await call(app, growth, "POST", "/api/experiments/push-test/decide", {
        winner: "nobody",
      });
      assert.equal((await json(bad, 400)).error.code, "UNKNOWN_VARIANT");
      const decided = await json(
        await call(app, growth, "POST", "/api/experiments/push-test/decide", { winner: "urgent" }),
        200,
      );
      assert.equal(decided.experiment.status, "decided");
      assert.equal(decided.experiment.winnerVariant, "urgent");
      const stopAgain = await call(app, growth, "POST", "/api/experiments/push-test/stop");
      assert.equal((await json(stopAgain, 409)).error.code, "INVALID_TRANSITION");
    });

    await t.step("every change is in the audit log", async () => {
      const rows = await db.selectFrom("audit_log").select(["action", "actor", "bank_id"])
        .where("target", "=", "push-test").orderBy("id").execute();
      assert.deepEqual(rows.map((r) => r.action), [
        "experiment.create",
        "experiment.update",
        "experiment.start",
        "experiment.stop",
        "experiment.decide",
      ]);
      assert.ok(rows.every((r) => r.actor === DEMO_USERS.growth && r.bank_id === "CC2"));
    });

    await t.step("campaigns: create, read with iterations, edit, audited", async () => {
      const created = await json(
        await call(app, growth, "POST", "/api/campaigns", {
          name: "Dormant wake-up",
          channel: "app_push",
          segment: { stages: ["inactive"] },
        }),
        201,
      );
      const id = created.campaign.id;
      const edited = await json(
        await call(app, growth, "PATCH", `/api/campaigns/${id}`, { description: "Push at 8pm" }),
        200,
      );
      assert.equal(edited.campaign.description, "Push at 8pm");
      const seeded = await json(
        await call(app, growth, "GET", `/api/campaigns/${campaignId}`),
        200,
      );
      assert.deepEqual(seeded.iterations.map((i: { key: string }) => i.key), [
        "welcome-sms",
        "push-test",
      ]);
      const actions = await db.selectFrom("audit_log").select("action").where("target", "=", id)
        .orderBy("id").execute();
      assert.deepEqual(actions.map((a) => a.action), ["campaign.create", "campaign.update"]);
    });
  },
);

testBothBackends("experiments API: bad input gets a coded 4xx JSON error", async (_t, { db }) => {
  const { app, growth } = await setUp(db);
  const cases: Array<[string, string, unknown, number, string]> = [
    ["POST", "/api/experiments", "{not json", 400, "MALFORMED_JSON"],
    ["POST", "/api/experiments", { ...draft, key: "Bad Key" }, 400, "VALIDATION_ERROR"],
    [
      "POST",
      "/api/experiments",
      { ...draft, variants: [draft.variants[0]] },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "POST",
      "/api/experiments",
      { ...draft, variants: [draft.variants[0], draft.variants[0]] },
      400,
      "VALIDATION_ERROR",
    ],
    [
      "POST",
      "/api/experiments",
      { ...draft, variants: [{ name: "a", weight: 0 }, { name: "b", weight: 1 }] },
      400,
      "VALIDATION_ERROR",
    ],
    ["POST", "/api/experiments", { ...draft, alpha: 0.7 }, 400, "VALIDATION_ERROR"],
    ["POST", "/api/experiments", { ...draft, extra: 1 }, 400, "VALIDATION_ERROR"],
    ["POST", "/api/experiments", { ...draft, bankId: "CC1" }, 404, "NOT_FOUND"],
    [
      "POST",
      "/api/experiments",
      { ...draft, campaignId: "00000000-0000-4000-8000-000000000000" },
      400,
      "UNKNOWN_CAMPAIGN",
    ],
    [
      "POST",
      "/api/experiments",
      { ...draft, plan: { baselineRate: 0.9, minimumDetectableEffect: 0.5 } },
      400,
      "BAD_PLAN",
    ],
    [
      "POST",
      "/api/experiments",
      {
        ...draft,
        plannedSampleSize: 10,
        plan: { baselineRate: 0.1, minimumDetectableEffect: 0.5 },
      },
      400,
      "PLAN_CONFLICT",
    ],
    [
      "POST",
      "/api/experiments",
      {
        ...draft,
        mode: "bandit",
        minShare: 0.25,
        variants: [
          ...draft.variants,
          ...draft.variants.map((v) => ({ ...v, name: `${v.name}-2` })),
        ],
      },
      400,
      "MIN_SHARE_TOO_HIGH",
    ],
    ["POST", "/api/experiments", { ...draft, minShare: 0 }, 400, "VALIDATION_ERROR"],
    ["POST", "/api/experiments", { ...draft, reweightMinutes: 0.5 }, 400, "VALIDATION_ERROR"],
    ["POST", "/api/experiments", [], 400, "VALIDATION_ERROR"],
    ["PATCH", "/api/experiments/welcome-sms", { alpha: "x" }, 400, "VALIDATION_ERROR"],
    ["PATCH", "/api/experiments/welcome-sms", { name: "x" }, 409, "NOT_DRAFT"],
    ["POST", "/api/experiments/welcome-sms/decide", { winner: 3 }, 400, "VALIDATION_ERROR"],
    ["POST", "/api/experiments/welcome-sms/decide", "null", 400, "VALIDATION_ERROR"],
    ["GET", "/api/experiments/NO_SUCH", undefined, 404, "NOT_FOUND"],
    ["GET", "/api/experiments/no-such/results", undefined, 404, "NOT_FOUND"],
    ["GET", `/api/experiments/${"a".repeat(300)}`, undefined, 404, "NOT_FOUND"],
    ["POST", "/api/campaigns", { name: "x", channel: "fax" }, 400, "VALIDATION_ERROR"],
    ["POST", "/api/campaigns", { name: "", channel: "sms" }, 400, "VALIDATION_ERROR"],
    [
      "POST",
      "/api/campaigns",
      { name: "x", channel: "sms", segment: { stages: ["vip"] } },
      400,
      "VALIDATION_ERROR",
    ],
    ["GET", "/api/campaigns/not-a-uuid", undefined, 404, "NOT_FOUND"],
    ["PATCH", "/api/campaigns/00000000-0000-4000-8000-000000000000", {}, 404, "NOT_FOUND"],
    ["DELETE", "/api/experiments/welcome-sms", undefined, 405, "METHOD_NOT_ALLOWED"],
  ];
  for (const [method, path, body, status, code] of cases) {
    const res = await call(app, growth, method, path, body);
    const parsed = await json(res, status);
    assert.equal(parsed.error.code, code, `${method} ${path} ${JSON.stringify(body)}`);
  }
  const wrongType = await app.request("/api/experiments", {
    method: "POST",
    headers: { cookie: growth, "content-type": "text/plain" },
    body: "x",
  });
  assert.equal((await json(wrongType, 415)).error.code, "UNSUPPORTED_MEDIA_TYPE");
});

testBothBackends(
  "experiment results equal analyzeProportions() on the stored sums",
  async (t, { db }) => {
    const { app, growth, exec } = await setUp(db);
    await t.step("no data yet: zeros, null rates and 'not enough data'", async () => {
      const body = await json(
        await call(app, exec, "GET", "/api/experiments/welcome-sms/results"),
        200,
      );
      assert.deepEqual(body.variants, [
        { name: "control", users: 0, conversions: 0, rate: null },
        { name: "coupon", users: 0, conversions: 0, rate: null },
      ]);
      assert.equal(body.enoughData, false);
      assert.deepEqual(body.recommendation.reasons, ["NOT_ENOUGH_DATA"]);
    });
    await addDay(db, "welcome-sms", "2026-01-01", { control: [4000, 200], coupon: [4100, 260] });
    await addDay(db, "welcome-sms", "2026-01-02", { control: [6000, 300], coupon: [5900, 340] });
    await t.step("the contract's body, numbers from the sums", async () => {
      const body = await json(
        await call(app, growth, "GET", "/api/experiments/welcome-sms/results"),
        200,
      );
      const arms = [
        { name: "control", users: 10_000, conversions: 500 },
        { name: "coupon", users: 10_000, conversions: 600 },
      ];
      assert.deepEqual(body.variants, arms.map((a) => ({ ...a, rate: a.conversions / a.users })));
      const expected = analyzeProportions(arms, { alpha: 0.05, weights: [0.5, 0.5] });
      for (const field of ["control", "alpha", "sequential", "srm", "omnibus", "comparisons"]) {
        assert.deepEqual(body[field], JSON.parse(JSON.stringify(expected))[field], field);
      }
      assert.equal(body.recommendation.action, "ship");
      assert.equal(body.recommendation.winner, "coupon");
      assert.deepEqual(body.timeline.days, ["2026-01-01", "2026-01-02"]);
      assert.deepEqual(body.timeline.series[1].users, [4100, 10_000]);
    });
    await t.step("the CSV export has a row per variant", async () => {
      const res = await call(app, exec, "GET", "/api/experiments/welcome-sms/results.csv");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/csv/);
      // The variant table, then (after an empty line) the metric library's rows.
      const [table, metrics] = (await res.text()).replace(/^\uFEFF/, "").trim().split("\r\n\r\n");
      const lines = table.split("\r\n");
      assert.equal(lines.length, 3);
      assert.match(lines[0], /^variant,users,conversions,rate,absolute_lift/);
      assert.match(lines[2], /^coupon,10000,600,0\.06,0\.0099999/);
      assert.match(lines[2], /,true,0\.999/);
      const metricLines = metrics.split("\r\n");
      assert.match(metricLines[0], /^metric,role,kind,direction,version,variant,units,value/);
      assert.match(
        metricLines[2],
        /^conversion,primary,proportion,higher_is_better,1,coupon,10000,0\.06,600,/,
      );
    });
  },
);
