/**
 * `GET /api/campaigns/:id/lineage` on both backends: the seeded chain against the independent
 * reference values, a chain built through the API and the SDK (decided for a challenger, then
 * for the control), an empty campaign, tenancy, roles and bad input.
 */
import assert from "node:assert/strict";
import { armTotals } from "../db/lineage.ts";
import { variantStats } from "../db/results.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import { normalQuantile } from "../lib/stats/dist.ts";
import { assertClose } from "../lib/stats/_testing.ts";
import { call, createSessionApp, createTestApp, expectJson as json } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { seededLineageCampaignId } from "./helpers/lineage.ts";
import { sdkCall } from "./helpers/sdk.ts";

type App = Awaited<ReturnType<typeof createTestApp>>["app"];

const setUp = createSessionApp;

interface Figures {
  lift: number;
  ci: number[];
}
const reference: {
  expected: {
    steps: { result: Figures | null; compounded: Figures | null }[];
    compounded: Figures;
  };
} = JSON.parse(
  await Deno.readTextFile(new URL("../lib/experiments/testdata/lineage.json", import.meta.url)),
).cases.find((c: { name: string }) => c.name === "two promoted steps and a draft third");

function assertInterval(actual: number[] | null, expected: number[] | null, label: string) {
  assert.ok(actual && expected, `${label}: ${actual} vs ${expected}`);
  expected.forEach((v, i) => assertClose(actual[i], v, { relative: 1e-9, label }));
}

testBothBackends(
  "lineage API: the seeded chain matches the independent reference values",
  async (_t, { db }) => {
    const { app, growth, exec } = await setUp(db);
    const id = await seededLineageCampaignId(db);
    for (const cookie of [growth, exec]) {
      const body = await json(await call(app, cookie, "GET", `/api/campaigns/${id}/lineage`), 200);
      assert.equal(body.campaign.id, id);
      assert.equal(body.confidence, 0.95);
      assert.deepEqual(
        body.steps.map((s: { key: string; status: string; winner: string | null }) => [
          s.key,
          s.status,
          s.winner,
        ]),
        [
          ["wake-push-1", "decided", "personal"],
          ["wake-push-2", "decided", "points"],
          ["wake-push-3", "draft", null],
        ],
      );
      assert.deepEqual(body.steps.map((s: { parentKey: string }) => s.parentKey), [
        null,
        "wake-push-1",
        "wake-push-2",
      ]);
      reference.expected.steps.forEach((expected, i) => {
        const actual = body.steps[i];
        if (expected.result === null || expected.compounded === null) {
          return assert.equal(actual.result, null);
        }
        assertClose(actual.result.lift, expected.result.lift, { relative: 1e-9 });
        assertInterval(actual.result.ci, expected.result.ci, `step ${i + 1} ci`);
        assertClose(actual.compounded.lift, expected.compounded.lift, { relative: 1e-9 });
        assertInterval(actual.compounded.ci, expected.compounded.ci, `step ${i + 1} compounded`);
      });
      assertClose(body.compounded.lift, reference.expected.compounded.lift, { relative: 1e-9 });
      assertInterval(body.compounded.ci, reference.expected.compounded.ci, "compounded");
      assert.deepEqual(body.series.map((p: { iteration: number }) => p.iteration), [0, 1, 2]);
    }
    const ids = (await db.selectFrom("experiments").select("id").where("campaign_id", "=", id)
      .execute()).map((r) => r.id);
    const totals = await armTotals(db, ids);
    for (const experimentId of ids) {
      const stats = await variantStats(db, experimentId);
      assert.deepEqual(
        totals.get(experimentId),
        stats.map((s) => ({ variant: s.variant, users: s.users, conversions: s.conversions })),
        "armTotals() sums daily_stats as variantStats() does",
      );
    }
  },
);

/** Posts exposures for `units` units, and conversions for those `converts(arm, i)` picks. */
async function runIteration(
  app: App,
  cookie: string,
  key: string,
  arms: { name: string; weight: number }[],
  converts: (arm: string, i: number) => boolean,
) {
  await json(await call(app, cookie, "POST", `/api/experiments/${key}/start`, {}), 200);
  const users: Record<string, number> = {}, conversions: Record<string, number> = {};
  const events: unknown[] = [];
  for (let i = 0; i < 1200; i++) {
    const unit = `${key}-u${i}`;
    const arm = assignVariant(key, unit, arms, 2)!;
    users[arm] = (users[arm] ?? 0) + 1;
    events.push({ id: `${key}-x${i}`, type: "exposure", experiment: key, unit });
    if (converts(arm, i)) {
      conversions[arm] = (conversions[arm] ?? 0) + 1;
      events.push({ id: `${key}-c${i}`, type: "conversion", experiment: key, unit });
    }
  }
  const ack = await sdkCall(app, "POST", "/api/v1/events", { events });
  assert.equal(ack.status, 200, JSON.stringify(ack.body));
  assert.equal(ack.body.accepted, events.length);
  await json(await call(app, cookie, "POST", `/api/experiments/${key}/stop`, {}), 200);
  return { users, conversions };
}

testBothBackends(
  "lineage API: a chain made through the API and the SDK, a kept control counting 0",
  async (_t, { db }) => {
    const { app, growth } = await setUp(db);
    const campaign = await json(
      await call(app, growth, "POST", "/api/campaigns", {
        name: "Card activation",
        channel: "sms",
      }),
      201,
    );
    const id = campaign.campaign.id;
    const empty = await json(await call(app, growth, "GET", `/api/campaigns/${id}/lineage`), 200);
    assert.deepEqual(empty.steps, []);
    assert.deepEqual(empty.series, []);
    assert.deepEqual(empty.compounded, {
      decidedSteps: 0,
      lift: null,
      ci: null,
      reasons: ["NO_DECIDED_STEP"],
    });

    const first = [{ name: "control", weight: 1 }, { name: "bonus", weight: 1 }];
    const second = [{ name: "bonus", weight: 1 }, { name: "short", weight: 1 }];
    await json(
      await call(app, growth, "POST", "/api/experiments", {
        key: "act-1",
        name: "act-1",
        campaignId: id,
        variants: first,
      }),
      201,
    );
    const a = await runIteration(
      app,
      growth,
      "act-1",
      first,
      (arm, i) => i % (arm === "bonus" ? 4 : 8) === 0,
    );
    await json(
      await call(app, growth, "POST", "/api/experiments/act-1/decide", { winner: "bonus" }),
      200,
    );
    // Only an iteration promoted from act-1 joins its chain (issue 13 item 5).
    await json(
      await call(app, growth, "POST", "/api/experiments/act-1/promote", { key: "act-2" }),
      201,
    );
    await json(
      await call(app, growth, "PATCH", "/api/experiments/act-2", { variants: second }),
      200,
    );
    await runIteration(
      app,
      growth,
      "act-2",
      second,
      (arm, i) => i % (arm === "short" ? 5 : 4) === 0,
    );
    await json(
      await call(app, growth, "POST", "/api/experiments/act-2/decide", { winner: "bonus" }),
      200,
    );

    const body = await json(await call(app, growth, "GET", `/api/campaigns/${id}/lineage`), 200);
    assert.deepEqual(body.steps.map((s: { iteration: number }) => s.iteration), [1, 2]);
    const [one, two] = body.steps;
    const p0 = a.conversions.control / a.users.control, p1 = a.conversions.bonus / a.users.bonus;
    assert.equal(one.users, 1200);
    assertClose(one.result.controlRate, p0, { relative: 1e-12 });
    assertClose(one.result.winnerRate, p1, { relative: 1e-12 });
    assertClose(one.result.lift, p1 / p0 - 1, { relative: 1e-12 });
    // The log-ratio interval: exp(ln(p1/p0) ± z·√((1 − p1)/(n1·p1) + (1 − p0)/(n0·p0))) − 1.
    const se = Math.sqrt(
      (1 - p1) / (a.users.bonus * p1) + (1 - p0) / (a.users.control * p0),
    );
    const z = normalQuantile(0.975);
    const log = Math.log(p1 / p0);
    assertInterval(
      one.result.ci,
      [Math.exp(log - z * se) - 1, Math.exp(log + z * se) - 1],
      "step 1 ci",
    );
    assert.equal(one.result.outcome, "promoted");
    assert.deepEqual(
      [two.result.outcome, two.result.lift, two.result.ci, two.winner],
      ["kept_control", 0, null, "bonus"],
    );
    assert.deepEqual(
      two.compounded,
      { ...one.compounded, decidedSteps: 2 },
      "a kept control adds 0",
    );
    assert.deepEqual(body.compounded, two.compounded);
    assertClose(body.compounded.lift, p1 / p0 - 1, { relative: 1e-12 });
    assertInterval(
      body.compounded.ci,
      [Math.exp(log - z * se) - 1, Math.exp(log + z * se) - 1],
      "compounded: one step's own interval",
    );
    assert.deepEqual(body.series.map((p: { iteration: number }) => p.iteration), [0, 1, 2]);
  },
);

testBothBackends("lineage API: tenancy, roles and bad input", async (_t, { db }) => {
  const { app, growth, consultant, other } = await setUp(db);
  const id = await seededLineageCampaignId(db);
  const path = `/api/campaigns/${id}/lineage`;
  assert.equal((await json(await call(app, other, "GET", path), 404)).error.code, "NOT_FOUND");
  const anonymous = await app.request(path);
  assert.equal((await json(anonymous, 401)).error.code, "UNAUTHORIZED");
  assert.equal((await json(await call(app, consultant, "GET", path), 403)).error.code, "FORBIDDEN");
  for (
    const bad of [
      "not-a-uuid",
      "00000000-0000-4000-8000-000000000000",
      `${id}x`,
      "%27%20or%201%3D1--",
      "a".repeat(300),
    ]
  ) {
    const res = await call(app, growth, "GET", `/api/campaigns/${bad}/lineage`);
    assert.equal((await json(res, 404)).error.code, "NOT_FOUND", bad);
  }
  const post = await call(app, growth, "POST", path, {});
  assert.ok([404, 405].includes(post.status), `POST lineage: ${post.status}`);
  assert.match(post.headers.get("content-type") ?? "", /application\/json/);
  await post.body?.cancel();
});
