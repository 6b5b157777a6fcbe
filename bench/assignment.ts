/**
 * Assignment benchmarks. Single A/B assignment (`GET /api/v1/experiments/:key/assignment`)
 * against a bare `Deno.serve` JSON answer, alternating rounds of the same `wrk` run; a bandit's
 * first assignments (each stores a sticky arm, in group writes); batches of 10,000 units.
 * The demo bank gets 200,000 customer records (a third with attributes, one in twenty without
 * consent) and 20,000 opt-outs first, so the customers the cache holds in memory are not a toy.
 */
import type postgres from "postgres";
import {
  type BenchContext,
  formatNumber,
  median,
  type Row,
  rssMiB,
  runClient,
  wrk,
} from "./_lib.ts";

const CUSTOMERS = 200_000;

/** The demo bank's customers of the benchmark (`run.ts` loads them before the app starts). */
export async function seedCustomers(sql: postgres.Sql) {
  await sql`insert into customers (bank_id, unit, attributes, marketing_consent)
    select 'CC2', 'C' || i,
      case when i % 3 = 0
        then jsonb_build_object('stage', 'active', 'tags', jsonb_build_array('payroll'))
        else '{}'::jsonb end,
      i % 20 <> 7
    from generate_series(0, ${CUSTOMERS - 1}) i`;
  await sql`insert into opt_outs (bank_id, unit, channel)
    select 'CC2', 'C' || i, case when i % 2 = 0 then '*' else 'sms' end
    from generate_series(0, ${CUSTOMERS - 1}, 10) i`;
}

export async function assignmentBenchmarks(ctx: BenchContext): Promise<Row[]> {
  const { sql } = ctx;
  const auth = { authorization: `Bearer ${ctx.sdkKey}` };

  // The first request loads the bank into memory.
  const rssBefore = await rssMiB(ctx.app.pid);
  const t0 = performance.now();
  const first = await fetch(`${ctx.app.url}/api/v1/experiments/welcome-sms/assignment?unit=C7`, {
    headers: auth,
  });
  const coldMs = performance.now() - t0;
  const coldAnswer = await first.json();
  if (coldAnswer.reason !== "opted_out") throw new Error(`C7 should be opted out: ${coldAnswer}`);
  const rssAfter = await rssMiB(ctx.app.pid);
  console.log(
    `  bank CC2 loaded into memory on first use: ${formatNumber(coldMs)} ms, ` +
      `RSS +${formatNumber(rssAfter - rssBefore)} MiB`,
  );

  const bare = [];
  const app = [];
  for (let round = 0; round < ctx.rounds; round++) {
    bare.push(
      await wrk(`${ctx.bare.url}/`, {
        connections: ctx.connections,
        duration: ctx.duration,
        serverPid: ctx.bare.pid,
      }),
    );
    const linesBefore = ctx.app.lines();
    app.push(
      await wrk(ctx.app.url, {
        connections: ctx.connections,
        duration: ctx.duration,
        script: "bench/assignment.lua",
        headers: auth,
        serverPid: ctx.app.pid,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the log's last flush
    const logged = ctx.app.lines() - linesBefore;
    const [b, a] = [bare[round], app[round]];
    console.log(
      `  round ${round + 1}: app ${formatNumber(a.rps)} req/s p99 ${a.p99ms.toFixed(2)} ms ` +
        `(${a.cpuMicrosPerRequest.toFixed(1)} µs CPU/req, ${a.non2xx} non-2xx, ` +
        `${formatNumber(logged)} log lines for ${formatNumber(a.requests)} requests); bare ` +
        `${formatNumber(b.rps)} req/s p99 ${b.p99ms.toFixed(2)} ms ` +
        `(${b.cpuMicrosPerRequest.toFixed(1)} µs CPU/req)`,
    );
  }
  const appRps = median(app.map((r) => r.rps));
  const bareRps = median(bare.map((r) => r.rps));
  const appP99 = median(app.map((r) => r.p99ms));
  const ratio = appRps / bareRps;
  const appCpu = median(app.map((r) => r.cpuMicrosPerRequest));
  const bareCpu = median(bare.map((r) => r.cpuMicrosPerRequest));

  // A bandit's first assignments: every request stores a new sticky arm.
  const [{ id: banditId }] = await sql`insert into experiments
    (bank_id, key, name, mode, status, started_at)
    values ('CC2', 'bench-bandit', 'bench-bandit', 'bandit', 'running', now())
    returning id`;
  await sql`insert into variants (experiment_id, bank_id, position, name, weight)
    values (${banditId}, 'CC2', 0, 'control', 0.5), (${banditId}, 'CC2', 1, 'coupon', 0.5)`;
  const commits = async () =>
    Number(
      (await sql`select xact_commit from pg_stat_database
      where datname = current_database()`)[0].xact_commit,
    );
  const commitsBefore = await commits();
  const bandit = await wrk(ctx.app.url, {
    connections: ctx.connections,
    duration: ctx.duration,
    script: "bench/assignment.lua",
    headers: auth,
    env: { EXPERIMENT: "bench-bandit", UNITS: "100000000", PREFIX: "S" },
    serverPid: ctx.app.pid,
  });
  const commitsPerRequest = (await commits() - commitsBefore) / bandit.requests;
  const [{ stored }] = await sql`select count(*)::int as stored from assignments
    where experiment_id = ${banditId}`;

  const abBatch = await runClient<{ unitsPerSecond: number; p50ms: number; failed: number }>(
    "bench/batch_client.ts",
    [ctx.app.url, ctx.sdkKey, "welcome-sms", "10000", "5", "2", "A"],
  );
  const banditBatch = await runClient<{ unitsPerSecond: number; p50ms: number; failed: number }>(
    "bench/batch_client.ts",
    [ctx.app.url, ctx.sdkKey, "bench-bandit", "10000", "5", "2", "B"],
  );

  return [
    {
      benchmark: `assignment, A/B, ${ctx.connections} connections`,
      measured: `${formatNumber(appRps)} req/s, p99 ${appP99.toFixed(1)} ms`,
      reference: `bare Deno.serve ${formatNumber(bareRps)} req/s`,
      ratio: ratio.toFixed(2),
      goal: "ratio ≥ 0.6, p99 < 5 ms",
      met: ratio >= 0.6 && appP99 < 5,
    },
    {
      benchmark: "assignment, server CPU per request",
      measured: `${appCpu.toFixed(1)} µs`,
      reference: `bare ${bareCpu.toFixed(1)} µs`,
      ratio: (bareCpu / appCpu).toFixed(2),
      goal: "(noise-robust view of the row above)",
      met: null,
    },
    {
      benchmark: "assignment, bandit, first call of each unit",
      measured: `${formatNumber(bandit.rps)} req/s, p99 ${bandit.p99ms.toFixed(1)} ms`,
      reference: `${formatNumber(stored)} arms stored, ${commitsPerRequest.toFixed(3)} commits/req`,
      ratio: "",
      goal: "batched sticky writes",
      met: commitsPerRequest < 0.5,
    },
    {
      benchmark: "batch assignment, A/B, 10,000 units",
      measured: `${formatNumber(abBatch.unitsPerSecond)} units/s, p50 ${
        abBatch.p50ms.toFixed(0)
      } ms per batch`,
      reference: "",
      ratio: "",
      goal: "",
      met: abBatch.failed === 0 ? null : false,
    },
    {
      benchmark: "batch assignment, bandit, 10,000 new units",
      measured: `${formatNumber(banditBatch.unitsPerSecond)} units/s, p50 ${
        banditBatch.p50ms.toFixed(0)
      } ms per batch`,
      reference: "each arm stored",
      ratio: "",
      goal: "",
      met: banditBatch.failed === 0 ? null : false,
    },
  ];
}
