/**
 * Metric library results benchmark (issue 16): an experiment with 10 million `track` events and
 * 10 metrics. Run on its own (not part of run.ts, which starts servers):
 *
 *   deno run -A bench/metric_results.ts                      # PostgreSQL (BENCH_DATABASE_URL)
 *   BENCH_BACKEND=pglite BENCH_METRIC_EVENTS=1000000 deno run -A bench/metric_results.ts
 *
 * The app runs in process (`createApp`, `app.request`: no network) on a throwaway database with
 * the demo seed. The data: 1,000,000 customers (BENCH_METRIC_CUSTOMERS) exposed over 30 days in a
 * 50/50 A/B test (`unit_outcomes`), and BENCH_METRIC_EVENTS (10,000,000) track events of five
 * names written with `generate_series` (card_bound, deposit with amounts, login, purchase,
 * complaint; from 5 days before to 40 days after the exposures), plus 20,000 opt-outs. The
 * experiment reads 10 metrics: a proportion primary, 6 secondary (proportion, means with
 * absolute and percentile caps, counts, ratios) and 3 guardrails (opt_out, complaint rate,
 * logins per customer).
 *
 * Measured (with the load average, as other work shares the machine):
 * - full build: the first refresh of the 10 metrics (db/metric_snapshots.ts `refreshSnapshots`),
 *   which writes every exposed customer's value of every metric (`metric_unit_values`, db/
 *   metric_unit_values.ts) and the snapshots: what a new experiment or a new definition version
 *   costs once;
 * - incremental rounds: BENCH_METRIC_NEW_EVENTS (1,000) new track events of random customers
 *   (times anywhere in their history, so late events too) and 20 newly exposed customers, then a
 *   refresh that recomputes only the customers touched and sums the per-customer table: what the
 *   refresher does every REFRESH_EVERY_MS;
 * - results: `GET /api/experiments/:key/results` with fresh snapshots, sequential requests,
 *   p50 and p99 (goal: p50 < 200 ms);
 * - freshness: the refresher running (its default interval), one new event inserted, results
 *   polled every 250 ms until it shows (goal: < 60 s).
 *
 * The seeded events carry `received_at` two hours back (loaded before the run, in insertion
 * order, as appended events are), so the first incremental round does not re-read them.
 */
import { sql } from "kysely";
import { openDatabase } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import {
  REFRESH_EVERY_MS,
  refreshSnapshots,
  runningExperiments,
  startMetricRefresher,
  stopBackgroundRecomputations,
} from "../db/metric_snapshots.ts";
import type { RoundReport } from "../db/metric_unit_values.ts";
import { metricsByKeys } from "../db/metrics.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "../tests/helpers/app.ts";
import { median, throwawayDatabase } from "./_lib.ts";

const backend = Deno.env.get("BENCH_BACKEND") ?? "postgres";
const EVENTS = Number(Deno.env.get("BENCH_METRIC_EVENTS") ?? 10_000_000);
const CUSTOMERS = Number(Deno.env.get("BENCH_METRIC_CUSTOMERS") ?? 1_000_000);
const REQUESTS = Number(Deno.env.get("BENCH_METRIC_REQUESTS") ?? 100);
const NEW_EVENTS = Number(Deno.env.get("BENCH_METRIC_NEW_EVENTS") ?? 1000);
const KEY = "metrics-10m";
const load = () => Deno.loadavg().map((x) => x.toFixed(1)).join(" ");

// BENCH_REUSE_URL: a database kept by an earlier run (BENCH_KEEP=1): no seeding.
const reuse = Deno.env.get("BENCH_REUSE_URL");
const throwaway = reuse ? null : backend === "postgres"
  ? await throwawayDatabase(
    Deno.env.get("BENCH_DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres",
  )
  : null;
const opened = await openDatabase(reuse ?? (throwaway ? throwaway.url : "memory://"));
const db = opened.db;
const log = (s: string) => console.log(`[${backend}] ${s}`);

try {
  await migrateToLatest(db);
  await createTestApp(db);
  let id: string;
  const t = performance.now();
  if (reuse) {
    id = (await db.selectFrom("experiments").select("id").where("key", "=", KEY)
      .executeTakeFirstOrThrow()).id;
  } else id = await seed();
  const count = await sql<{ n: string }>`select count(*) as n from track_events`.execute(db);
  log(
    `${Number(count.rows[0].n).toLocaleString("en")} track events, ${
      CUSTOMERS.toLocaleString("en")
    } exposed customers (${((performance.now() - t) / 1000).toFixed(1)} s to seed)`,
  );
  if (Deno.env.get("BENCH_SEED_ONLY") === "1") throw new Error("seed only");
  await measure(id, Number(count.rows[0].n));
} finally {
  await stopBackgroundRecomputations(opened.db);
  await opened.close();
  if (Deno.env.get("BENCH_KEEP") === "1" || reuse) console.log(`kept ${reuse ?? throwaway?.url}`);
  else await throwaway?.drop();
}

async function seed(): Promise<string> {
  const definitions = [
    ["card_bound_7d", { kind: "proportion", event: "card_bound", windowHours: 168 }],
    ["card_bound_any", { kind: "proportion", event: "card_bound", windowHours: null }],
    ["deposit_30d", {
      kind: "mean",
      event: "deposit",
      aggregate: "sum",
      windowHours: 720,
      cap: { type: "percentile", value: 0.99 },
    }],
    ["deposit_7d_capped", {
      kind: "mean",
      event: "deposit",
      aggregate: "sum",
      windowHours: 168,
      cap: { type: "absolute", value: 20000 },
    }],
    ["purchases_14d", { kind: "mean", event: "purchase", aggregate: "count", windowHours: 336 }],
    ["amount_per_deposit", {
      kind: "ratio",
      numerator: { event: "deposit", aggregate: "sum" },
      denominator: { event: "deposit", aggregate: "count" },
      windowHours: 720,
    }],
    ["purchases_per_login", {
      kind: "ratio",
      numerator: { event: "purchase", aggregate: "count" },
      denominator: { event: "login", aggregate: "count" },
      windowHours: 720,
    }],
    ["complaint_30d", {
      kind: "proportion",
      event: "complaint",
      windowHours: 720,
      direction: "lower_is_better",
    }],
    ["logins_30d", { kind: "mean", event: "login", aggregate: "count", windowHours: 720 }],
  ] as const;
  for (const [key, d] of definitions) {
    const definition = { name: { "zh-CN": key, en: key }, direction: "higher_is_better", ...d };
    await sql`insert into metrics (bank_id, key, version, definition)
      values ('CC2', ${key}, 1, cast(cast(${JSON.stringify(definition)} as text) as jsonb))`
      .execute(db);
  }
  const metrics = {
    primary: "card_bound_7d",
    secondary: [
      "card_bound_any",
      "deposit_30d",
      "deposit_7d_capped",
      "purchases_14d",
      "amount_per_deposit",
      "purchases_per_login",
    ],
    guardrails: ["opt_out", "complaint_30d", "logins_30d"],
  };
  const experiment = await db.insertInto("experiments").values({
    bank_id: "CC2",
    key: KEY,
    name: KEY,
    status: "running",
    primary_metric: { type: "conversion" },
    guardrails: [],
    targeting: {},
    started_at: new Date(Date.now() - 46 * 86400_000),
  }).returning("id").executeTakeFirstOrThrow();
  const id = experiment.id;
  await sql`update experiments set metrics = cast(cast(${JSON.stringify(metrics)} as text) as jsonb)
    where id = ${id}`.execute(db);
  await db.insertInto("variants").values([
    { experiment_id: id, bank_id: "CC2", position: 0, name: "control", weight: 0.5 },
    { experiment_id: id, bank_id: "CC2", position: 1, name: "coupon", weight: 0.5 },
  ]).execute();

  log(`seed and setup done; writing ${EVENTS.toLocaleString("en")} events`);
  await sql`insert into unit_outcomes (experiment_id, bank_id, unit, variant, first_exposure_at)
    select ${id}, 'CC2', 'C' || (100000000 + u),
      case when u % 2 = 0 then 'control' else 'coupon' end,
      date_trunc('day', now()) - interval '45 days' + (u % 30) * interval '1 day'
        + (u % 86400) * interval '1 second'
    from generate_series(0, cast(${CUSTOMERS - 1} as bigint)) u`.execute(db);
  // Event g: customer g mod N; name by (g·7919) mod 100 (card_bound 4 %, deposit 40 %, login
  // 40 %, purchase 15 %, complaint 1 %); time from 5 days before to 40 days after the customer's
  // exposure; deposits carry heavy-tailed amounts. The coupon arm gets a few more card bindings.
  const chunk = 1_000_000;
  for (let from = 0; from < EVENTS; from += chunk) {
    const to = Math.min(EVENTS, from + chunk) - 1;
    await sql`insert into track_events
        (bank_id, event_id, event, unit, value, occurred_at, received_at)
      select 'CC2', 'e' || g,
        case when r < 4 + (c % 2) then 'card_bound' when r < 44 then 'deposit'
          when r < 84 then 'login' when r < 99 then 'purchase' else 'complaint' end,
        'C' || (100000000 + c),
        case when r >= 4 and r < 44 then round((100 + (g % 97) * (g % 89) * 1.7)::numeric, 2)::float8
          else null end,
        date_trunc('day', now()) - interval '45 days' + (c % 30) * interval '1 day'
          + (c % 86400) * interval '1 second' - interval '5 days'
          + ((g * 104729) % (45 * 86400)) * interval '1 second',
        now() - interval '2 hours'
      from (select g, g % ${CUSTOMERS} as c, (g * 7919) % 100 as r
        from generate_series(cast(${from} as bigint), cast(${to} as bigint)) g) s`.execute(db);
  }
  await sql`insert into opt_outs (bank_id, unit, channel, created_at)
    select 'CC2', 'C' || (100000000 + u * 50), '*', now() - interval '10 days'
    from generate_series(0, cast(${Math.floor(CUSTOMERS / 50) - 1} as bigint)) u
    on conflict do nothing`.execute(db);
  // What autovacuum does (autosummarize) once it gets to it: the BRIN ranges of the loaded rows.
  await sql`select brin_summarize_new_values('track_events_received_brin')`.execute(db);
  await sql`analyze track_events`.execute(db);
  await sql`analyze unit_outcomes`.execute(db);
  return id;
}

async function measure(id: string, events: number) {
  let t: number;
  const cookie = await sessionCookie(db, DEMO_USERS.growth);
  const { app } = await createTestApp(db);
  const [running] = (await runningExperiments(db)).filter((e) => e.id === id);
  const defs = [...(await metricsByKeys(db, "CC2", running.metricKeys)).values()];
  const round = async () => {
    const reports: RoundReport[] = [];
    const started = performance.now();
    await refreshSnapshots(db, running, defs, {
      now: () => new Date(),
      report: (r) => reports.push(r),
    });
    return {
      ms: performance.now() - started,
      full: reports.filter((r) => r.full).length,
      customers: reports.reduce((s, r) => s + r.customers, 0),
    };
  };
  const build = await round();
  log(
    `full build (10 metrics, every customer's values written): ${
      (build.ms / 1000).toFixed(2)
    } s; ` +
      `${build.full} metrics built, ${build.customers.toLocaleString("en")} customer values ` +
      `(load ${load()})`,
  );
  const refreshTimes: number[] = [];
  const rounds = Number(Deno.env.get("BENCH_REFRESH_ROUNDS") ?? 3);
  // (A reused database may hold exposures of an earlier run's rounds: count them.)
  let newExposed = Number(
    (await sql<{ n: string }>`select count(*) as n from unit_outcomes
      where experiment_id = ${id}`.execute(db)).rows[0].n,
  );
  for (let i = 0; i < rounds; i++) {
    // New traffic: events of random customers at random times of their history (late events
    // among them), and 20 customers exposed now with their exposure events.
    await sql`insert into track_events (bank_id, event_id, event, unit, value, occurred_at)
      select 'CC2', 'new-' || ${i} || '-' || g || '-' || ${Date.now()},
        (array['card_bound', 'deposit', 'login', 'purchase', 'complaint'])[1 + g % 5],
        'C' || (100000000 + (g * 7907 + ${i} * 131) % ${CUSTOMERS}),
        case when g % 5 = 1 then 100.0 + g else null end,
        now() - (g % 40) * interval '1 day'
      from generate_series(1, cast(${NEW_EVENTS} as integer)) g`.execute(db);
    await sql`insert into events (bank_id, event_id, experiment_id, unit, type, occurred_at)
      select 'CC2', 'x-' || (100000000 + u), ${id}, 'C' || (100000000 + u), 'exposure', now()
      from generate_series(cast(${newExposed} as bigint), cast(${newExposed + 19} as bigint)) u`
      .execute(db);
    await sql`insert into unit_outcomes (experiment_id, bank_id, unit, variant, first_exposure_at)
      select ${id}, 'CC2', 'C' || (100000000 + u),
        case when u % 2 = 0 then 'control' else 'coupon' end, now()
      from generate_series(cast(${newExposed} as bigint), cast(${newExposed + 19} as bigint)) u`
      .execute(db);
    newExposed += 20;
    const r = await round();
    refreshTimes.push(r.ms);
    log(
      `incremental round ${i + 1}: ${(r.ms / 1000).toFixed(2)} s, ${r.full} full, ` +
        `${r.customers.toLocaleString("en")} customer values recomputed (load ${load()})`,
    );
  }
  log(
    `incremental refresh (10 metrics, ${NEW_EVENTS} new events + 20 new customers): median ${
      (median(refreshTimes) / 1000).toFixed(2)
    } s (${refreshTimes.map((x) => (x / 1000).toFixed(2)).join(", ")})`,
  );
  // Per metric, once (incremental, with no new events).
  for (const d of Deno.env.get("BENCH_PER_METRIC") === "1" ? defs : []) {
    if (d.source === "experiment_conversions") continue;
    t = performance.now();
    await refreshSnapshots(db, running, [d], { now: () => new Date() });
    log(`  ${d.key} (${d.kind}): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  }

  // Results with the snapshots just computed (older than the freshness goal when a refresh takes
  // longer: answered at once all the same, and recomputed in the background).
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    t = performance.now();
    const res = await app.request(`/api/experiments/${KEY}/results`, { headers: { cookie } });
    const body = await res.json();
    latencies.push(performance.now() - t);
    if (res.status !== 200 || body.metrics.length !== 10) {
      throw new Error(`results: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
  }
  latencies.sort((a, b) => a - b);
  const p = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  log(
    `results (from snapshots, ${REQUESTS} sequential requests): p50 ${p(0.5).toFixed(1)} ms, ` +
      `p99 ${p(0.99).toFixed(1)} ms`,
  );

  // Freshness: the refresher at its default interval; one new event; poll until it shows.
  const before =
    await (await app.request(`/api/experiments/${KEY}/results`, { headers: { cookie } }))
      .json();
  const stop = startMetricRefresher(db, metricsByKeys);
  const unit = "C100000000";
  const firstExposure = await sql<{ t0: Date }>`select first_exposure_at as t0 from unit_outcomes
    where experiment_id = ${id} and unit = ${unit}`.execute(db);
  const t0 = new Date(firstExposure.rows[0].t0).getTime();
  const startCount = before.metrics.find((m: { key: string }) => m.key === "complaint_30d")
    .variants[0].count;
  const inserted = performance.now();
  await sql`insert into track_events (bank_id, event_id, event, unit, value, occurred_at)
    values ('CC2', ${`fresh-${Date.now()}`}, 'complaint', ${unit}, null, ${new Date(
    t0 + 3600_000,
  )})`.execute(db);
  let shownAfter: number | null = null;
  const hasComplaint = await sql<{ n: string }>`select count(*) as n from track_events
    where bank_id = 'CC2' and event = 'complaint' and unit = ${unit}
      and occurred_at >= ${new Date(t0)} and occurred_at < ${new Date(t0 + 720 * 3600_000)}`
    .execute(db);
  const alreadyCounted = Number(hasComplaint.rows[0].n) > 1;
  const patience = Number(Deno.env.get("BENCH_FRESHNESS_WAIT_S") ?? 600) * 1000;
  while (performance.now() - inserted < patience) {
    const body =
      await (await app.request(`/api/experiments/${KEY}/results`, { headers: { cookie } }))
        .json();
    const now = body.metrics.find((m: { key: string }) => m.key === "complaint_30d").variants[0]
      .count;
    if (
      now === startCount + 1 ||
      (alreadyCounted && body.metrics[0].computedAt > before.metrics[0].computedAt)
    ) {
      shownAfter = performance.now() - inserted;
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  log(
    `freshness (refresher every ${REFRESH_EVERY_MS / 1000} s): a new event showed after ${
      shownAfter === null ? `more than ${patience / 1000} s` : `${(shownAfter / 1000).toFixed(1)} s`
    } (load ${load()})`,
  );
  console.log(JSON.stringify({
    backend,
    events,
    customers: CUSTOMERS,
    fullBuildMs: Math.round(build.ms),
    incrementalMedianMs: Math.round(median(refreshTimes)),
    load: Deno.loadavg(),
    resultsP50Ms: Number(p(0.5).toFixed(1)),
    resultsP99Ms: Number(p(0.99).toFixed(1)),
    freshnessMs: shownAfter === null ? null : Math.round(shownAfter),
  }));
}
