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
  type WrkResult,
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

  const single = await assignmentRounds(ctx, "", {});
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
    ...assignmentRows(ctx, single, "A/B"),
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

/** Medians of alternating rounds: the bare answer, the floor, then the app. */
export interface AssignmentRounds {
  app: WrkResult;
  bare: WrkResult;
  floor: WrkResult;
}

/**
 * Single assignments of `welcome-sms` (a new unit per request; `env` goes to `assignment.lua`) in
 * rounds alternating with the bare `Deno.serve` reference and the floor server, so the three are
 * measured under the same load. Each field of the result is the median over the rounds.
 */
export async function assignmentRounds(
  ctx: BenchContext,
  label: string,
  env: Record<string, string>,
): Promise<AssignmentRounds> {
  const auth = { authorization: `Bearer ${ctx.sdkKey}` };
  const runs: { app: WrkResult[]; bare: WrkResult[]; floor: WrkResult[] } = {
    app: [],
    bare: [],
    floor: [],
  };
  const options = { connections: ctx.connections, duration: ctx.duration };
  for (let round = 0; round < ctx.rounds; round++) {
    const b = await wrk(`${ctx.bare.url}/`, { ...options, serverPid: ctx.bare.pid });
    const f = await wrk(ctx.floor.url, {
      ...options,
      script: "bench/assignment.lua",
      headers: auth,
      env,
      serverPid: ctx.floor.pid,
    });
    const linesBefore = ctx.app.lines();
    const a = await wrk(ctx.app.url, {
      ...options,
      script: "bench/assignment.lua",
      headers: auth,
      env,
      serverPid: ctx.app.pid,
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the log's last flush
    const logged = ctx.app.lines() - linesBefore;
    runs.bare.push(b);
    runs.floor.push(f);
    runs.app.push(a);
    const cpu = (r: WrkResult) => `${r.cpuMicrosPerRequest.toFixed(1)} µs CPU/req`;
    console.log(
      `  ${label}round ${round + 1}: app ${formatNumber(a.rps)} req/s p99 ${
        a.p99ms.toFixed(2)
      } ms (${cpu(a)}, ${a.non2xx} non-2xx, ${formatNumber(logged)} log lines for ${
        formatNumber(a.requests)
      } requests); floor ${formatNumber(f.rps)} req/s (${cpu(f)}); bare ${
        formatNumber(b.rps)
      } req/s p99 ${b.p99ms.toFixed(2)} ms (${cpu(b)})`,
    );
  }
  const medians = (results: WrkResult[]): WrkResult => ({
    requests: median(results.map((r) => r.requests)),
    rps: median(results.map((r) => r.rps)),
    p50ms: median(results.map((r) => r.p50ms)),
    p99ms: median(results.map((r) => r.p99ms)),
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    cpuMicrosPerRequest: median(results.map((r) => r.cpuMicrosPerRequest)),
  });
  return { app: medians(runs.app), bare: medians(runs.bare), floor: medians(runs.floor) };
}

/**
 * The summary rows of single assignment: the app against the bare reference (the goal), the same
 * in server CPU per request, and the floor against the bare reference and the app against the floor.
 */
export function assignmentRows(ctx: BenchContext, r: AssignmentRounds, what: string): Row[] {
  const ratio = r.app.rps / r.bare.rps;
  return [
    {
      benchmark: `assignment, ${what}, ${ctx.connections} connections`,
      measured: `${formatNumber(r.app.rps)} req/s, p99 ${r.app.p99ms.toFixed(1)} ms`,
      reference: `bare Deno.serve ${formatNumber(r.bare.rps)} req/s`,
      ratio: ratio.toFixed(2),
      goal: "ratio ≥ 0.6, p99 < 5 ms",
      met: ratio >= 0.6 && r.app.p99ms < 5 && r.app.non2xx === 0,
    },
    {
      benchmark: `assignment, ${what}, server CPU per request`,
      measured: `${r.app.cpuMicrosPerRequest.toFixed(1)} µs`,
      reference: `bare ${r.bare.cpuMicrosPerRequest.toFixed(1)} µs`,
      ratio: (r.bare.cpuMicrosPerRequest / r.app.cpuMicrosPerRequest).toFixed(2),
      goal: "(noise-robust view of the row above)",
      met: null,
    },
    {
      benchmark: "floor: reads URL and key, SDK headers, request id",
      measured: `${formatNumber(r.floor.rps)} req/s, ${r.floor.cpuMicrosPerRequest.toFixed(1)} µs`,
      reference: `bare ${formatNumber(r.bare.rps)} req/s`,
      ratio: (r.floor.rps / r.bare.rps).toFixed(2),
      goal: "(the most any assignment answer can reach)",
      met: null,
    },
    {
      benchmark: `assignment, ${what}, against the floor`,
      measured: `${formatNumber(r.app.rps)} req/s, ${r.app.cpuMicrosPerRequest.toFixed(1)} µs`,
      reference: `floor ${formatNumber(r.floor.rps)} req/s`,
      ratio: (r.app.rps / r.floor.rps).toFixed(2),
      goal: "(what our logic and log cost)",
      met: null,
    },
  ];
}
