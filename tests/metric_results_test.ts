/**
 * The metric library end to end (issue 16), on both backends, through the SDK and session APIs:
 * metric definitions (POST /api/metrics), an experiment reading a proportion primary, a capped
 * mean and a ratio secondary and the built-in opt-out guardrail, exposures and `track` events
 * (POST /api/v1/events) and opt-outs (POST /api/v1/opt-outs), then the results.
 *
 * The traffic is lib/metrics/testdata/e2e.json (tools/gen_metric_fixtures.py): the challenger
 * wins the primary metric but raises opt-outs; some events fall before the exposure or after
 * their window. Checked:
 * - each metric's per-arm numbers equal a recount here from the raw rows in the database;
 * - the statistics equal the fixture's independent implementation (scipy);
 * - the recommendation refuses to ship with GUARDRAIL_WORSE;
 * - metrics defined after the events arrived give the same numbers as those defined before;
 * - a snapshot is reused while fresh, and a new event shows after it is refreshed.
 */
import assert from "node:assert/strict";
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.ts";
import { refreshSnapshots } from "../db/metric_snapshots.ts";
import { metricsByKeys } from "../db/metrics.ts";
import { assignVariant } from "../lib/experiments/assignment.ts";
import type { MetricResult } from "../lib/metrics/analysis.ts";
import { assertClose } from "../lib/stats/_testing.ts";
import { csvCell } from "../lib/csv_write.ts";
import { XLSX_TYPE } from "../lib/xlsx.ts";
import { call, createSessionApp, expectJson as json } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { sdkCall } from "./helpers/sdk.ts";

interface Profile {
  card: number[];
  deposits: [number, number][];
  optOut: boolean;
}

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("../lib/metrics/testdata/e2e.json", import.meta.url)),
) as {
  config: { arms: string[]; perArm: number; cap: { type: "percentile"; value: number } };
  profiles: Profile[][];
  capValue: number;
  // deno-lint-ignore no-explicit-any
  expected: any[];
};

const KEY = "coupon-card-bind";
const ARMS = [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }];
const HOUR = 3600_000;

const DEFINITIONS = [
  {
    key: "card_bound_7d",
    name: { "zh-CN": "7日绑卡率", en: "Card bound within 7 days" },
    kind: "proportion",
    event: "card_bound",
    windowHours: 168,
    direction: "higher_is_better",
  },
  {
    key: "deposit_30d",
    name: { "zh-CN": "30日人均存款", en: "Deposits per customer, 30 days" },
    kind: "mean",
    event: "deposit",
    aggregate: "sum",
    cap: fixture.config.cap,
    windowHours: 720,
    direction: "higher_is_better",
  },
  {
    key: "amount_per_deposit",
    name: { "zh-CN": "笔均存款", en: "Amount per deposit" },
    kind: "ratio",
    numerator: { event: "deposit", aggregate: "sum" },
    denominator: { event: "deposit", aggregate: "count" },
    windowHours: 720,
    direction: "higher_is_better",
  },
];

const METRICS = {
  primary: "card_bound_7d",
  secondary: ["deposit_30d", "amount_per_deposit"],
  guardrails: ["opt_out"],
};

/** Units "C100000001", … assigned to the arms as the server will, filling each arm's profiles. */
function plan(): { unit: string; arm: number; profile: Profile }[] {
  const next = [0, 0];
  const out: { unit: string; arm: number; profile: Profile }[] = [];
  for (let i = 1; next.some((n, a) => n < fixture.profiles[a].length); i++) {
    const unit = `C1${String(i).padStart(8, "0")}`;
    const arm = ARMS.findIndex((a) => a.name === assignVariant(KEY, unit, ARMS, 2));
    if (next[arm] >= fixture.profiles[arm].length) continue;
    out.push({ unit, arm, profile: fixture.profiles[arm][next[arm]++] });
  }
  return out;
}

/** Per customer x (and y) recounted from the rows in the database, by the definitions' rules. */
async function recount(db: Kysely<Database>, id: string) {
  const exposed = (await sql<{ unit: string; variant: string; t0: Date }>`
    select unit, variant, first_exposure_at as t0 from unit_outcomes where experiment_id = ${id}`
    .execute(db)).rows;
  const events = (await sql<{ unit: string; event: string; value: number | null; at: Date }>`
    select unit, event, value, occurred_at as at from track_events where bank_id = 'CC2'`
    .execute(db)).rows;
  const optOuts = (await sql<{ unit: string; at: Date }>`
    select unit, created_at as at from opt_outs where bank_id = 'CC2' and channel = '*'`
    .execute(db)).rows;
  const byUnit = new Map<string, typeof events>();
  for (const e of events) byUnit.set(e.unit, [...(byUnit.get(e.unit) ?? []), e]);
  const optedOut = new Map(optOuts.map((o) => [o.unit, new Date(o.at).getTime()]));
  return exposed.map((u) => {
    const t0 = new Date(u.t0).getTime();
    const within = (name: string, hours: number) =>
      (byUnit.get(u.unit) ?? []).filter((e) => {
        const t = new Date(e.at).getTime();
        return e.event === name && t >= t0 && t < t0 + hours * HOUR;
      });
    const deposits = within("deposit", 720);
    const o = optedOut.get(u.unit);
    return {
      arm: u.variant,
      card: within("card_bound", 168).length > 0 ? 1 : 0,
      deposit: deposits.reduce((s, e) => s + (e.value ?? 0), 0),
      count: deposits.length,
      optOut: o !== undefined && o >= t0 ? 1 : 0,
    };
  });
}

function quantileLinear(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)]) - s[lo]);
}

const near = (label: string) => ({ relative: 1e-9, absolute: 1e-9, label });

function checkAgainstFixture(m: MetricResult, expected: (typeof fixture.expected)[number]) {
  assert.equal(m.key.replace(/_late$/, ""), expected.key);
  expected.variants.forEach((ev: Record<string, number>, i: number) => {
    const av = m.variants[i] as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(ev)) {
      assertClose(av[k], v, { relative: 1e-9, absolute: 1e-9, label: `${m.key} ${k}` });
    }
  });
  expected.comparisons.forEach((ec: Record<string, unknown>, i: number) => {
    const ac = m.comparisons[i] as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(ec)) {
      const label = `${m.key}.${k}`;
      if (typeof v === "boolean") assert.equal(ac[k], v, label);
      else if (Array.isArray(v)) {
        const a = ac[k] as number[];
        assertClose(a[0], v[0], { relative: 1e-7, label });
        assertClose(a[1], v[1], { relative: 1e-7, label });
      } else {
        assertClose(ac[k] as number | null, v as number | null, { relative: 1e-7, label });
      }
    }
  });
}

testBothBackends(
  "metric library end to end: per-arm numbers, statistics, guardrail refusal, late metrics",
  async (t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    const now = Date.now();
    const exposedAt = now - 40 * 24 * HOUR;

    await t.step("definitions and the experiment through the session API", async () => {
      for (const d of DEFINITIONS) {
        await json(await call(app, growth, "POST", "/api/metrics", d), 201);
      }
      const created = await json(
        await call(app, growth, "POST", "/api/experiments", {
          key: KEY,
          name: "绑卡券短信",
          variants: ARMS.map((a) => ({ ...a, description: a.name })),
          metrics: METRICS,
        }),
        201,
      );
      assert.deepEqual(created.experiment.metrics, METRICS);
      await json(await call(app, growth, "POST", `/api/experiments/${KEY}/start`), 200);
      // Back-date the start so events may carry earlier times (as tests/helpers/sdk.ts does).
      await db.updateTable("experiments").set({ started_at: new Date(exposedAt - 24 * HOUR) })
        .where("key", "=", KEY).execute();
    });

    const units = plan();
    await t.step("exposures, track events and opt-outs through the SDK API", async () => {
      const events: unknown[] = [];
      units.forEach(({ unit, profile }, i) => {
        const t0 = exposedAt + i * 1000;
        const at = (hours: number) => new Date(t0 + hours * HOUR).toISOString();
        events.push({ id: `x-${unit}`, type: "exposure", experiment: KEY, unit, at: at(0) });
        profile.card.forEach((h, k) =>
          events.push({
            id: `cb-${unit}-${k}`,
            type: "track",
            event: "card_bound",
            unit,
            at: at(h),
          })
        );
        profile.deposits.forEach(([h, v], k) =>
          events.push({
            id: `dp-${unit}-${k}`,
            type: "track",
            event: "deposit",
            unit,
            value: v,
            at: at(h),
          })
        );
      });
      let accepted = 0;
      for (let i = 0; i < events.length; i += 5000) {
        const sent = await sdkCall(app, "POST", "/api/v1/events", {
          events: events.slice(i, i + 5000),
        });
        assert.equal(sent.status, 200, JSON.stringify(sent.body).slice(0, 500));
        assert.deepEqual(sent.body.rejected, []);
        accepted += sent.body.accepted;
      }
      assert.equal(accepted, events.length);
      const out = units.filter((u) => u.profile.optOut).map((u) => u.unit);
      const opted = await sdkCall(app, "POST", "/api/v1/opt-outs", { units: out });
      assert.equal(opted.status, 200, JSON.stringify(opted.body));
      assert.equal(opted.body.inserted, out.length);
    });

    let results: MetricResult[] = [];
    // deno-lint-ignore no-explicit-any
    let body: any;
    await t.step("results list the metrics by role, primary first", async () => {
      body = await json(await call(app, growth, "GET", `/api/experiments/${KEY}/results`), 200);
      results = body.metrics;
      assert.deepEqual(
        results.map((m) => [m.key, m.role, m.correction]),
        [
          ["card_bound_7d", "primary", "holm"],
          ["deposit_30d", "secondary", "bh"],
          ["amount_per_deposit", "secondary", "bh"],
          ["opt_out", "guardrail", "holm"],
        ],
      );
      assert.deepEqual(results.map((m) => m.version), [1, 1, 1, 1]);
    });

    await t.step("per-arm numbers equal a recount from the raw rows", async () => {
      const id = (await db.selectFrom("experiments").select("id").where("key", "=", KEY)
        .executeTakeFirstOrThrow()).id;
      const rows = await recount(db, id);
      assert.equal(rows.length, units.length);
      const cap = quantileLinear(rows.map((r) => r.deposit), fixture.config.cap.value);
      assertClose(results[1].capValue, cap, near("cap"));
      assertClose(results[1].capValue, fixture.capValue, near("cap vs fixture"));
      ARMS.forEach(({ name }, i) => {
        const arm = rows.filter((r) => r.arm === name);
        const [card, deposit, ratio, opt] = results.map((m) => m.variants[i]);
        assert.equal(card.units, arm.length);
        assert.equal(card.count, arm.reduce((s, r) => s + r.card, 0));
        assertClose(card.mean, card.count! / arm.length, near("rate"));
        assertClose(
          deposit.sum,
          arm.reduce((s, r) => s + Math.min(r.deposit, cap), 0),
          near("capped deposits"),
        );
        assertClose(ratio.numerator, arm.reduce((s, r) => s + r.deposit, 0), near("Σ amount"));
        assert.equal(ratio.denominator, arm.reduce((s, r) => s + r.count, 0));
        assert.equal(opt.count, arm.reduce((s, r) => s + r.optOut, 0));
      });
    });

    await t.step("statistics equal the fixture's scipy implementation", () => {
      results.forEach((m, i) => checkAgainstFixture(m, fixture.expected[i]));
    });

    await t.step("the challenger wins the primary but breaches opt-outs: no ship", () => {
      assert.equal(results[0].comparisons[0].better, true);
      assert.equal(results[3].breached, true);
      assert.equal(results[3].comparisons[0].worse, true);
      assert.notEqual(body.recommendation.action, "ship");
      assert.ok(
        body.recommendation.reasons.includes("GUARDRAIL_WORSE"),
        JSON.stringify(body.recommendation),
      );
    });

    await t.step("the CSV has a row per metric and arm", async () => {
      const res = await call(app, growth, "GET", `/api/experiments/${KEY}/results.csv`);
      assert.equal(res.status, 200);
      const text = await res.text();
      for (const m of METRICS.secondary) assert.ok(text.includes(`\r\n${m},secondary,`), m);
      assert.ok(text.includes("\r\nopt_out,guardrail,"));
    });

    await t.step("the workbook carries the CSV's rows, numbers as numbers", async () => {
      const csv = await (await call(app, growth, "GET", `/api/experiments/${KEY}/results.csv`))
        .text();
      const res = await call(app, growth, "GET", `/api/experiments/${KEY}/results.xlsx`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), XLSX_TYPE);
      assert.match(res.headers.get("content-disposition") ?? "", /results\.xlsx"$/);
      const { Workbook } = (await import("exceljs")).default;
      const book = new Workbook();
      await book.xlsx.load(await res.arrayBuffer());
      assert.deepEqual(book.worksheets.map((w) => w.name), ["results", "metrics"]);
      // Each sheet's cells, as CSV text, are the CSV's block line for line.
      const asCsv = (name: string) => {
        const lines: string[] = [];
        book.getWorksheet(name)!.eachRow((row) => {
          const cells = (row.values as unknown[]).slice(1);
          const width = name === "results" ? 20 : 29;
          lines.push(
            Array.from({ length: width }, (_, i) => cells[i])
              .map((v) => csvCell(v as string | number | boolean | null | undefined)).join(","),
          );
        });
        return lines.join("\r\n");
      };
      const [variants, metrics] = csv.replace(/^\uFEFF/, "").trim().split("\r\n\r\n");
      assert.equal(asCsv("results"), variants);
      assert.equal(asCsv("metrics"), metrics);
      const units = book.getWorksheet("metrics")!.getRow(2).getCell(7).value;
      assert.equal(typeof units, "number", "units are a number cell");
      const anonymous = await app.request(`/api/experiments/${KEY}/results.xlsx`);
      assert.equal(anonymous.status, 401);
      await anonymous.body?.cancel();
      const unknown = await call(app, growth, "GET", "/api/experiments/no-such-key/results.xlsx");
      assert.equal(unknown.status, 404);
      assert.equal((await json(unknown, 404)).error.code, "NOT_FOUND");
    });

    await t.step("metrics defined after the events arrived give the same numbers", async () => {
      // A running experiment's metrics cannot be edited through the API (drafts only): the roles
      // are stored directly, as a later "add a metric to a decided experiment" would.
      for (const d of DEFINITIONS.slice(0, 2)) {
        await json(
          await call(app, growth, "POST", "/api/metrics", { ...d, key: `${d.key}_late` }),
          201,
        );
      }
      await db.updateTable("experiments").set({
        metrics: {
          ...METRICS,
          secondary: [...METRICS.secondary, "card_bound_7d_late", "deposit_30d_late"],
        },
      }).where("key", "=", KEY).execute();
      const later = await json(
        await call(app, growth, "GET", `/api/experiments/${KEY}/results`),
        200,
      );
      const byKey = new Map<string, MetricResult>(
        later.metrics.map((m: MetricResult) => [m.key, m]),
      );
      for (const key of ["card_bound_7d", "deposit_30d"]) {
        const early = byKey.get(key)!, late = byKey.get(`${key}_late`)!;
        assert.deepEqual(late.variants, early.variants, key);
        assert.equal(late.capValue, early.capValue);
        late.comparisons.forEach((c, i) => {
          assert.equal(c.absoluteLift, early.comparisons[i].absoluteLift);
          assert.equal(c.pValue, early.comparisons[i].pValue);
        });
      }
    });

    await t.step("a fresh snapshot is reused; a refresh shows a new event", async () => {
      const e = await db.selectFrom("experiments").select(["id", "mode", "stopped_at"])
        .where("key", "=", KEY).executeTakeFirstOrThrow();
      const control = units.find((u) => u.arm === 0 && u.profile.card.length === 0)!;
      const sent = await sdkCall(app, "POST", "/api/v1/events", {
        events: [{
          id: "late-card",
          type: "track",
          event: "card_bound",
          unit: control.unit,
          at: new Date(exposedAt + 1000 * units.indexOf(control) + HOUR).toISOString(),
        }],
      });
      assert.equal(sent.body.accepted, 1);
      const before = results[0].variants[0].count!;
      const cached = await json(
        await call(app, growth, "GET", `/api/experiments/${KEY}/results`),
        200,
      );
      assert.equal(cached.metrics[0].variants[0].count, before, "fresh snapshot reused");
      const definitions = await metricsByKeys(db, "CC2", ["card_bound_7d"]);
      const refreshed = await refreshSnapshots(
        db,
        {
          id: e.id,
          bankId: "CC2",
          mode: e.mode,
          stoppedAt: e.stopped_at,
          variants: ARMS.map((a) => a.name),
          allocationIds: null,
        },
        [...definitions.values()],
        { now: () => new Date() },
      );
      assert.equal(refreshed, true);
      const after = await json(
        await call(app, growth, "GET", `/api/experiments/${KEY}/results`),
        200,
      );
      assert.equal(after.metrics[0].variants[0].count, before + 1, "the new event shows");
    });
  },
);
