/**
 * Mutual-exclusion layers and QA units (issue 17) through the experiments API: creating layers,
 * taking ranges, refusing overlapping starts (also when two starts race), and QA units that get
 * their arm but never count.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { holdoutBucket, layerBucket } from "../lib/governance/policy.ts";
import { call, createSessionApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { sdkCall } from "./helpers/sdk.ts";

type App = Awaited<ReturnType<typeof createSessionApp>>["app"];
const ARMS = [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }];

async function json(res: Response) {
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return await res.json();
}

async function expectError(res: Response, status: number, code: string) {
  const body = await json(res);
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
  assert.ok(body.error.message.length > 0);
  return body.error.message as string;
}

function draft(key: string, extra: Record<string, unknown> = {}) {
  return { key, name: `实验 ${key}`, variants: ARMS, ...extra };
}

async function createLayer(app: App, cookie: string, key: string, name = "短信主流量层") {
  const res = await call(app, cookie, "POST", "/api/layers", { key, name });
  assert.equal(res.status, 201, await res.clone().text());
  return (await json(res)).layer;
}

async function create(app: App, cookie: string, body: Record<string, unknown>) {
  const res = await call(app, cookie, "POST", "/api/experiments", body);
  assert.equal(res.status, 201, await res.clone().text());
  return (await json(res)).experiment;
}

testBothBackends("layers: created by growth, listed with ranges, keys unique per bank", async (
  _t,
  { db },
) => {
  const { app, growth, exec, consultant, other } = await createSessionApp(db);
  const created = await call(app, growth, "POST", "/api/layers", {
    key: "sms-main",
    name: "短信主流量层",
  });
  assert.equal(created.status, 201);
  const body = await json(created);
  assert.equal(body.layer.key, "sms-main");
  assert.equal(body.layer.name, "短信主流量层");
  assert.deepEqual(body.layer.experiments, []);

  await expectError(
    await call(app, growth, "POST", "/api/layers", { key: "sms-main", name: "again" }),
    409,
    "LAYER_EXISTS",
  );
  // Another bank may use the same key.
  assert.equal(
    (await call(app, other, "POST", "/api/layers", { key: "sms-main", name: "CC1" })).status,
    201,
  );
  await expectError(
    await call(app, exec, "POST", "/api/layers", { key: "x", name: "x" }),
    403,
    "FORBIDDEN",
  );
  await expectError(await call(app, consultant, "GET", "/api/layers"), 403, "FORBIDDEN");

  for (
    const bad of [
      { key: "-lead", name: "x" },
      { key: "Upper", name: "x" },
      { key: "a".repeat(65), name: "x" },
      { key: "短信", name: "x" },
      { key: "", name: "x" },
      { key: 7, name: "x" },
      { key: "ok", name: "" },
      { key: "ok", name: "   " },
      { key: "ok", name: "x".repeat(101) },
      { key: "ok", name: "bad\u0000text" },
      { key: "ok" },
      { key: "ok", name: "x", extra: 1 },
    ]
  ) {
    await expectError(
      await call(app, growth, "POST", "/api/layers", bad),
      400,
      bad.key === "ok" && "name" in bad && bad.name?.includes("\u0000")
        ? "INVALID_TEXT"
        : "VALIDATION_ERROR",
    );
  }
  const zh = await expectError(
    await call(app, growth, "POST", "/api/layers", { key: "-x", name: "x" }),
    400,
    "VALIDATION_ERROR",
  );
  assert.match(zh, /流量层标识/);

  await create(app, growth, draft("sms-a", { layer: { key: "sms-main", range: [0, 0.3] } }));
  const listed = await json(await call(app, exec, "GET", "/api/layers"));
  assert.equal(listed.layers.length, 1);
  assert.deepEqual(listed.layers[0].experiments, [
    { key: "sms-a", name: "实验 sms-a", status: "draft", range: [0, 0.3] },
  ]);
  const cc1 = await json(await call(app, other, "GET", "/api/layers"));
  assert.deepEqual(cc1.layers.map((l: { name: string }) => l.name), ["CC1"]);
  const audit = await db.selectFrom("audit_log").select(["action", "target"])
    .where("action", "=", "layer.create").execute();
  assert.equal(audit.length, 2);
});

testBothBackends("experiment layer and QA units: every bad input is a 400 with its code", async (
  _t,
  { db },
) => {
  const { app, growth } = await createSessionApp(db);
  await createLayer(app, growth, "sms-main");
  const post = (extra: Record<string, unknown>) =>
    call(app, growth, "POST", "/api/experiments", draft("bad-input", extra));

  const unknown = await expectError(
    await post({ layer: { key: "no-such", range: [0, 0.5] } }),
    400,
    "UNKNOWN_LAYER",
  );
  assert.match(unknown, /no-such/);
  for (
    const layer of [
      { key: "sms-main", range: [0.3, 0.3] },
      { key: "sms-main", range: [0.6, 0.2] },
      { key: "sms-main", range: [-0.1, 0.5] },
      { key: "sms-main", range: [0, 1.5] },
      { key: "sms-main", range: [0] },
      { key: "sms-main", range: [0, 0.5, 1] },
      { key: "sms-main", range: ["0", "0.5"] },
      { key: "sms-main", range: [0, null] },
      { key: "sms-main" },
      { range: [0, 0.5] },
      { key: "Sms", range: [0, 0.5] },
      { key: "sms-main", range: [0, 0.5], extra: true },
      "sms-main",
    ]
  ) {
    await expectError(await post({ layer }), 400, "VALIDATION_ERROR");
  }
  const order = await expectError(
    await post({ layer: { key: "sms-main", range: [0.6, 0.2] } }),
    400,
    "VALIDATION_ERROR",
  );
  assert.match(order, /0 ≤ 起点 < 终点 ≤ 1/);

  const wrongArm = await expectError(
    await post({ forced: [{ unit: "QA001", variant: "紧迫文案" }] }),
    400,
    "UNKNOWN_VARIANT",
  );
  assert.match(wrongArm, /紧迫文案/);
  assert.match(wrongArm, /QA001/);
  const wrongArmEn = await json(
    await call(app, `${growth}; lang=en`, "POST", "/api/experiments", {
      ...draft("bad-input"),
      forced: [{ unit: "QA001", variant: "urgent" }],
    }),
  );
  assert.equal(
    wrongArmEn.error.message,
    'QA unit "QA001" is put into "urgent", which is not an arm of the experiment',
  );
  const tooMany = Array.from({ length: 101 }, (_, i) => ({
    unit: `QA${String(i).padStart(3, "0")}`,
    variant: "coupon",
  }));
  for (
    const [forced, code] of [
      [[{ unit: "", variant: "coupon" }], "VALIDATION_ERROR"],
      [[{ unit: "Q".repeat(129), variant: "coupon" }], "VALIDATION_ERROR"],
      [[{ unit: "QA\u0000", variant: "coupon" }], "INVALID_TEXT"],
      [[{ unit: 6222020000000001, variant: "coupon" }], "VALIDATION_ERROR"],
      [[{ unit: "QA001", variant: "" }], "VALIDATION_ERROR"],
      [[{ unit: "QA001" }], "VALIDATION_ERROR"],
      [[{ unit: "QA001", variant: "coupon", note: "x" }], "VALIDATION_ERROR"],
      [
        [{ unit: "QA001", variant: "coupon" }, { unit: "QA001", variant: "control" }],
        "VALIDATION_ERROR",
      ],
      [tooMany, "VALIDATION_ERROR"],
      [{ unit: "QA001", variant: "coupon" }, "VALIDATION_ERROR"],
    ] as const
  ) {
    await expectError(await post({ forced }), 400, code);
  }
  const twice = await expectError(
    await post({
      forced: [{ unit: "QA1", variant: "coupon" }, { unit: "QA1", variant: "coupon" }],
    }),
    400,
    "VALIDATION_ERROR",
  );
  assert.match(twice, /同一位测试客户只能出现一次/);
  // 100 units, 128 characters each, Chinese text: accepted.
  const hundred = tooMany.slice(0, 100);
  hundred[0] = { unit: "客".repeat(128), variant: "coupon" };
  const ok = await create(app, growth, draft("max-units", { forced: hundred }));
  assert.equal(ok.forced.length, 100);
  assert.equal(
    await db.selectFrom("experiments").select("key").where("key", "=", "bad-input")
      .executeTakeFirst(),
    undefined,
  );

  // PATCH: the same checks; variants renamed away from a QA unit's arm are refused too.
  const e = await create(
    app,
    growth,
    draft("patchy", {
      layer: { key: "sms-main", range: [0.1, 0.2] },
      forced: [{ unit: "QA001", variant: "coupon" }],
    }),
  );
  assert.deepEqual(e.layer, { key: "sms-main", range: [0.1, 0.2] });
  const patch = (body: unknown) => call(app, growth, "PATCH", "/api/experiments/patchy", body);
  await expectError(await patch({ layer: { key: "nope", range: [0, 1] } }), 400, "UNKNOWN_LAYER");
  await expectError(
    await patch({ layer: { key: "sms-main", range: [1, 1] } }),
    400,
    "VALIDATION_ERROR",
  );
  await expectError(
    await patch({ variants: [{ name: "control", weight: 1 }, { name: "积分", weight: 1 }] }),
    400,
    "UNKNOWN_VARIANT",
  );
  await expectError(
    await patch({ forced: [{ unit: "QA2", variant: "x" }] }),
    400,
    "UNKNOWN_VARIANT",
  );
  const left = await json(await patch({ layer: null }));
  assert.equal(left.experiment.layer, null);
  assert.deepEqual(left.experiment.forced, [{ unit: "QA001", variant: "coupon" }]);
});

testBothBackends("running experiments of one layer never overlap (409 LAYER_RANGE_TAKEN)", async (
  _t,
  { db },
) => {
  const { app, growth } = await createSessionApp(db);
  await createLayer(app, growth, "sms-main");
  await createLayer(app, growth, "push-main", "推送流量层");
  await create(app, growth, draft("sms-a", { layer: { key: "sms-main", range: [0, 0.3] } }));
  await create(app, growth, draft("sms-b", { layer: { key: "sms-main", range: [0.25, 0.6] } }));
  await create(app, growth, draft("sms-c", { layer: { key: "sms-main", range: [0.3, 1] } }));
  await create(app, growth, draft("push-a", { layer: { key: "push-main", range: [0, 1] } }));
  await create(app, growth, draft("free", {}));
  const start = (key: string, cookie = growth) =>
    call(app, cookie, "POST", `/api/experiments/${key}/start`);

  assert.equal((await start("sms-a")).status, 200);
  const zh = await expectError(await start("sms-b"), 409, "LAYER_RANGE_TAKEN");
  assert.equal(
    zh,
    "实验“sms-b”占用流量层“sms-main”的 25%–60%，与运行中的实验“sms-a”（0%–30%）重叠",
  );
  const en = await expectError(
    await start("sms-b", `${growth}; lang=en`),
    409,
    "LAYER_RANGE_TAKEN",
  );
  assert.equal(
    en,
    'Experiment "sms-b" takes 25–60 % of layer "sms-main", which overlaps running experiment ' +
      '"sms-a" (0–30 %)',
  );
  // Still a draft, nothing audited for it.
  const b = await json(await call(app, growth, "GET", "/api/experiments/sms-b"));
  assert.equal(b.experiment.status, "draft");
  // Adjacent ranges [0, 0.3) and [0.3, 1) share no customer; other layers and no layer are free.
  assert.equal((await start("sms-c")).status, 200);
  assert.equal((await start("push-a")).status, 200);
  assert.equal((await start("free")).status, 200);
  // A running experiment keeps its range: the layer cannot change after the start.
  await expectError(
    await call(app, growth, "PATCH", "/api/experiments/sms-a", { layer: null }),
    409,
    "NOT_DRAFT",
  );
  // Once sms-a stops, its range is free again, but sms-c still holds 30–60 %.
  assert.equal((await call(app, growth, "POST", "/api/experiments/sms-a/stop")).status, 200);
  const still = await expectError(await start("sms-b"), 409, "LAYER_RANGE_TAKEN");
  assert.match(still, /sms-c/);
  await call(app, growth, "PATCH", "/api/experiments/sms-b", {
    layer: { key: "sms-main", range: [0, 0.3] },
  });
  assert.equal((await start("sms-b")).status, 200);
  const listed = await json(await call(app, growth, "GET", "/api/layers"));
  const sms = listed.layers.find((l: { key: string }) => l.key === "sms-main");
  assert.deepEqual(
    sms.experiments.map((e: { key: string; status: string }) => `${e.key}:${e.status}`),
    ["sms-a:stopped", "sms-b:running", "sms-c:running"],
  );
});

testBothBackends("concurrent starts of overlapping experiments: exactly one wins", async (
  _t,
  { db },
) => {
  const { app, growth } = await createSessionApp(db);
  await createLayer(app, growth, "race");
  for (let round = 0; round < 6; round++) {
    const keys = [`race-${round}-x`, `race-${round}-y`, `race-${round}-z`];
    for (const [i, key] of keys.entries()) {
      // Each round's three ranges overlap one another and nothing of earlier rounds.
      const lo = round / 6 + i * 0.01;
      await create(app, growth, draft(key, { layer: { key: "race", range: [lo, lo + 0.1] } }));
    }
    const answers = await Promise.all(
      keys.map((key) => call(app, growth, "POST", `/api/experiments/${key}/start`)),
    );
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409, 409], `round ${round}`);
    for (const res of answers) {
      const body = await json(res);
      if (res.status === 409) assert.equal(body.error.code, "LAYER_RANGE_TAKEN");
    }
  }
  const running = await db.selectFrom("experiments").select(["layer_lo", "layer_hi"])
    .where("layer_key", "=", "race").where("status", "=", "running").execute();
  assert.equal(running.length, 6);
});

/** 50,000 card-like ids (6222020000000001…) and 50,000 mobile numbers (13800000000…). */
function bankCustomers(): string[] {
  const cards = Array.from({ length: 50_000 }, (_, i) => String(6222020000000001n + BigInt(i)));
  const phones = Array.from({ length: 50_000 }, (_, i) => String(13800000000 + i));
  return [...cards, ...phones];
}

async function assignAll(app: App, experiment: string, units: string[]) {
  const reasons = new Map<string, string>();
  for (let i = 0; i < units.length; i += 10_000) {
    const res = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment,
      units: units.slice(i, i + 10_000),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    for (const a of res.body.assignments) {
      reasons.set(a.unit, a.reason);
      assert.equal(a.inExperiment, a.reason === "assigned");
    }
  }
  return reasons;
}

testBothBackends(
  "100,000 customers never fall in two running experiments of one layer (SDK batches)",
  async (_t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    await createLayer(app, growth, "sms-main");
    await create(app, growth, draft("sms-30", { layer: { key: "sms-main", range: [0, 0.3] } }));
    await create(app, growth, draft("sms-70", { layer: { key: "sms-main", range: [0.3, 1] } }));
    for (const key of ["sms-30", "sms-70"]) {
      assert.equal((await call(app, growth, "POST", `/api/experiments/${key}/start`)).status, 200);
    }
    const units = bankCustomers();
    const a = await assignAll(app, "sms-30", units);
    const b = await assignAll(app, "sms-70", units);
    assert.equal(a.size, 100_000);
    assert.equal(b.size, 100_000);
    let inA = 0;
    for (const unit of units) {
      const pair = [a.get(unit), b.get(unit)].sort().join("+");
      assert.equal(pair, "assigned+layer_excluded", unit);
      if (a.get(unit) === "assigned") {
        inA++;
        assert.ok(layerBucket("sms-main", unit) < 0.3);
      }
    }
    // 30 % of 100,000 = 30,000, standard deviation √(100,000 × 0.3 × 0.7) ≈ 145: within 4 sd.
    assert.ok(Math.abs(inA - 30_000) < 4 * 145, `${inA} of 100,000 in the 30 % range`);
    // Each half (cards, phones) is split alike: the hash has no favourite id shape.
    const cardsInA = units.slice(0, 50_000).filter((u) => a.get(u) === "assigned").length;
    assert.ok(Math.abs(cardsInA - 15_000) < 4 * 103, `${cardsInA} of the cards`);
  },
);

async function setHoldout(db: Kysely<Database>, percent: number, salt: string) {
  await db.insertInto("contact_policies").values({
    bank_id: "CC2",
    holdout: { percent, salt, startedAt: "2026-01-01T00:00:00Z" },
    updated_at: new Date(),
  }).onConflict((oc) =>
    oc.column("bank_id").doUpdateSet({
      holdout: { percent, salt, startedAt: "2026-01-01T00:00:00Z" },
    })
  ).execute();
}

testBothBackends(
  "QA units: forced even in the holdout or outside targeting, not when opted out",
  async (
    _t,
    { db },
  ) => {
    const { app, growth } = await createSessionApp(db);
    const units = Array.from({ length: 400 }, (_, i) => String(6222020000000001n + BigInt(i)));
    await setHoldout(db, 50, "qa-salt");
    const held = units.filter((u) => holdoutBucket("qa-salt", u) < 0.5);
    const free = units.filter((u) => holdoutBucket("qa-salt", u) >= 0.5);
    const [inHoldout, notTargeted, optedOut, plain] = [held[0], free[0], free[1], free[2]];
    await create(
      app,
      growth,
      draft("qa-test", {
        targeting: { stages: ["high_value"] },
        forced: [
          { unit: inHoldout, variant: "coupon" },
          { unit: notTargeted, variant: "control" },
          { unit: optedOut, variant: "coupon" },
        ],
      }),
    );
    assert.equal((await call(app, growth, "POST", "/api/experiments/qa-test/start")).status, 200);
    await sdkCall(app, "POST", "/api/v1/opt-outs", { units: [optedOut] });
    const batch = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: "qa-test",
      units: [inHoldout, notTargeted, optedOut, plain, held[1]],
    });
    assert.equal(batch.status, 200);
    assert.deepEqual(
      batch.body.assignments.map((a: { reason: string; variant: string | null }) =>
        `${a.reason}:${a.variant}`
      ),
      ["forced:coupon", "forced:control", "opted_out:null", "not_targeted:null", "holdout:null"],
    );
    const single = await sdkCall(
      app,
      "GET",
      `/api/v1/experiments/qa-test/assignment?unit=${inHoldout}`,
    );
    assert.equal(single.body.reason, "forced");
    assert.equal(single.body.variant, "coupon");
    assert.equal(single.body.inExperiment, true);
  },
);

testBothBackends("QA units change while running (audited) and never count in the results", async (
  _t,
  { db },
) => {
  const { app, growth } = await createSessionApp(db);
  await create(app, growth, draft("qa-live", { forced: [{ unit: "QA001", variant: "coupon" }] }));
  assert.equal((await call(app, growth, "POST", "/api/experiments/qa-live/start")).status, 200);
  const customers = Array.from({ length: 40 }, (_, i) => String(6222020000000001n + BigInt(i)));
  const send = (events: unknown[]) => sdkCall(app, "POST", "/api/v1/events", { events });
  const stored = await send(customers.flatMap((unit, i) => [
    { id: `x-${unit}`, type: "exposure", experiment: "qa-live", unit },
    ...(i % 3 === 0
      ? [{ id: `c-${unit}`, type: "conversion", experiment: "qa-live", unit, value: -12.5 }]
      : []),
  ]));
  assert.equal(stored.body.rejected.length, 0);
  const before = await json(await call(app, growth, "GET", "/api/experiments/qa-live/results"));

  // A tester joins during the test: PATCH with only `forced` while running.
  const patched = await call(app, growth, "PATCH", "/api/experiments/qa-live", {
    forced: [{ unit: "QA001", variant: "coupon" }, { unit: "测试-李四", variant: "control" }],
  });
  assert.equal(patched.status, 200);
  assert.equal((await json(patched)).experiment.forced.length, 2);
  const audit = await db.selectFrom("audit_log").select(["details"])
    .where("action", "=", "experiment.forced").where("target", "=", "qa-live").execute();
  assert.equal(audit.length, 1);
  // Other settings still wait for a draft; `forced` with them is refused whole.
  await expectError(
    await call(app, growth, "PATCH", "/api/experiments/qa-live", {
      forced: [],
      name: "改名",
    }),
    409,
    "NOT_DRAFT",
  );
  await expectError(
    await call(app, growth, "PATCH", "/api/experiments/qa-live", {
      forced: [{ unit: "QA9", variant: "nope" }],
    }),
    400,
    "UNKNOWN_VARIANT",
  );

  const qa = await send([
    { id: "qa-x1", type: "exposure", experiment: "qa-live", unit: "QA001" },
    { id: "qa-c1", type: "conversion", experiment: "qa-live", unit: "QA001", value: 500 },
    { id: "qa-x2", type: "exposure", experiment: "qa-live", unit: "测试-李四" },
    { id: "qa-c2", type: "conversion", experiment: "qa-live", unit: "测试-李四", value: 1 },
  ]);
  assert.equal(qa.body.accepted, 0);
  assert.deepEqual(
    qa.body.rejected.map((r: { error: { code: string } }) => r.error.code),
    ["FORCED_UNIT", "FORCED_UNIT", "FORCED_UNIT", "FORCED_UNIT"],
  );
  const after = await json(await call(app, growth, "GET", "/api/experiments/qa-live/results"));
  // The arms' users, conversions and value statistics: the same numbers, to the last digit.
  const numbers = (r: { variants: { users: number }[]; value: unknown }) =>
    JSON.stringify({ variants: r.variants, value: r.value });
  assert.equal(before.variants.reduce((n: number, v: { users: number }) => n + v.users, 0), 40);
  assert.equal(numbers(after), numbers(before));

  // Stopped: its QA units stay as they were.
  assert.equal((await call(app, growth, "POST", "/api/experiments/qa-live/stop")).status, 200);
  await expectError(
    await call(app, growth, "PATCH", "/api/experiments/qa-live", { forced: [] }),
    409,
    "NOT_DRAFT",
  );
});
