/**
 * The incremental metric refresh (db/metric_unit_values.ts) on both backends: an experiment with
 * a proportion with and without a window, means with an absolute and a percentile cap, a count
 * without a window, two ratios and the built-in opt-out metric is built once, then gets new
 * customers, events in and outside windows, late events with old times, an event whose future
 * time the moving end reaches, an earlier exposure, opt-outs of several channels and an erasure;
 * each round's per-arm statistics must equal a full recomputation from the events
 * (db/metric_values.ts `computeMetricValues`): counts exactly, sums within 1e-9 relative. A new
 * definition version is built from scratch and drops the old version's rows.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { refreshSnapshots, type SnapshotExperiment } from "../db/metric_snapshots.ts";
import { computeMetricValues } from "../db/metric_values.ts";
import type { RoundReport } from "../db/metric_unit_values.ts";
import type { MetricStats } from "../lib/metrics/analysis.ts";
import { builtinMetric, type MetricDefinition } from "../lib/metrics/definition.ts";
import { assertClose } from "../lib/stats/_testing.ts";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment, sdkCall } from "./helpers/sdk.ts";

const H = 3600_000;
const REAL_NOW = Date.now();
const T0 = REAL_NOW - 40 * 24 * H;
const at = (hours: number) => new Date(T0 + hours * H);
const unitOf = (n: number) => `C1${String(n).padStart(8, "0")}`;

function metric(over: Partial<MetricDefinition>): MetricDefinition {
  return {
    key: "m",
    version: 1,
    builtin: false,
    source: "track",
    name: { "zh-CN": "指标", en: "metric" },
    kind: "proportion",
    direction: "higher_is_better",
    windowHours: 168,
    event: "card_bound",
    ...over,
  } as MetricDefinition;
}

const DEFINITIONS: MetricDefinition[] = [
  metric({ key: "card_7d" }),
  metric({ key: "card_any", windowHours: null }),
  metric({
    key: "deposit_abs",
    kind: "mean",
    event: "deposit",
    aggregate: "sum",
    windowHours: 240,
    cap: { type: "absolute", value: 5000 },
  }),
  metric({
    key: "deposit_p90",
    kind: "mean",
    event: "deposit",
    aggregate: "sum",
    windowHours: 240,
    cap: { type: "percentile", value: 0.9 },
  }),
  metric({ key: "logins", kind: "mean", event: "login", aggregate: "count", windowHours: null }),
  metric({
    key: "per_deposit",
    kind: "ratio",
    event: undefined,
    windowHours: 240,
    numerator: { event: "deposit", aggregate: "sum" },
    denominator: { event: "deposit", aggregate: "count" },
  }),
  metric({
    key: "deposit_per_login",
    kind: "ratio",
    event: undefined,
    windowHours: null,
    numerator: { event: "deposit", aggregate: "sum" },
    denominator: { event: "login", aggregate: "customers" },
  }),
  builtinMetric("opt_out")!,
];

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sameStats(actual: MetricStats, expected: MetricStats, label: string) {
  assert.equal(actual.arms.length, expected.arms.length, label);
  actual.arms.forEach((a, i) => {
    const e = expected.arms[i];
    assert.equal(a.variant, e.variant, label);
    assert.equal(a.units, e.units, `${label} ${a.variant} units`);
    for (
      const k of [
        "sum",
        "sumSquares",
        "denominatorSum",
        "denominatorSumSquares",
        "crossSum",
      ] as const
    ) {
      if (e[k] === undefined) assert.equal(a[k], undefined, `${label} ${k}`);
      else {
        assertClose(a[k]!, e[k]!, {
          relative: 1e-9,
          absolute: 1e-9,
          label: `${label} ${a.variant} ${k}`,
        });
      }
    }
  });
  if (expected.capValue === null) assert.equal(actual.capValue, null, `${label} cap`);
  else assertClose(actual.capValue, expected.capValue, { relative: 1e-9, label: `${label} cap` });
  assert.deepEqual(actual.periods ?? null, expected.periods ?? null, `${label} periods`);
}

testBothBackends(
  "incremental metric refresh equals a full recomputation",
  async (t, { db }) => {
    const { app } = await createTestApp(db);
    const campaign = await db.insertInto("campaigns").values({
      bank_id: "CC2",
      name: "绑卡短信",
      channel: "sms",
      segment: {},
    }).returning("id").executeTakeFirstOrThrow();
    const id = await makeExperiment(db, {
      key: "incremental-ab",
      variants: [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }],
      startedAt: at(-24),
    });
    await db.updateTable("experiments").set({ campaign_id: campaign.id }).where("id", "=", id)
      .execute();
    const experiment: SnapshotExperiment = {
      id,
      bankId: "CC2",
      mode: "ab",
      stoppedAt: null,
      variants: ["control", "coupon"],
      allocationIds: null,
    };
    const rnd = random(16);
    let eventNo = 0;

    const expose = async (n: number, hours: number) => {
      const unit = unitOf(n);
      const variant = n % 2 ? "control" : "coupon";
      await sql`insert into events (bank_id, event_id, experiment_id, unit, type, occurred_at)
        values ('CC2', ${`x-${n}-${eventNo++}`}, ${id}, ${unit}, 'exposure', ${at(hours)})`
        .execute(db);
      await sql`insert into unit_outcomes (experiment_id, bank_id, unit, variant,
          first_exposure_at)
        values (${id}, 'CC2', ${unit}, ${variant}, ${at(hours)})
        on conflict (experiment_id, unit) do update
          set first_exposure_at = least(unit_outcomes.first_exposure_at,
            excluded.first_exposure_at)`.execute(db);
    };
    const track = (n: number, event: string, hours: number, value: number | null = null) =>
      db.insertInto("track_events").values({
        bank_id: "CC2",
        event_id: `t-${eventNo++}`,
        event,
        unit: unitOf(n),
        value,
        occurred_at: at(hours),
      }).execute();
    const optOut = (n: number, channel: string, created: Date) =>
      db.insertInto("opt_outs").values({
        bank_id: "CC2",
        unit: unitOf(n),
        channel,
        created_at: created,
      }).onConflict((oc) => oc.doNothing()).execute();
    /** A customer's traffic around their exposure at `t0` hours. */
    const traffic = async (n: number, t0: number) => {
      if (rnd() < 0.4) await track(n, "card_bound", t0 + rnd() * 300 - 20);
      const deposits = Math.floor(rnd() * 4);
      for (let k = 0; k < deposits; k++) {
        const big = rnd() < 0.1 ? 20 : 1;
        await track(n, "deposit", t0 + rnd() * 300 - 20, Math.round(rnd() * 2000 * big) / 100);
      }
      const logins = Math.floor(rnd() * 3);
      for (let k = 0; k < logins; k++) await track(n, "login", t0 + rnd() * 400);
    };

    const reports: RoundReport[] = [];
    const refresh = async (now: Date, definitions = DEFINITIONS) => {
      reports.length = 0;
      const done = await refreshSnapshots(db, experiment, definitions, {
        now: () => now,
        report: (r) => reports.push(r),
      });
      assert.equal(done, true);
    };
    const compare = async (now: Date, label: string, definitions = DEFINITIONS) => {
      const snapshots = await sql<{ metric_key: string; version: number; stats: unknown }>`
        select metric_key, version, stats from metric_snapshots where experiment_id = ${id}`
        .execute(db);
      for (const d of definitions) {
        const row = snapshots.rows.find((r) => r.metric_key === d.key && r.version === d.version);
        assert.ok(row, `${label}: snapshot of ${d.key}`);
        const stored: MetricStats = typeof row.stats === "string"
          ? JSON.parse(row.stats)
          : row.stats as MetricStats;
        const full = await computeMetricValues(db, {
          bankId: "CC2",
          experimentId: id,
          variants: experiment.variants,
          definition: d,
          end: experiment.stoppedAt ?? now,
          allocationIds: null,
          now,
        });
        sameStats(stored, full, `${label}: ${d.key}`);
        const counted = await sql<{ n: string }>`select count(*) as n from metric_unit_values
          where experiment_id = ${id} and metric_key = ${d.key} and version = ${d.version}`
          .execute(db);
        assert.equal(Number(counted.rows[0].n), full.arms.reduce((s, a) => s + a.units, 0));
      }
    };

    // 120 customers exposed an hour apart; the customers' events; opt-outs of all channels, the
    // campaign's (sms) and another (app).
    for (let n = 1; n <= 120; n++) {
      await expose(n, n);
      await traffic(n, n);
    }
    for (let n = 3; n <= 120; n += 9) {
      await optOut(n, n % 2 ? "*" : "sms", at(n + 50));
    }
    await optOut(5, "app", at(60));
    // An event whose time is still in the future: no metric counts it yet.
    await track(7, "login", (REAL_NOW + 4 * H - T0) / H);
    await track(7, "deposit", (REAL_NOW + 4 * H - T0) / H, 77);
    // All of it received two hours ago (else the watermark's margin reads it all again).
    await sql`update track_events set received_at = received_at - interval '2 hours'`.execute(db);
    await sql`update events set received_at = received_at - interval '2 hours'`.execute(db);

    const now1 = new Date(REAL_NOW);
    await t.step("the first round builds every customer's values", async () => {
      await refresh(now1);
      assert.deepEqual(reports.map((r) => r.full), DEFINITIONS.map(() => true));
      assert.deepEqual(reports.map((r) => r.customers), DEFINITIONS.map(() => 120));
      await compare(now1, "build");
    });

    const now2 = new Date(REAL_NOW + 3 * H);
    await t.step("new customers, late events, opt-outs and an erasure", async () => {
      // New customers with their events.
      for (let n = 121; n <= 130; n++) {
        await expose(n, 400 + n);
        await traffic(n, 400 + n);
      }
      // Late events with old times: inside the windows, outside them, before the exposure.
      await track(10, "card_bound", 10 + 5); // in card_7d's window
      await track(11, "card_bound", 11 + 200); // after card_7d's window; counts in card_any
      await track(12, "deposit", 12 + 100, 99_999); // over both caps
      await track(13, "deposit", 13 + 500, 40); // after the 240 h window
      await track(14, "login", 14 - 3); // before the exposure: never counts
      await track(15, "deposit", 15 + 1, null); // no amount: a deposit worth 0
      // An earlier exposure of customer 20 moves their windows back by 100 hours.
      await expose(20, 20 - 100);
      await track(20, "card_bound", 20 - 50);
      // Opt-outs, recorded now (as POST /api/v1/opt-outs records them): all channels, the
      // campaign's, another channel's (does not count), a new customer's.
      await optOut(30, "*", new Date());
      await optOut(31, "sms", new Date());
      await optOut(32, "app", new Date());
      await optOut(125, "*", new Date());
      // Customer 40 is erased (DELETE /api/v1/customers/:unit): their rows take the token.
      await track(40, "deposit", 40 + 2, 1234.5);
      const erased = await sdkCall(app, "DELETE", `/api/v1/customers/${unitOf(40)}`);
      assert.equal(erased.status, 200, JSON.stringify(erased.body));

      await refresh(now2);
      assert.deepEqual(reports.map((r) => r.full), DEFINITIONS.map(() => false));
      for (const r of reports) assert.ok(r.customers < 40, JSON.stringify(reports));
      await compare(now2, "incremental");
      const left = await sql<{ n: string }>`select count(*) as n from metric_unit_values
        where unit = ${unitOf(40)}`.execute(db);
      assert.equal(Number(left.rows[0].n), 0, "the erased id is gone");
      const token = await sql<{ n: string }>`select count(*) as n from metric_unit_values
        where experiment_id = ${id} and unit like 'erased:%'`.execute(db);
      assert.equal(Number(token.rows[0].n), DEFINITIONS.length, "the token stands in for it");
    });

    await t.step("the moving end reaches the event with a future time", async () => {
      const now3 = new Date(REAL_NOW + 5 * H);
      const before = await computeMetricValues(db, {
        bankId: "CC2",
        experimentId: id,
        variants: experiment.variants,
        definition: DEFINITIONS[4],
        end: now2,
        allocationIds: null,
        now: now2,
      });
      await refresh(now3);
      await compare(now3, "end moved");
      const after = await computeMetricValues(db, {
        bankId: "CC2",
        experimentId: id,
        variants: experiment.variants,
        definition: DEFINITIONS[4],
        end: now3,
        allocationIds: null,
        now: now3,
      });
      assert.equal(after.arms[0].sum, before.arms[0].sum + 1, "the future login now counts");
    });

    await t.step("a stopped experiment's windows end at its stop", async () => {
      experiment.stoppedAt = new Date(REAL_NOW - 100 * H);
      const now4 = new Date(REAL_NOW + 6 * H);
      await refresh(now4);
      assert.ok(reports.every((r) => !r.full));
      await compare(now4, "stopped");
      experiment.stoppedAt = null;
    });

    await t.step("a new definition version is built from scratch", async () => {
      const now5 = new Date(REAL_NOW + 7 * H);
      const next = DEFINITIONS.map((d) =>
        d.key === "deposit_p90" ? { ...d, version: 2, cap: { type: "percentile", value: 0.5 } } : d
      ) as MetricDefinition[];
      await refresh(now5, next);
      assert.deepEqual(reports.map((r) => r.full), next.map((d) => d.version === 2));
      await compare(now5, "new version", next);
      const old = await sql<{ n: string }>`select count(*) as n from metric_unit_values
        where experiment_id = ${id} and metric_key = 'deposit_p90' and version = 1`.execute(db);
      assert.equal(Number(old.rows[0].n), 0, "the old version's rows are gone");
    });
  },
);
