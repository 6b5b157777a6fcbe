/**
 * db/metric_values.ts on both backends, on rows written directly: window bounds (an event at the
 * first exposure counts, one at its end does not), events before the exposure, absolute caps,
 * opt-outs of all channels or the campaign's channel only (another channel's do not count), and
 * a bandit's proportion counted per allocation period.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { computeMetricValues } from "../db/metric_values.ts";
import { builtinMetric, type MetricDefinition } from "../lib/metrics/definition.ts";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment } from "./helpers/sdk.ts";

const H = 3600_000;
const T0 = new Date("2026-10-01T00:00:00Z").getTime();
const at = (hours: number) => new Date(T0 + hours * H);

function metric(over: Partial<MetricDefinition>): MetricDefinition {
  return {
    key: "m",
    version: 1,
    builtin: false,
    source: "track",
    name: { "zh-CN": "指标", en: "metric" },
    kind: "proportion",
    direction: "higher_is_better",
    windowHours: 24,
    event: "card_bound",
    ...over,
  } as MetricDefinition;
}

testBothBackends(
  "metric values: windows, caps, opt-out channels, bandit periods",
  async (t, { db }) => {
    await createTestApp(db);
    const campaign = await db.insertInto("campaigns").values({
      bank_id: "CC2",
      name: "短信活动",
      channel: "sms",
      segment: {},
    }).returning("id").executeTakeFirstOrThrow();
    const id = await makeExperiment(db, {
      key: "mv-bandit",
      mode: "bandit",
      variants: [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }],
    });
    await db.updateTable("experiments").set({ campaign_id: campaign.id }).where("id", "=", id)
      .execute();
    const [a1] = (await sql<{ id: string }>`insert into allocations
      (experiment_id, bank_id, computed_at, seed, inputs, probability_best, weights)
    values (${id}, 'CC2', ${at(-1)}, '1', '{}'::jsonb, '[0.5, 0.5]'::jsonb, '[0.2, 0.8]'::jsonb)
    returning cast(id as text) as id`.execute(db)).rows;
    // Customers C100000001..C100000008: arm, allocation (null: before the first reweighting).
    const customers: [string, string, string | null][] = [
      ["C100000001", "control", null],
      ["C100000002", "coupon", null],
      ["C100000003", "control", null],
      ["C100000004", "coupon", null],
      ["C100000005", "control", a1.id],
      ["C100000006", "coupon", a1.id],
      ["C100000007", "coupon", a1.id],
      ["C100000008", "coupon", a1.id],
    ];
    for (const [unit, variant, allocation] of customers) {
      await sql`insert into assignments (experiment_id, bank_id, unit, variant, allocation_id)
      values (${id}, 'CC2', ${unit}, ${variant}, ${
        allocation === null ? null : Number(allocation)
      })`
        .execute(db);
      await db.insertInto("unit_outcomes").values({
        experiment_id: id,
        bank_id: "CC2",
        unit,
        variant,
        first_exposure_at: at(0),
      }).execute();
    }
    const track = (n: number, unit: string, event: string, hours: number, value: number | null) =>
      db.insertInto("track_events").values({
        bank_id: "CC2",
        event_id: `t${n}`,
        event,
        unit,
        value,
        occurred_at: at(hours),
      }).execute();
    await track(1, "C100000001", "card_bound", 0, null); // at the exposure: counts
    await track(2, "C100000002", "card_bound", 24, null); // at the window's end: does not
    await track(3, "C100000003", "card_bound", -1, null); // before the exposure: does not
    await track(4, "C100000006", "card_bound", 5, null);
    await track(5, "C100000007", "card_bound", 23.9, null);
    await track(6, "C100000001", "deposit", 1, 500);
    await track(7, "C100000001", "deposit", 2, 900); // 1400 capped at 1000
    await track(8, "C100000002", "deposit", 3, -200); // a withdrawal: below the cap, kept
    await track(9, "C100000004", "deposit", 4, null); // no amount: counts 0
    const optOut = (unit: string, channel: string, hours: number) =>
      db.insertInto("opt_outs").values({ bank_id: "CC2", unit, channel, created_at: at(hours) })
        .execute();
    await optOut("C100000001", "*", 2); // counts
    await optOut("C100000002", "sms", 3); // the campaign's channel: counts
    await optOut("C100000003", "app", 3); // another channel: does not
    await optOut("C100000004", "*", -5); // before the exposure: does not

    const q = (definition: MetricDefinition, allocationIds: string[] | null = null) =>
      computeMetricValues(db, {
        bankId: "CC2",
        experimentId: id,
        variants: ["control", "coupon"],
        definition,
        end: at(1000),
        allocationIds,
        now: at(1000),
      });

    await t.step(
      "a proportion counts [t0, t0 + window) and nothing before the exposure",
      async () => {
        const s = await q(metric({}));
        assert.deepEqual(s.arms.map((a) => [a.units, a.sum]), [[3, 1], [5, 2]]);
        assert.equal(s.periods, null);
      },
    );

    await t.step("a bandit's proportion is counted per allocation period", async () => {
      const s = await q(metric({}), [a1.id]);
      assert.deepEqual(s.periods, [
        { users: [2, 2], conversions: [1, 0] },
        { users: [1, 3], conversions: [0, 2] },
      ]);
    });

    await t.step("a mean of sums with an absolute cap", async () => {
      const s = await q(metric({
        kind: "mean",
        event: "deposit",
        aggregate: "sum",
        cap: { type: "absolute", value: 1000 },
      }));
      assert.equal(s.capValue, 1000);
      assert.deepEqual(s.arms.map((a) => [a.units, a.sum, a.sumSquares]), [
        [3, 1000, 1000 ** 2],
        [5, -200, 200 ** 2],
      ]);
    });

    await t.step("a ratio of deposit amounts per deposit", async () => {
      const s = await q(metric({
        kind: "ratio",
        event: undefined,
        numerator: { event: "deposit", aggregate: "sum" },
        denominator: { event: "deposit", aggregate: "count" },
      }));
      assert.deepEqual(
        s.arms.map((a) => [a.sum, a.denominatorSum, a.crossSum]),
        [[1400, 2, 2800], [-200, 2, -200]],
      );
    });

    await t.step("a ratio of deposit amounts per depositing customer", async () => {
      const s = await q(metric({
        kind: "ratio",
        event: undefined,
        numerator: { event: "deposit", aggregate: "sum" },
        denominator: { event: "deposit", aggregate: "customers" },
      }));
      // control: C100000001 deposited twice (1400, one customer); coupon: C100000002 (-200) and
      // C100000004 (no amount) are two depositing customers.
      assert.deepEqual(
        s.arms.map((a) => [a.sum, a.denominatorSum, a.denominatorSumSquares, a.crossSum]),
        [[1400, 1, 1, 1400], [-200, 2, 2, -200]],
      );
    });

    await t.step("opt-outs of all channels or the campaign's, within the window", async () => {
      const s = await q(builtinMetric("opt_out")!);
      assert.deepEqual(s.arms.map((a) => [a.units, a.sum]), [[3, 1], [5, 1]]);
    });
  },
);
