import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends("GET /healthz answers ok when the database answers", async (_t, { db }) => {
  const { app } = await createTestApp(db, { demo: false });
  const res = await app.request("/healthz");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.deepEqual(await res.json(), { status: "ok", memory: "none" });
});

testBothBackends("GET /healthz answers 503 when the database is gone", async (_t, database) => {
  const { app } = await createTestApp(database.db, { demo: false });
  await database.db.destroy();
  const res = await app.request("/healthz");
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error.code, "DATABASE_UNAVAILABLE");
});

testBothBackends(
  "the demo seed fills the 20 banks and CC2's experiment, once",
  async (_t, { db }) => {
    const first = await createTestApp(db);
    assert.equal(first.seed.seeded, true);
    assert.equal(first.seed.generatedSdkKey, undefined, "a key given by SDK_KEY is not printed");
    const counts = async () => {
      const row = await sql<
        { banks: string; assessments: string; users: string; experiments: string }
      >`
      select (select count(*) from banks) as banks, (select count(*) from assessments) as assessments,
             (select count(*) from users) as users, (select count(*) from experiments) as experiments`
        .execute(db);
      return row.rows[0];
    };
    assert.deepEqual(await counts(), {
      banks: "20",
      assessments: "20",
      users: "4",
      experiments: "5",
    });
    const second = await createTestApp(db);
    assert.equal(second.seed.seeded, false);
    assert.deepEqual(await counts(), {
      banks: "20",
      assessments: "20",
      users: "4",
      experiments: "5",
    });

    const experiment = await db.selectFrom("experiments").selectAll().where(
      "key",
      "=",
      "welcome-sms",
    )
      .executeTakeFirstOrThrow();
    assert.equal(experiment.bank_id, "CC2");
    assert.equal(experiment.status, "running");
    const variants = await db.selectFrom("variants").select(["name", "weight"]).where(
      "experiment_id",
      "=",
      experiment.id,
    ).orderBy("position").execute();
    assert.deepEqual(variants, [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }]);
    const key = await db.selectFrom("sdk_keys").select(["bank_id", "key_hash"])
      .executeTakeFirstOrThrow();
    assert.equal(key.bank_id, "CC2");
    assert.match(key.key_hash, /^[0-9a-f]{64}$/, "only the SHA-256 of the key is stored");
  },
);

testBothBackends("SEED_DEMO=0 creates only the first admin", async (_t, { db }) => {
  const { seed } = await createTestApp(db, { demo: false });
  assert.equal(seed.seeded, true);
  assert.equal(seed.demo, false);
  const banks = await db.selectFrom("banks").select("id").execute();
  assert.equal(banks.length, 0);
  const users = await db.selectFrom("users").select(["email", "role", "password_hash"]).execute();
  assert.equal(users.length, 1);
  assert.equal(users[0].role, "admin");
  assert.match(users[0].password_hash, /^pbkdf2-sha256\$600000\$/);
});

testBothBackends("the audit log refuses updates and deletes", async (_t, { db }) => {
  await createTestApp(db, { demo: false });
  await assert.rejects(sql`update audit_log set action = 'x'`.execute(db), /append-only/);
  await assert.rejects(sql`delete from audit_log`.execute(db), /append-only/);
  const rows = await db.selectFrom("audit_log").select("action").execute();
  assert.ok(rows.length >= 1);
});

testBothBackends("an event id is stored once per bank", async (_t, { db }) => {
  await createTestApp(db);
  const experiment = await db.selectFrom("experiments").select("id").executeTakeFirstOrThrow();
  const event = {
    bank_id: "CC2",
    event_id: "e-1",
    experiment_id: experiment.id,
    unit: "u1",
    type: "exposure" as const,
    value: null,
    occurred_at: new Date(),
  };
  await db.insertInto("events").values(event).execute();
  await assert.rejects(db.insertInto("events").values(event).execute(), /duplicate key|unique/i);
  await db.insertInto("events").values({ ...event, bank_id: "CC1" }).execute();
});

testBothBackends(
  "the dashboard renders in Chinese by default with demo data",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const res = await app.request("/", {
      headers: { cookie: await sessionCookie(db, DEMO_USERS.executive) },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    const html = await res.text();
    assert.match(html, /<html lang="zh-CN">/);
    assert.match(html, /甬鑫银行/);
    assert.match(html, /首绑短信/);
    assert.match(html, /data-island="DimensionExplorer"/);
  },
);
