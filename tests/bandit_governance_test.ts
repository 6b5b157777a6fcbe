/**
 * Traffic governance holds for bandits as for A/B tests (issue 17: "the same for single
 * assignment, batch send lists and bandits"): a QA unit gets its forced arm, the holdout and a
 * layer keep customers out, a capped customer gets no arm — and none of them gets a sticky arm;
 * an assigned customer's arm is sticky and their contact is in the ledger.
 */
import assert from "node:assert/strict";
import { jsonb } from "../db/json.ts";
import { createCampaign } from "../db/campaigns.ts";
import { inHoldout, inLayerRange } from "../lib/governance/policy.ts";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const HOLDOUT = { percent: 30, salt: "bandit-test", startedAt: "2026-11-01T00:00:00.000Z" };
const LAYER = { key: "sms-main", range: [0, 0.5] as const };

testBothBackends("a bandit answers every governance reason", async (t, { db }) => {
  const now = new Date("2026-12-01T02:00:00Z"); // 10:00 in Beijing
  const { app } = await createTestApp(db, { now: () => now });
  for (const key of ["salary-sms", "card-bandit"]) {
    const campaign = await createCampaign(db, {
      bankId: "CC2",
      name: `${key} 活动`,
      channel: "sms",
      segment: {},
      description: "",
      createdBy: null,
    });
    const id = await makeExperiment(db, {
      key,
      mode: key === "card-bandit" ? "bandit" : "ab",
      variants: [{ name: "对照组", weight: 1 }, { name: "返现", weight: 1 }, {
        name: "积分",
        weight: 1,
      }],
      bankId: "CC2",
    });
    await db.updateTable("experiments").set({ campaign_id: campaign.id }).where("id", "=", id)
      .execute();
  }
  await db.insertInto("layers").values({
    bank_id: "CC2",
    key: LAYER.key,
    name: "短信主层",
    created_by: null,
    created_at: now,
  }).execute();
  await db.updateTable("experiments").set({
    layer_key: LAYER.key,
    layer_lo: LAYER.range[0],
    layer_hi: LAYER.range[1],
    forced: jsonb([{ unit: "QA-001", variant: "积分" }]),
  }).where("key", "=", "card-bandit").execute();
  await db.insertInto("contact_policies").values({
    bank_id: "CC2",
    caps: jsonb([{ channel: "sms", max: 1, windowHours: 168 }]),
    quiet_hours: null,
    holdout: jsonb(HOLDOUT),
    retention_days: null,
    updated_by: null,
    updated_at: now,
  }).execute();

  // Card numbers, each picked for the case it stands for.
  const cards = Array.from({ length: 400 }, (_, i) => String(6222020000000001 + i));
  const open = cards.filter((u) => !inHoldout(HOLDOUT, u));
  const held = cards.find((u) => inHoldout(HOLDOUT, u))!;
  const outside = open.find((u) => !inLayerRange(LAYER, u))!;
  const inside = open.filter((u) => inLayerRange(LAYER, u));
  const [capped, fresh] = inside;

  await t.step("an SMS of another experiment uses the capped customer's one contact", async () => {
    const res = await sdkCall(
      app,
      "GET",
      `/api/v1/experiments/salary-sms/assignment?unit=${capped}`,
    );
    assert.equal(res.body.reason, "assigned");
  });

  await t.step("a send list gets each reason, in the documented order", async () => {
    const res = await sdkCall(app, "POST", "/api/v1/assignments", {
      experiment: "card-bandit",
      units: ["QA-001", held, outside, capped, fresh],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const got = res.body.assignments.map((a: { reason: string; variant: string | null }) => [
      a.reason,
      a.variant,
    ]);
    assert.deepEqual(got.slice(0, 4), [
      ["forced", "积分"],
      ["holdout", null],
      ["layer_excluded", null],
      ["frequency_capped", null],
    ]);
    assert.equal(got[4][0], "assigned");
    assert.ok(["对照组", "返现", "积分"].includes(got[4][1]));
  });

  await t.step("only the assigned customer has a sticky arm and a contact", async () => {
    const experiment = await db.selectFrom("experiments").select("id")
      .where("key", "=", "card-bandit").executeTakeFirstOrThrow();
    const arms = await db.selectFrom("assignments").select("unit")
      .where("experiment_id", "=", experiment.id).execute();
    assert.deepEqual(arms.map((a) => a.unit), [fresh]);
    const contacts = await db.selectFrom("contacts").select("unit")
      .where("experiment_id", "=", experiment.id).execute();
    assert.deepEqual(contacts.map((c) => c.unit), [fresh]);
    // Asking again: the same arm, the same single contact.
    const first = await sdkCall(
      app,
      "GET",
      `/api/v1/experiments/card-bandit/assignment?unit=${fresh}`,
    );
    const again = await sdkCall(
      app,
      "GET",
      `/api/v1/experiments/card-bandit/assignment?unit=${fresh}`,
    );
    assert.equal(first.body.variant, again.body.variant);
    assert.equal(again.body.reason, "assigned");
  });
});
