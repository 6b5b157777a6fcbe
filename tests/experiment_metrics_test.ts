/**
 * An experiment's `metrics` (issue 16) through the session API on both backends: defaults, the
 * legacy `primaryMetric`, keys of the bank's library or built-ins only (another bank's metric
 * is unknown), no key twice, a bandit's primary, draft-only edits, bad input that stores
 * nothing, the legacy free-text guardrails still accepted, and promotion copying the metrics.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { call, createSessionApp, expectJson as json, jsonRequest } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const variants = [
  { name: "control", description: "原文案", weight: 1 },
  { name: "coupon", description: "绑卡券", weight: 1 },
];
const draft = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  name: "绑卡券短信",
  variants,
  ...extra,
});
const cardBound = {
  key: "card_bound_7d",
  name: { "zh-CN": "7日绑卡率", en: "Card bound within 7 days" },
  kind: "proportion",
  event: "card_bound",
  windowHours: 168,
  direction: "higher_is_better",
};
const deposits = {
  key: "deposit_30d",
  name: { "zh-CN": "30日人均存款", en: "Deposits per customer, 30 days" },
  kind: "mean",
  event: "deposit",
  aggregate: "sum",
  cap: { type: "percentile", value: 0.99 },
  windowHours: 720,
  direction: "higher_is_better",
};
const complaints = {
  key: "complaint_7d",
  name: { "zh-CN": "7日投诉率", en: "Complaints within 7 days" },
  kind: "proportion",
  event: "complaint",
  windowHours: 168,
  direction: "lower_is_better",
};
const full = {
  primary: "card_bound_7d",
  secondary: ["deposit_30d"],
  guardrails: ["opt_out", "complaint_7d"],
};

async function experimentKeys(db: Kysely<Database>) {
  const rows = await db.selectFrom("experiments").select(["bank_id", "key"])
    .orderBy("bank_id").orderBy("key").execute();
  return rows.map((r) => `${r.bank_id}/${r.key}`);
}

async function setUp(db: Kysely<Database>) {
  const session = await createSessionApp(db);
  for (const d of [cardBound, deposits, complaints]) {
    await json(await call(session.app, session.growth, "POST", "/api/metrics", d), 201);
  }
  return session;
}

testBothBackends(
  "experiment metrics: defaults, library keys, draft edits, answers",
  async (t, { db }) => {
    const { app, growth, exec } = await setUp(db);

    await t.step("without metrics: conversions with the opt-out guardrail", async () => {
      const { experiment } = await json(
        await call(app, growth, "POST", "/api/experiments", draft("plain")),
        201,
      );
      assert.deepEqual(experiment.metrics, {
        primary: "conversion",
        secondary: [],
        guardrails: ["opt_out"],
      });
      assert.deepEqual(experiment.primaryMetric, { type: "conversion" });
    });

    await t.step("a legacy value primary reads conversion_value", async () => {
      const { experiment } = await json(
        await call(
          app,
          growth,
          "POST",
          "/api/experiments",
          draft("legacy-value", {
            primaryMetric: { type: "value", name: "存款金额" },
            guardrails: [{ name: "退订率", type: "conversion", direction: "lower_is_better" }],
          }),
        ),
        201,
      );
      assert.deepEqual(experiment.metrics, {
        primary: "conversion_value",
        secondary: [],
        guardrails: ["opt_out"],
      });
      // The legacy free-text guardrail is kept as it was.
      assert.deepEqual(experiment.guardrails, [
        { name: "退订率", type: "conversion", direction: "lower_is_better" },
      ]);
    });

    await t.step("library metrics in every role; read back by GET, list and usedBy", async () => {
      const created = await json(
        await call(app, growth, "POST", "/api/experiments", draft("card-sms", { metrics: full })),
        201,
      );
      assert.deepEqual(created.experiment.metrics, full);
      const read = await json(await call(app, exec, "GET", "/api/experiments/card-sms"), 200);
      assert.deepEqual(read.experiment.metrics, full);
      const list = await json(await call(app, exec, "GET", "/api/experiments"), 200);
      const listed = list.experiments.find((e: { key: string }) => e.key === "card-sms");
      assert.deepEqual(listed.metrics, full);
      const stored = await db.selectFrom("experiments").select("metrics").where(
        "key",
        "=",
        "card-sms",
      )
        .executeTakeFirstOrThrow();
      assert.deepEqual(stored.metrics, full);
      const used = await json(await call(app, exec, "GET", "/api/metrics/complaint_7d"), 200);
      assert.deepEqual(used.usedBy, [{
        key: "card-sms",
        name: "绑卡券短信",
        status: "draft",
        role: "guardrail",
      }]);
      const optOut = await json(await call(app, exec, "GET", "/api/metrics/opt_out"), 200);
      assert.deepEqual(
        optOut.usedBy.map((u: { key: string; role: string }) => `${u.key}:${u.role}`).sort(),
        ["card-sms:guardrail", "legacy-value:guardrail", "plain:guardrail"],
      );
    });

    await t.step("omitted roles are empty lists", async () => {
      const { experiment } = await json(
        await call(
          app,
          growth,
          "POST",
          "/api/experiments",
          draft("primary-only", {
            metrics: { primary: "deposit_30d" },
          }),
        ),
        201,
      );
      assert.deepEqual(experiment.metrics, {
        primary: "deposit_30d",
        secondary: [],
        guardrails: [],
      });
      assert.deepEqual(experiment.primaryMetric, { type: "conversion" });
    });

    await t.step("a draft's metrics can be edited; each edit is checked", async () => {
      const edited = await json(
        await call(app, growth, "PATCH", "/api/experiments/plain", {
          metrics: { primary: "deposit_30d", guardrails: ["complaint_7d"] },
        }),
        200,
      );
      assert.deepEqual(edited.experiment.metrics, {
        primary: "deposit_30d",
        secondary: [],
        guardrails: ["complaint_7d"],
      });
      const unknown = await json(
        await call(app, growth, "PATCH", "/api/experiments/plain", {
          metrics: { primary: "deposit_30d", secondary: ["nps_30d"] },
        }),
        400,
      );
      assert.equal(unknown.error.code, "UNKNOWN_METRIC");
      // Other settings leave the metrics alone.
      const renamed = await json(
        await call(app, growth, "PATCH", "/api/experiments/plain", { name: "改名" }),
        200,
      );
      assert.equal(renamed.experiment.metrics.primary, "deposit_30d");
    });

    await t.step(
      "a legacy primaryMetric edit moves a built-in primary, not a library one",
      async () => {
        const value = await json(
          await call(app, growth, "PATCH", "/api/experiments/legacy-value", {
            primaryMetric: { type: "conversion" },
          }),
          200,
        );
        assert.equal(value.experiment.metrics.primary, "conversion");
        const library = await json(
          await call(app, growth, "PATCH", "/api/experiments/card-sms", {
            primaryMetric: { type: "value" },
          }),
          200,
        );
        assert.equal(library.experiment.metrics.primary, "card_bound_7d");
        const viaMetrics = await json(
          await call(app, growth, "PATCH", "/api/experiments/legacy-value", {
            metrics: { primary: "conversion_value" },
          }),
          200,
        );
        assert.deepEqual(viaMetrics.experiment.primaryMetric.type, "value");
      },
    );

    await t.step("once started, the primary metric and other settings stay", async () => {
      await json(await call(app, growth, "POST", "/api/experiments/card-sms/start"), 200);
      const primary = await json(
        await call(app, growth, "PATCH", "/api/experiments/card-sms", {
          metrics: { primary: "conversion" },
        }),
        409,
      );
      assert.equal(primary.error.code, "PRIMARY_METRIC_LOCKED");
      const mixed = await json(
        await call(app, growth, "PATCH", "/api/experiments/card-sms", {
          name: "改名",
          metrics: full,
        }),
        409,
      );
      assert.equal(mixed.error.code, "NOT_DRAFT");
      const unknown = await json(
        await call(app, growth, "PATCH", "/api/experiments/card-sms", {
          metrics: { ...full, secondary: ["no_such_metric"] },
        }),
        400,
      );
      assert.equal(unknown.error.code, "UNKNOWN_METRIC");
      const viewer = await call(app, exec, "PATCH", "/api/experiments/card-sms", { metrics: full });
      assert.equal(viewer.status, 403);
      const still = await json(await call(app, exec, "GET", "/api/experiments/card-sms"), 200);
      assert.deepEqual(still.experiment.metrics, full);
      assert.equal(still.experiment.name, "绑卡券短信");
    });

    await t.step("a started experiment takes secondary metrics and guardrails later", async () => {
      const later = { ...full, secondary: [], guardrails: ["opt_out"] };
      const changed = await json(
        await call(app, growth, "PATCH", "/api/experiments/card-sms", { metrics: later }),
        200,
      );
      assert.deepEqual(changed.experiment.metrics, later);
      assert.equal(changed.experiment.status, "running");
      const audit = await db.selectFrom("audit_log").select(["action", "details"])
        .where("action", "=", "experiment.metrics").executeTakeFirstOrThrow();
      assert.deepEqual(audit.details, { before: full, after: later });
      // Back to the full set, as the promotion step below expects.
      await json(
        await call(app, growth, "PATCH", "/api/experiments/card-sms", { metrics: full }),
        200,
      );
    });

    await t.step("promotion copies the metrics to the next iteration", async () => {
      await json(await call(app, growth, "POST", "/api/experiments/card-sms/stop"), 200);
      await json(
        await call(app, growth, "POST", "/api/experiments/card-sms/decide", { winner: "control" }),
        200,
      );
      const promoted = await json(
        await call(app, growth, "POST", "/api/experiments/card-sms/promote", {}),
        201,
      );
      assert.deepEqual(promoted.next.metrics, full);
      assert.deepEqual(promoted.decided.metrics, full);
      const next = await json(
        await call(app, exec, "GET", `/api/experiments/${promoted.next.key}`),
        200,
      );
      assert.deepEqual(next.experiment.metrics, full);
    });
  },
);

testBothBackends(
  "experiment metrics: refusals are coded 4xx and store nothing",
  async (t, { db }) => {
    const { app, growth, other } = await setUp(db);
    const before = await experimentKeys(db);
    const cases: Array<[string, unknown, string, RegExp?]> = [
      ["an unknown key", { primary: "nps_30d" }, "UNKNOWN_METRIC", /nps_30d/],
      [
        "an unknown guardrail",
        { primary: "conversion", guardrails: ["opt_out", "churn_90d"] },
        "UNKNOWN_METRIC",
        /churn_90d/,
      ],
      [
        "a key twice across roles",
        { primary: "card_bound_7d", guardrails: ["card_bound_7d"] },
        "DUPLICATE_METRIC",
        /card_bound_7d/,
      ],
      [
        "a key twice in a role",
        { primary: "conversion", secondary: ["deposit_30d", "deposit_30d"] },
        "DUPLICATE_METRIC",
        /deposit_30d/,
      ],
      [
        "the primary as secondary",
        { primary: "conversion", secondary: ["conversion"] },
        "DUPLICATE_METRIC",
      ],
      ["key Card-Bound", { primary: "Card-Bound" }, "VALIDATION_ERROR"],
      ["key with NUL", { primary: "card\u0000bound" }, "VALIDATION_ERROR"],
      [
        "key with a lone surrogate",
        { primary: "conversion", secondary: ["a\ud800"] },
        "VALIDATION_ERROR",
      ],
      ["key of 65 characters", { primary: "k".repeat(65) }, "VALIDATION_ERROR"],
      ["no primary", { secondary: ["deposit_30d"] }, "VALIDATION_ERROR"],
      ["primary null", { primary: null }, "VALIDATION_ERROR"],
      ["unknown role", { primary: "conversion", tertiary: [] }, "VALIDATION_ERROR"],
      [
        "guardrails as a string",
        { primary: "conversion", guardrails: "opt_out" },
        "VALIDATION_ERROR",
      ],
      ["eleven secondaries", {
        primary: "conversion",
        secondary: Array.from({ length: 11 }, (_, i) => `m${i}`),
      }, "VALIDATION_ERROR"],
      ["metrics as a string", "conversion", "VALIDATION_ERROR"],
    ];
    for (const [label, metrics, code, names] of cases) {
      await t.step(`create: ${label}`, async () => {
        const res = await call(
          app,
          growth,
          "POST",
          "/api/experiments",
          draft("refused", { metrics }),
        );
        const body = await json(res, 400);
        assert.equal(body.error.code, code, JSON.stringify(body));
        if (names) assert.match(body.error.message, names);
      });
    }

    await t.step("bandits: the primary must be conversion", async () => {
      for (const metrics of [{ primary: "card_bound_7d" }, { primary: "conversion_value" }]) {
        const res = await call(
          app,
          growth,
          "POST",
          "/api/experiments",
          draft("refused", { mode: "bandit", metrics }),
        );
        const body = await json(res, 400);
        assert.equal(body.error.code, "BANDIT_PRIMARY_METRIC", JSON.stringify(body));
        assert.match(body.error.message, new RegExp(metrics.primary));
      }
      const ok = await json(
        await call(
          app,
          growth,
          "POST",
          "/api/experiments",
          draft("bandit-ok", {
            mode: "bandit",
            metrics: { primary: "conversion", secondary: ["deposit_30d"], guardrails: ["opt_out"] },
          }),
        ),
        201,
      );
      assert.equal(ok.experiment.metrics.primary, "conversion");
      const toBandit = await json(
        await call(
          app,
          growth,
          "POST",
          "/api/experiments",
          draft("ab-first", { metrics: { primary: "card_bound_7d" } }),
        ),
        201,
      );
      assert.equal(toBandit.experiment.mode, "ab");
      const refused = await json(
        await call(app, growth, "PATCH", "/api/experiments/ab-first", { mode: "bandit" }),
        400,
      );
      assert.equal(refused.error.code, "BANDIT_PRIMARY_METRIC");
      await db.deleteFrom("variants").where(
        "experiment_id",
        "in",
        (qb) =>
          qb.selectFrom("experiments").select("id").where("key", "in", ["bandit-ok", "ab-first"]),
      )
        .execute();
      await db.deleteFrom("experiments").where("key", "in", ["bandit-ok", "ab-first"]).execute();
    });

    await t.step("another bank's metric is unknown here, and ours is unknown there", async () => {
      const ours = await json(
        await call(
          app,
          other,
          "POST",
          "/api/experiments",
          draft("cc1-test", { metrics: { primary: "card_bound_7d" } }),
        ),
        400,
      );
      assert.equal(ours.error.code, "UNKNOWN_METRIC");
      assert.match(ours.error.message, /card_bound_7d/);
      await json(
        await call(app, other, "POST", "/api/metrics", { ...cardBound, key: "cc1_only" }),
        201,
      );
      const theirs = await json(
        await call(
          app,
          growth,
          "POST",
          "/api/experiments",
          draft("refused", { metrics: { primary: "cc1_only" } }),
        ),
        400,
      );
      assert.equal(theirs.error.code, "UNKNOWN_METRIC");
    });

    await t.step("the refusal is said in the reader's language", async () => {
      const zh = await json(
        await app.request(
          "/api/experiments",
          jsonRequest("POST", draft("refused", { metrics: { primary: "nps_30d" } }), {
            cookie: `${growth}; lang=zh-CN`,
          }),
        ),
        400,
      );
      assert.match(zh.error.message, /指标库里没有“nps_30d”/);
      const en = await json(
        await app.request(
          "/api/experiments",
          jsonRequest(
            "POST",
            draft("refused", {
              metrics: { primary: "conversion", guardrails: ["opt_out", "opt_out"] },
            }),
            {
              cookie: `${growth}; lang=en`,
            },
          ),
        ),
        400,
      );
      assert.match(en.error.message, /"opt_out" appears more than once/);
    });

    await t.step("nothing was stored", async () => {
      assert.deepEqual(await experimentKeys(db), before);
    });
  },
);
