/**
 * The metric library's session API (`/api/metrics`, issue 16) on both backends: definitions of
 * each kind, versions on edit, roles, another bank's library, and bad input that is always a
 * coded 4xx in JSON with nothing stored.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import {
  call,
  createSessionApp,
  expectJson as json,
  jsonRequest,
  sessionCookie,
  TEST_ADMIN,
} from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const cardBound = {
  key: "card_bound_7d",
  name: { "zh-CN": "7日绑卡率", en: "Card bound within 7 days" },
  kind: "proportion",
  event: "card_bound",
  windowHours: 168,
  direction: "higher_is_better",
  description: { "zh-CN": "曝光后 7 天内绑卡的客户占比", en: "Share binding a card in 7 days" },
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
const perDepositor = {
  key: "deposit_per_depositor",
  name: { "zh-CN": "每笔存款金额", en: "Amount per deposit" },
  kind: "ratio",
  numerator: { event: "deposit", aggregate: "sum" },
  denominator: { event: "deposit", aggregate: "count" },
  windowHours: null,
  direction: "higher_is_better",
};

async function storedVersions(db: Kysely<Database>) {
  const rows = await db.selectFrom("metrics").select(["bank_id", "key", "version"])
    .orderBy("bank_id").orderBy("key").orderBy("version").execute();
  return rows.map((r) => `${r.bank_id}/${r.key}@${r.version}`);
}

testBothBackends(
  "metrics API: define each kind, list, read, edit into versions",
  async (t, { db }) => {
    const { app, growth, exec, consultant } = await createSessionApp(db);

    await t.step("growth defines a proportion, a capped mean and a ratio", async () => {
      for (const body of [cardBound, deposits, perDepositor]) {
        const { metric } = await json(await call(app, growth, "POST", "/api/metrics", body), 201);
        assert.equal(metric.key, body.key);
        assert.equal(metric.version, 1);
        assert.equal(metric.bankId, "CC2");
        assert.equal(metric.builtin, false);
        assert.equal(metric.source, "track");
        assert.equal(metric.createdByName, "林经理");
        assert.deepEqual(metric.name, body.name);
      }
      assert.deepEqual(await storedVersions(db), [
        "CC2/card_bound_7d@1",
        "CC2/deposit_30d@1",
        "CC2/deposit_per_depositor@1",
      ]);
      const audit = await db.selectFrom("audit_log").select(["action", "target", "bank_id"])
        .where("action", "like", "metric.%").orderBy("id").execute();
      assert.deepEqual(audit.map((a) => `${a.action} ${a.target} ${a.bank_id}`), [
        "metric.create card_bound_7d CC2",
        "metric.create deposit_30d CC2",
        "metric.create deposit_per_depositor CC2",
      ]);
    });

    await t.step("everyone with the bank reads the library: built-ins first", async () => {
      for (const [who, path] of [[growth, ""], [exec, ""], [consultant, "?bank=CC2"]] as const) {
        const body = await json(await call(app, who, "GET", `/api/metrics${path}`), 200);
        assert.equal(body.bankId, "CC2");
        assert.deepEqual(body.metrics.map((m: { key: string }) => m.key), [
          "opt_out",
          "conversion",
          "conversion_value",
          "card_bound_7d",
          "deposit_30d",
          "deposit_per_depositor",
        ]);
      }
      const { metrics } = await json(await call(app, exec, "GET", "/api/metrics"), 200);
      const mean = metrics.find((m: { key: string }) => m.key === "deposit_30d");
      assert.deepEqual(mean.cap, { type: "percentile", value: 0.99 });
      assert.equal(mean.aggregate, "sum");
      const optOut = metrics[0];
      assert.equal(optOut.builtin, true);
      assert.equal(optOut.direction, "lower_is_better");
    });

    await t.step(
      "a second POST of the key is 409 METRIC_EXISTS, in the reader's language",
      async () => {
        const again = await app.request(
          "/api/metrics",
          jsonRequest("POST", cardBound, { cookie: growth, "accept-language": "en" }),
        );
        const en = await json(again, 409);
        assert.equal(en.error.code, "METRIC_EXISTS");
        assert.match(en.error.message, /card_bound_7d" exists/);
        const zh = await json(
          await app.request(
            "/api/metrics",
            jsonRequest("POST", cardBound, { cookie: `${growth}; lang=zh-CN` }),
          ),
          409,
        );
        assert.match(zh.error.message, /已存在/);
        assert.equal((await storedVersions(db)).length, 3);
      },
    );

    await t.step("PATCH stores version 2; the same definition again stores nothing", async () => {
      const patched = await json(
        await call(app, growth, "PATCH", "/api/metrics/card_bound_7d", { windowHours: 72 }),
        200,
      );
      assert.equal(patched.metric.version, 2);
      assert.equal(patched.metric.windowHours, 72);
      assert.equal(patched.changed, true);
      assert.deepEqual(patched.metric.description, cardBound.description);
      const same = await json(
        await call(app, growth, "PATCH", "/api/metrics/card_bound_7d", {
          windowHours: 72,
          name: cardBound.name,
        }),
        200,
      );
      assert.equal(same.metric.version, 2);
      assert.equal(same.changed, false);
      const read = await json(await call(app, exec, "GET", "/api/metrics/card_bound_7d"), 200);
      assert.equal(read.metric.version, 2);
      assert.deepEqual(read.versions.map((v: { version: number }) => v.version), [2, 1]);
      assert.deepEqual(read.versions.map((v: { windowHours: number }) => v.windowHours), [72, 168]);
      assert.deepEqual(read.usedBy, []);
    });

    await t.step("PATCH a new kind: the old kind's fields do not carry over", async () => {
      const toMean = await json(
        await call(app, growth, "PATCH", "/api/metrics/card_bound_7d", {
          kind: "mean",
          event: "card_bound",
          aggregate: "count",
        }),
        200,
      );
      assert.equal(toMean.metric.version, 3);
      assert.equal(toMean.metric.kind, "mean");
      const toRatio = await json(
        await call(app, growth, "PATCH", "/api/metrics/deposit_30d", {
          kind: "ratio",
          numerator: { event: "deposit", aggregate: "sum" },
          denominator: { event: "login", aggregate: "count" },
        }),
        200,
      );
      assert.equal(toRatio.metric.event, undefined);
      assert.equal(toRatio.metric.cap, undefined);
      const uncapped = await json(
        await call(app, growth, "PATCH", "/api/metrics/card_bound_7d", { cap: null }),
        200,
      );
      assert.equal(uncapped.changed, false);
      const capped = await json(
        await call(app, growth, "PATCH", "/api/metrics/card_bound_7d", {
          cap: { type: "absolute", value: 3 },
        }),
        200,
      );
      assert.equal(capped.metric.version, 4);
      const removed = await json(
        await call(app, growth, "PATCH", "/api/metrics/card_bound_7d", { cap: null }),
        200,
      );
      assert.equal(removed.metric.version, 5);
      assert.equal(removed.metric.cap, undefined);
    });

    await t.step("built-ins are read like the others and never edited", async () => {
      const read = await json(await call(app, exec, "GET", "/api/metrics/opt_out"), 200);
      assert.equal(read.metric.builtin, true);
      assert.deepEqual(read.versions.map((v: { version: number }) => v.version), [1]);
      const refused = await json(
        await call(app, growth, "PATCH", "/api/metrics/opt_out", { windowHours: 24 }),
        409,
      );
      assert.equal(refused.error.code, "BUILTIN_METRIC");
      const created = await json(
        await call(app, growth, "POST", "/api/metrics", { ...cardBound, key: "conversion" }),
        400,
      );
      assert.equal(created.error.code, "VALIDATION_ERROR");
    });
  },
);

testBothBackends(
  "metrics API: roles, admins, anonymous callers and other banks",
  async (t, { db }) => {
    const { app, growth, exec, consultant, other } = await createSessionApp(db);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    await json(await call(app, growth, "POST", "/api/metrics", cardBound), 201);

    await t.step("executives and consultants cannot write", async () => {
      for (const who of [exec, consultant]) {
        const post = await json(
          await call(app, who, "POST", "/api/metrics", { ...cardBound, key: "x1" }),
          403,
        );
        assert.equal(post.error.code, "FORBIDDEN");
        const patch = await json(
          await call(app, who, "PATCH", "/api/metrics/card_bound_7d?bank=CC2", { windowHours: 1 }),
          403,
        );
        assert.equal(patch.error.code, "FORBIDDEN");
      }
      assert.deepEqual(await storedVersions(db), ["CC2/card_bound_7d@1"]);
    });

    await t.step("anonymous callers get 401", async () => {
      for (const [method, path] of [["GET", "/api/metrics"], ["GET", "/api/metrics/opt_out"]]) {
        const res = await app.request(path, { method });
        assert.equal((await json(res, 401)).error.code, "UNAUTHORIZED");
      }
      const post = await app.request("/api/metrics", jsonRequest("POST", cardBound));
      assert.equal(post.status, 401);
      await post.body?.cancel();
    });

    await t.step("another bank's metric does not exist for CC1", async () => {
      const miss = await json(await call(app, other, "GET", "/api/metrics/card_bound_7d"), 404);
      assert.equal(miss.error.code, "NOT_FOUND");
      const list = await json(await call(app, other, "GET", "/api/metrics"), 200);
      assert.equal(list.bankId, "CC1");
      assert.deepEqual(list.metrics.map((m: { key: string }) => m.key), [
        "opt_out",
        "conversion",
        "conversion_value",
      ]);
      for (
        const res of [
          await call(app, other, "GET", "/api/metrics?bank=CC2"),
          await call(app, other, "GET", "/api/metrics/card_bound_7d?bank=CC2"),
          await call(app, other, "PATCH", "/api/metrics/card_bound_7d?bank=CC2", {
            windowHours: 1,
          }),
          await call(app, other, "PATCH", "/api/metrics/card_bound_7d", { windowHours: 1 }),
          await call(app, other, "POST", "/api/metrics", { ...cardBound, bankId: "CC2" }),
        ]
      ) {
        assert.equal((await json(res, 404)).error.code, "NOT_FOUND");
      }
      // CC1 may define its own metric of the same key: one library per bank.
      const own = await json(await call(app, other, "POST", "/api/metrics", cardBound), 201);
      assert.equal(own.metric.bankId, "CC1");
      assert.deepEqual(await storedVersions(db), ["CC1/card_bound_7d@1", "CC2/card_bound_7d@1"]);
      const cc2 = await json(await call(app, exec, "GET", "/api/metrics/card_bound_7d"), 200);
      assert.equal(cc2.metric.bankId, "CC2");
      assert.equal(cc2.versions.length, 1);
    });

    await t.step("the consultant reads each client bank with ?bank=, no other", async () => {
      const cc1 = await json(await call(app, consultant, "GET", "/api/metrics?bank=CC1"), 200);
      assert.equal(cc1.bankId, "CC1");
      const outside = await json(await call(app, consultant, "GET", "/api/metrics?bank=CC3"), 404);
      assert.equal(outside.error.code, "NOT_FOUND");
    });

    await t.step("admins name the bank", async () => {
      const noBank = await json(await call(app, admin, "GET", "/api/metrics"), 400);
      assert.equal(noBank.error.code, "BANK_REQUIRED");
      for (const bank of ["ZZ9", "CC2%00", "%ED%A0%80", "x".repeat(40)]) {
        const missing = await json(await call(app, admin, "GET", `/api/metrics?bank=${bank}`), 404);
        assert.equal(missing.error.code, "NOT_FOUND");
      }
      const post = await json(
        await call(app, admin, "POST", "/api/metrics", { ...deposits, bankId: "RC2" }),
        201,
      );
      assert.equal(post.metric.bankId, "RC2");
      const unnamed = await json(await call(app, admin, "POST", "/api/metrics", deposits), 400);
      assert.equal(unnamed.error.code, "BANK_REQUIRED");
      const edit = await json(
        await call(app, admin, "PATCH", "/api/metrics/deposit_30d?bank=RC2", { windowHours: 24 }),
        200,
      );
      assert.equal(edit.metric.version, 2);
      const audit = await db.selectFrom("audit_log").select(["actor", "bank_id"])
        .where("action", "=", "metric.update").executeTakeFirstOrThrow();
      assert.deepEqual(audit, { actor: TEST_ADMIN.email, bank_id: "RC2" });
    });
  },
);

testBothBackends(
  "metrics API: bad input is a coded 4xx in JSON and stores nothing",
  async (t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    await json(await call(app, growth, "POST", "/api/metrics", deposits), 201);
    const before = await storedVersions(db);
    const auditBefore = await db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();

    const { event: _e, ...proportionNoEvent } = cardBound;
    const { aggregate: _a, ...meanNoAggregate } = deposits;
    const { event: _m, ...meanNoEvent } = deposits;
    const { numerator: _n, ...ratioNoNumerator } = perDepositor;
    const { denominator: _d, ...ratioNoDenominator } = perDepositor;
    const { windowHours: _w, ...noWindow } = cardBound;
    const posts: Array<[string, unknown, number, string]> = [
      ["proportion without event", proportionNoEvent, 400, "VALIDATION_ERROR"],
      ["proportion with an aggregate", { ...cardBound, aggregate: "sum" }, 400, "VALIDATION_ERROR"],
      [
        "proportion with a cap",
        { ...cardBound, cap: { type: "absolute", value: 1 } },
        400,
        "VALIDATION_ERROR",
      ],
      ["mean without aggregate", { ...meanNoAggregate, key: "m1" }, 400, "VALIDATION_ERROR"],
      ["mean without event", { ...meanNoEvent, key: "m2" }, 400, "VALIDATION_ERROR"],
      ["ratio without numerator", ratioNoNumerator, 400, "VALIDATION_ERROR"],
      ["ratio without denominator", ratioNoDenominator, 400, "VALIDATION_ERROR"],
      ["ratio with an event", { ...perDepositor, event: "deposit" }, 400, "VALIDATION_ERROR"],
      [
        "percentile cap 1.5",
        { ...deposits, key: "m3", cap: { type: "percentile", value: 1.5 } },
        400,
        "VALIDATION_ERROR",
      ],
      [
        "percentile cap 0",
        { ...deposits, key: "m4", cap: { type: "percentile", value: 0 } },
        400,
        "VALIDATION_ERROR",
      ],
      [
        "cap of an unknown type",
        { ...deposits, key: "m5", cap: { type: "sigma", value: 3 } },
        400,
        "VALIDATION_ERROR",
      ],
      ["windowHours 0", { ...cardBound, windowHours: 0 }, 400, "VALIDATION_ERROR"],
      ["windowHours 1.5", { ...cardBound, windowHours: 1.5 }, 400, "VALIDATION_ERROR"],
      ["windowHours over a year", { ...cardBound, windowHours: 24 * 367 }, 400, "VALIDATION_ERROR"],
      ["windowHours missing", noWindow, 400, "VALIDATION_ERROR"],
      ["key Card-Bound", { ...cardBound, key: "Card-Bound" }, 400, "VALIDATION_ERROR"],
      ["key of 65 characters", { ...cardBound, key: "k".repeat(65) }, 400, "VALIDATION_ERROR"],
      ["empty key", { ...cardBound, key: "" }, 400, "VALIDATION_ERROR"],
      ["event name Card-Bound", { ...cardBound, event: "Card-Bound" }, 400, "VALIDATION_ERROR"],
      [
        "NUL in the Chinese name",
        { ...cardBound, name: { "zh-CN": "绑卡\u0000率", en: "x" } },
        400,
        "INVALID_TEXT",
      ],
      [
        "lone surrogate in the English name",
        { ...cardBound, name: { "zh-CN": "绑卡率", en: "a\ud800" } },
        400,
        "INVALID_TEXT",
      ],
      [
        "NUL in the description",
        { ...cardBound, description: { "zh-CN": "\u0000", en: "x" } },
        400,
        "INVALID_TEXT",
      ],
      [
        "name in one language only",
        { ...cardBound, name: { "zh-CN": "绑卡率" } },
        400,
        "VALIDATION_ERROR",
      ],
      [
        "a third language",
        { ...cardBound, name: { ...cardBound.name, fr: "x" } },
        400,
        "VALIDATION_ERROR",
      ],
      ["unknown field", { ...cardBound, owner: "me" }, 400, "VALIDATION_ERROR"],
      ["unknown direction", { ...cardBound, direction: "up" }, 400, "VALIDATION_ERROR"],
      ["kind as a number", { ...cardBound, kind: 1 }, 400, "VALIDATION_ERROR"],
      ["built-in key", { ...cardBound, key: "opt_out" }, 400, "VALIDATION_ERROR"],
      ["bankId with NUL", { ...cardBound, bankId: "CC2\u0000" }, 400, "VALIDATION_ERROR"],
      ["a list", [cardBound], 400, "VALIDATION_ERROR"],
      ["malformed JSON", "{", 400, "MALFORMED_JSON"],
      ["existing key", deposits, 409, "METRIC_EXISTS"],
    ];
    for (const [label, body, status, code] of posts) {
      await t.step(`POST: ${label}`, async () => {
        const res = await call(app, growth, "POST", "/api/metrics", body);
        const answer = await json(res, status);
        assert.equal(answer.error.code, code, JSON.stringify(answer));
      });
    }

    const patches: Array<[string, string, unknown, number, string]> = [
      [
        "kind to ratio without its fields",
        "deposit_30d",
        { kind: "ratio" },
        400,
        "VALIDATION_ERROR",
      ],
      [
        "an event on a ratio",
        "deposit_30d",
        { numerator: { event: "x", aggregate: "sum" } },
        400,
        "VALIDATION_ERROR",
      ],
      [
        "percentile cap 1.5",
        "deposit_30d",
        { cap: { type: "percentile", value: 1.5 } },
        400,
        "VALIDATION_ERROR",
      ],
      ["windowHours 0", "deposit_30d", { windowHours: 0 }, 400, "VALIDATION_ERROR"],
      [
        "NUL in a name",
        "deposit_30d",
        { name: { "zh-CN": "\u0000", en: "x" } },
        400,
        "INVALID_TEXT",
      ],
      [
        "lone surrogate",
        "deposit_30d",
        { name: { "zh-CN": "存款", en: "\ud800" } },
        400,
        "INVALID_TEXT",
      ],
      ["unknown field", "deposit_30d", { key: "renamed" }, 400, "VALIDATION_ERROR"],
      ["unknown metric", "card_bound_7d", { windowHours: 1 }, 404, "NOT_FOUND"],
      ["key Card-Bound", "Card-Bound", { windowHours: 1 }, 404, "NOT_FOUND"],
      ["key with NUL", "a%00b", { windowHours: 1 }, 404, "NOT_FOUND"],
      ["built-in key", "conversion", { windowHours: 1 }, 409, "BUILTIN_METRIC"],
    ];
    for (const [label, key, body, status, code] of patches) {
      await t.step(`PATCH: ${label}`, async () => {
        const res = await call(app, growth, "PATCH", `/api/metrics/${key}`, body);
        const answer = await json(res, status);
        assert.equal(answer.error.code, code, JSON.stringify(answer));
      });
    }

    await t.step("GET of odd keys is 404", async () => {
      for (const key of ["Card-Bound", "a%00b", "%ED%A0%80", "k".repeat(65)]) {
        const answer = await json(await call(app, growth, "GET", `/api/metrics/${key}`), 404);
        assert.equal(answer.error.code, "NOT_FOUND");
      }
      const bank = await json(await call(app, growth, "GET", "/api/metrics?bank=CC2%00"), 404);
      assert.equal(bank.error.code, "NOT_FOUND");
    });

    await t.step("nothing was stored or audited", async () => {
      assert.deepEqual(await storedVersions(db), before);
      const auditAfter = await db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      assert.equal(Number(auditAfter.n), Number(auditBefore.n));
    });
  },
);

testBothBackends("the metric library's endpoints are in the API reference", async (_t, { db }) => {
  const { app } = await createSessionApp(db);
  const doc = await json(await app.request("/api/openapi.json"), 200);
  for (
    const [path, methods] of [["/api/metrics", ["get", "post"]], ["/api/metrics/{key}", [
      "get",
      "patch",
    ]]] as const
  ) {
    for (const method of methods) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path}`);
      assert.deepEqual(op.security, [{ session: [] }]);
    }
  }
  assert.equal(doc.components.securitySchemes.session.in, "cookie");
  const post = doc.paths["/api/metrics"].post.requestBody.content["application/json"].schema;
  assert.deepEqual(post.properties.kind.enum, ["proportion", "mean", "ratio"]);
  assert.deepEqual(doc.components.schemas.TrackEvent.required, ["id", "type", "event", "unit"]);
  const html = await (await app.request("/api/docs")).text();
  for (
    const text of [
      "GET /api/metrics",
      "POST /api/metrics",
      "PATCH /api/metrics/{key}",
      "events[].event",
    ]
  ) {
    assert.ok(html.includes(text), text);
  }
});
