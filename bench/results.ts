/**
 * Results benchmark: latency of `GET /api/experiments/:key/results` for an experiment with ten
 * thousand events and one with ten million, in the same database. The events are written
 * straight into `events` with `generate_series` (customer i exposed on day i mod 30, every
 * fifth one converting; foreign-key checks and triggers off for the load, as a bulk import
 * would), and each experiment's `daily_stats` from the same formula — what ingestion would
 * have made of those events. `unit_outcomes` stays empty: an A/B results page does not read it.
 * A results page reads the per-day aggregates only, so its latency should not follow the event
 * count.
 */
import type postgres from "postgres";
import { type BenchContext, formatNumber, type Row, wrk } from "./_lib.ts";

async function seedExperiment(sql: postgres.Sql, key: string, events: number) {
  const customers = Math.floor(events / 1.2); // each customer: an exposure, every fifth a conversion
  const [{ id }] = await sql`insert into experiments (bank_id, key, name, mode, status, started_at)
    values ('CC2', ${key}, ${key}, 'ab', 'running', now() - interval '30 days') returning id`;
  await sql`insert into variants (experiment_id, bank_id, position, name, weight)
    values (${id}, 'CC2', 0, 'control', 0.5), (${id}, 'CC2', 1, 'coupon', 0.5)`;
  await sql.begin(async (trx) => {
    await trx`set local session_replication_role = replica`;
    await trx`insert into events (bank_id, event_id, experiment_id, unit, type, value,
        occurred_at, received_at)
      select 'CC2', ${key} || '-x' || u, ${id}, 'r' || u, 'exposure', null,
        date_trunc('day', now()) - interval '30 days' + (u % 30) * interval '1 day', now()
      from generate_series(0, ${customers - 1}) u`;
    await trx`insert into events (bank_id, event_id, experiment_id, unit, type, value,
        occurred_at, received_at)
      select 'CC2', ${key} || '-c' || u, ${id}, 'r' || u, 'conversion', 10,
        date_trunc('day', now()) - interval '30 days' + (u % 30) * interval '1 day' + interval '1 hour',
        now()
      from generate_series(0, ${customers - 1}, 5) u`;
  });
  await sql`insert into daily_stats (experiment_id, bank_id, variant, day, users, converters,
      value_sum, value_sum_squares)
    select ${id}, 'CC2', case when u % 2 = 0 then 'control' else 'coupon' end,
      (date_trunc('day', now()) - interval '30 days' + (u % 30) * interval '1 day')::date,
      count(*), count(*) filter (where u % 5 = 0), 10 * count(*) filter (where u % 5 = 0),
      100 * count(*) filter (where u % 5 = 0)
    from generate_series(0, ${customers - 1}) u group by 3, 4`;
  await sql`analyze events`;
  const [{ n }] = await sql`select count(*)::int as n from events where experiment_id = ${id}`;
  return n as number;
}

/** Signs the admin in through the API; the session cookie to send. */
export async function signIn(ctx: BenchContext): Promise<string> {
  const res = await fetch(`${ctx.app.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: ctx.adminEmail, password: ctx.adminPassword }),
  });
  await res.body?.cancel();
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0])
    .find((c) => c.startsWith("ll_session="));
  if (res.status !== 200 || !cookie) throw new Error(`Sign-in failed: ${res.status}`);
  return cookie;
}

export async function resultsBenchmark(ctx: BenchContext): Promise<Row[]> {
  const large = Number(Deno.env.get("BENCH_RESULTS_EVENTS") ?? 10_000_000);
  const t0 = performance.now();
  const smallCount = await seedExperiment(ctx.sql, "results-10k", 10_000);
  const largeCount = await seedExperiment(ctx.sql, "results-10m", large);
  const [{ bytes, rows }] = await ctx.sql`select pg_total_relation_size('events')::float8 as bytes,
    (select count(*) from events)::float8 as rows`;
  console.log(
    `  seeded ${formatNumber(smallCount)} + ${formatNumber(largeCount)} events in ${
      formatNumber((performance.now() - t0) / 1000)
    } s; events table with its indexes: ${formatNumber(bytes / rows)} bytes per event`,
  );
  const cookie = await signIn(ctx);
  const measure = (key: string) =>
    wrk(`${ctx.app.url}/api/experiments/${key}/results`, {
      connections: 1,
      duration: ctx.duration,
      headers: { cookie },
      serverPid: ctx.app.pid,
    });
  const small = [];
  const big = [];
  for (let round = 0; round < ctx.rounds; round++) {
    small.push(await measure("results-10k"));
    big.push(await measure("results-10m"));
  }
  const p50 = (runs: Awaited<ReturnType<typeof measure>>[]) =>
    runs.map((r) => r.p50ms).sort((a, b) => a - b)[runs.length >> 1];
  const p99 = (runs: Awaited<ReturnType<typeof measure>>[]) =>
    runs.map((r) => r.p99ms).sort((a, b) => a - b)[runs.length >> 1];
  if ([...small, ...big].some((r) => r.non2xx > 0)) throw new Error("results answered non-2xx");
  const ratio = p50(big) / p50(small);
  return [{
    benchmark: "results API, p50 (p99), one connection",
    measured: `${formatNumber(largeCount)} events: ${p50(big).toFixed(2)} ms (${
      p99(big).toFixed(2)
    })`,
    reference: `${formatNumber(smallCount)} events: ${p50(small).toFixed(2)} ms (${
      p99(small).toFixed(2)
    })`,
    ratio: ratio.toFixed(2),
    goal: "≤ 1.5",
    met: ratio <= 1.5,
  }];
}
