/**
 * The contact policy's guarantees at assignment (issue 17): single assignment and send lists
 * (`POST /api/v1/assignments`) answer `frequency_capped` once a customer has `max` contacts in
 * the window and `quiet_hours` with `quietUntil` during quiet hours (the app's clock is
 * injected); asking again is the same contact; two send lists drawn back to back, or at once,
 * never exceed a cap; an in-app banner is not capped by a `*` cap; on PostgreSQL two app
 * instances drawing overlapping send lists at once never exceed a cap, and a policy changed
 * through one instance reaches the other.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { createCampaign } from "../db/campaigns.ts";
import type { Database } from "../db/schema.ts";
import type { Channel } from "../lib/experiments/settings.ts";
import { createTestApp, expectJson, jsonRequest, sessionCookie } from "./helpers/app.ts";
import { BACKENDS, openTestDatabase, testBothBackends } from "./helpers/db.ts";
import { type Running, start } from "./helpers/process.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const ARMS = [{ name: "对照组", weight: 1 }, { name: "优惠券文案", weight: 1 }];

/** A running experiment of CC2 in a new campaign on `channel`. */
async function experimentOn(
  db: Kysely<Database>,
  key: string,
  channel: Channel,
  bankId = "CC2",
): Promise<string> {
  const campaign = await createCampaign(db, {
    bankId,
    name: `${key} 活动`,
    channel,
    segment: {},
    description: "",
    createdBy: null,
  });
  const id = await makeExperiment(db, { key, variants: ARMS, bankId });
  await db.updateTable("experiments").set({ campaign_id: campaign.id }).where("id", "=", id)
    .execute();
  return id;
}

/** Ledger rows per customer of the bank. */
async function contactsPerUnit(db: Kysely<Database>, channel?: string) {
  let query = db.selectFrom("contacts").where("bank_id", "=", "CC2");
  if (channel) query = query.where("channel", "=", channel);
  const rows = await query.select(["unit", "experiment_id"]).execute();
  const per = new Map<string, number>();
  for (const r of rows) per.set(r.unit, (per.get(r.unit) ?? 0) + 1);
  return per;
}

const units = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

testBothBackends("contact caps and quiet hours at assignment", async (t, { db }) => {
  // 10:00 Beijing time.
  const clock = { now: new Date("2026-12-01T02:00:00Z") };
  const { app } = await createTestApp(db, { now: () => clock.now });
  await experimentOn(db, "salary-sms", "sms");
  await experimentOn(db, "card-sms", "sms");
  await experimentOn(db, "loan-push", "app_push");
  const banner = await experimentOn(db, "home-banner", "in_app_banner");
  const setPolicy = async (body: unknown) => {
    // A session at the app's clock (the clock moves a week ahead and back).
    const admin = await sessionCookie(db, "admin@test.local", clock.now);
    const res = await app.request(
      "/api/contact-policy?bank=CC2",
      jsonRequest("PUT", body, { cookie: admin }),
    );
    await expectJson(res, 200);
  };
  const single = async (key: string, unit: string) =>
    (await sdkCall(app, "GET", `/api/v1/experiments/${key}/assignment?unit=${unit}`)).body;
  const batch = async (key: string, list: string[]) => {
    const res = await sdkCall(app, "POST", "/api/v1/assignments", { experiment: key, units: list });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.assignments as Array<
      { unit: string; reason: string; variant: string | null; quietUntil?: string }
    >;
  };

  await t.step("without a policy nothing is capped and no contact is recorded", async () => {
    for (const key of ["welcome-sms", "salary-sms", "card-sms"]) {
      assert.equal((await single(key, "500001")).reason, "assigned");
    }
    assert.equal((await contactsPerUnit(db)).size, 0);
  });

  await setPolicy({
    caps: [
      { channel: "sms", max: 2, windowHours: 168 },
      { channel: "*", max: 3, windowHours: 168 },
    ],
    quietHours: { start: "21:00", end: "08:00", timeZone: "Asia/Shanghai", channels: ["sms"] },
    holdout: null,
  });

  await t.step("single: the third SMS within a week is frequency_capped", async () => {
    const first = await single("welcome-sms", "600001");
    assert.equal(first.reason, "assigned");
    assert.ok(first.variant);
    assert.equal((await single("salary-sms", "600001")).reason, "assigned");
    const third = await single("card-sms", "600001");
    assert.equal(third.reason, "frequency_capped");
    assert.equal(third.variant, null);
    // Asking again is the same contact, never capped by itself.
    assert.equal((await single("welcome-sms", "600001")).variant, first.variant);
    assert.equal((await contactsPerUnit(db)).get("600001"), 2);
    // `*`: a push is the third contact of any channel, then nothing more goes out.
    assert.equal((await single("loan-push", "600001")).reason, "assigned");
    assert.equal((await contactsPerUnit(db)).get("600001"), 3);
  });

  await t.step("in_app_banner is not capped by `*` and records no contact", async () => {
    const answer = await single("home-banner", "600001");
    assert.equal(answer.reason, "assigned");
    const [b] = await batch("home-banner", ["600001"]);
    assert.equal(b.reason, "assigned");
    const rows = await db.selectFrom("contacts").select("unit")
      .where("experiment_id", "=", banner).execute();
    assert.equal(rows.length, 0);
  });

  await t.step("batch: customers at the cap are frequency_capped, others assigned", async () => {
    const list = units(610001, 40);
    assert.ok((await batch("welcome-sms", list)).every((a) => a.reason === "assigned"));
    // Half of them get a second SMS.
    assert.ok((await batch("salary-sms", list.slice(0, 20))).every((a) => a.reason === "assigned"));
    const third = await batch("card-sms", list);
    for (const a of third) {
      const expected = Number(a.unit) < 610021 ? "frequency_capped" : "assigned";
      assert.equal(a.reason, expected, a.unit);
      assert.equal(a.variant === null, expected === "frequency_capped");
    }
    for (const [unit, n] of await contactsPerUnit(db, "sms")) {
      assert.ok(n <= 2, `${unit}: ${n} SMS contacts`);
    }
  });

  await t.step("the window: a week later the customer may be contacted again", async () => {
    clock.now = new Date("2026-12-08T02:00:01Z");
    assert.equal((await single("card-sms", "600001")).reason, "assigned");
    clock.now = new Date("2026-12-01T02:00:00Z");
  });

  await t.step("quiet hours: 22:00 Beijing answers quiet_hours until 08:00", async () => {
    clock.now = new Date("2026-12-01T14:00:00Z");
    const quiet = await single("welcome-sms", "620001");
    assert.equal(quiet.reason, "quiet_hours");
    assert.equal(quiet.variant, null);
    assert.equal(quiet.quietUntil, "2026-12-02T00:00:00.000Z");
    const list = await batch("salary-sms", units(620001, 5));
    assert.ok(list.every((a) => a.reason === "quiet_hours"));
    assert.ok(list.every((a) => a.quietUntil === "2026-12-02T00:00:00.000Z"));
    // Quiet hours record no contact; a channel that is not quiet goes on.
    assert.equal((await contactsPerUnit(db)).get("620001"), undefined);
    assert.equal((await single("loan-push", "620001")).reason, "assigned");
    // A capped customer is frequency_capped even in quiet hours (the reasons' order).
    assert.equal((await single("card-sms", "610001")).reason, "frequency_capped");
    clock.now = new Date("2026-12-02T00:00:00Z");
    assert.equal((await single("welcome-sms", "620001")).reason, "assigned");
    clock.now = new Date("2026-12-01T02:00:00Z");
  });

  await t.step("two send lists back to back, and at once, never exceed the cap", async () => {
    await setPolicy({
      caps: [{ channel: "sms", max: 1, windowHours: 168 }],
      quietHours: null,
      holdout: null,
    });
    await experimentOn(db, "deposit-sms-a", "sms");
    await experimentOn(db, "deposit-sms-b", "sms");
    await experimentOn(db, "deposit-sms-c", "sms");
    await experimentOn(db, "deposit-sms-d", "sms");
    const a = await batch("deposit-sms-a", units(700001, 300));
    const b = await batch("deposit-sms-b", units(700151, 300));
    assert.ok(a.every((x) => x.reason === "assigned"));
    assert.equal(b.filter((x) => x.reason === "frequency_capped").length, 150);
    assert.equal(b.filter((x) => x.reason === "assigned").length, 150);
    const [c, d] = await Promise.all([
      batch("deposit-sms-c", units(800001, 400)),
      batch("deposit-sms-d", units(800201, 400)),
    ]);
    const handed = [...c, ...d].filter((x) => x.reason === "assigned").length;
    assert.equal(handed, 600, "the 200 shared customers get one SMS between the two lists");
    for (const [unit, n] of await contactsPerUnit(db, "sms")) {
      if (Number(unit) >= 700001) assert.equal(n, 1, `${unit}: ${n} SMS contacts`);
    }
  });

  await t.step("two send lists of 10,000 customers at once", async () => {
    await experimentOn(db, "bulk-sms-a", "sms");
    await experimentOn(db, "bulk-sms-b", "sms");
    const [a, b] = await Promise.all([
      batch("bulk-sms-a", units(1_000_001, 10_000)),
      batch("bulk-sms-b", units(1_005_001, 10_000)),
    ]);
    const handed = [...a, ...b].filter((x) => x.reason === "assigned").length;
    assert.equal(handed, 15_000, "the 5,000 shared customers get one SMS between the two lists");
  });

  await t.step("a policy without caps stops capping at once", async () => {
    await setPolicy({ caps: [], quietHours: null, holdout: null });
    assert.equal((await single("card-sms", "610001")).reason, "assigned");
  });
});

async function call(
  instance: Running,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(path, instance.url), {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const SDK_KEY = "ll_contact_caps_key_0123456789abcdef";
const ADMIN = { email: "admin@caps.test", password: "contact-caps-password-1" };

Deno.test({
  name:
    "two instances: overlapping send lists at once never exceed a cap; a policy change reaches both",
  ignore: !BACKENDS.includes("postgres"),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const database = await openTestDatabase("postgres");
    const env = {
      DATABASE_URL: database.url,
      SEED_DEMO: "1",
      SDK_KEY,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_REQUESTS: "0",
    };
    const started = await Promise.allSettled([start(env), start(env)]);
    const [a, b] = started.map((s) => s.status === "fulfilled" ? s.value : null);
    const sdk = { authorization: `Bearer ${SDK_KEY}` };
    try {
      if (!a || !b) throw new Error(`An instance did not start: ${started.map((s) => s.status)}`);
      const login = await fetch(new URL("/api/auth/login", a.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ADMIN),
      });
      await login.body?.cancel();
      const session = { cookie: login.headers.getSetCookie()[0].split(";")[0] };
      for (const key of ["fund-sms-a", "fund-sms-b", "fund-sms-c", "fund-sms-d"]) {
        await experimentOn(database.db, key, "sms");
      }

      await t.step("a policy set through one instance holds on the other", async () => {
        assert.equal(
          (await call(
            b,
            "GET",
            "/api/v1/experiments/fund-sms-a/assignment?unit=900001",
            undefined,
            sdk,
          ))
            .body.reason,
          "assigned",
        );
        const put = await call(a, "PUT", "/api/contact-policy?bank=CC2", {
          caps: [{ channel: "sms", max: 1, windowHours: 168 }],
          quietHours: null,
          holdout: null,
        }, session);
        assert.equal(put.status, 200, JSON.stringify(put.body));
        // Before the policy there was no ledger row: this is 900002's first contact, on b.
        const deadline = Date.now() + 3000;
        for (;;) {
          await call(
            b,
            "GET",
            "/api/v1/experiments/fund-sms-a/assignment?unit=900002",
            undefined,
            sdk,
          );
          const second = await call(
            b,
            "GET",
            "/api/v1/experiments/fund-sms-b/assignment?unit=900002",
            undefined,
            sdk,
          );
          if (second.body.reason === "frequency_capped") break;
          assert.ok(Date.now() < deadline, "the policy did not reach the other instance in 3 s");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });

      await t.step("overlapping send lists on both instances at once: one SMS each", async () => {
        const lists = [
          [a, "fund-sms-a", units(910001, 2000)],
          [b, "fund-sms-b", units(911001, 2000)],
          [a, "fund-sms-c", units(910501, 2000)],
          [b, "fund-sms-d", units(911501, 1000)],
        ] as const;
        const answers = await Promise.all(
          lists.map(([instance, experiment, list]) =>
            call(instance, "POST", "/api/v1/assignments", { experiment, units: list }, sdk)
          ),
        );
        assert.ok(
          answers.every((r) => r.status === 200),
          JSON.stringify(answers.map((r) => r.status)),
        );
        const rows = await database.db.selectFrom("contacts").select(["unit"])
          .where("bank_id", "=", "CC2").where("unit", ">=", "910001")
          .where("unit", "<=", "913000").execute();
        const per = new Map<string, number>();
        for (const r of rows) per.set(r.unit, (per.get(r.unit) ?? 0) + 1);
        assert.equal(per.size, 3000, "every customer of the lists once");
        for (const [unit, n] of per) assert.equal(n, 1, `${unit}: ${n} SMS contacts`);
        const assigned = answers.flatMap((r) => r.body.assignments)
          .filter((x: { reason: string }) => x.reason === "assigned").length;
        assert.equal(assigned, per.size, "each customer handed exactly one arm");
      });
    } finally {
      for (const instance of [a, b]) await instance?.stop();
      await database.close();
    }
  },
});
