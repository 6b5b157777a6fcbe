/**
 * Assignment with contact caps on (issue 17), against the references of the assignment section
 * and measured in the same run: single A/B assignment without a policy, then with caps,
 * each in rounds alternating with the bare `Deno.serve` answer; and send lists of 10,000 units
 * without and with caps. With caps every new (experiment, customer) on a capped channel is a
 * contact: one transaction taking the customer's advisory lock, reading their contacts and
 * inserting one ledger row (db/contacts.ts). `BENCH_ONLY=caps`.
 */
import {
  type BenchContext,
  formatNumber,
  median,
  type Row,
  runClient,
  wrk,
  type WrkResult,
} from "./_lib.ts";

type Batch = { unitsPerSecond: number; p50ms: number; failed: number };

async function rounds(ctx: BenchContext, label: string, env: Record<string, string>) {
  const auth = { authorization: `Bearer ${ctx.sdkKey}` };
  const bare: WrkResult[] = [];
  const app: WrkResult[] = [];
  for (let round = 0; round < ctx.rounds; round++) {
    bare.push(
      await wrk(`${ctx.bare.url}/`, {
        connections: ctx.connections,
        duration: ctx.duration,
        serverPid: ctx.bare.pid,
      }),
    );
    app.push(
      await wrk(ctx.app.url, {
        connections: ctx.connections,
        duration: ctx.duration,
        script: "bench/assignment.lua",
        headers: auth,
        env,
        serverPid: ctx.app.pid,
      }),
    );
    const [b, a] = [bare[round], app[round]];
    console.log(
      `  ${label} round ${round + 1}: app ${formatNumber(a.rps)} req/s p99 ` +
        `${a.p99ms.toFixed(2)} ms (${a.non2xx} non-2xx); bare ${formatNumber(b.rps)} req/s`,
    );
  }
  return {
    rps: median(app.map((r) => r.rps)),
    p99: median(app.map((r) => r.p99ms)),
    bareRps: median(bare.map((r) => r.rps)),
    non2xx: app.reduce((n, r) => n + r.non2xx, 0),
  };
}

export async function cappedAssignmentBenchmarks(ctx: BenchContext): Promise<Row[]> {
  const { sql } = ctx;
  // Warm the bank's cache.
  await (await fetch(`${ctx.app.url}/api/v1/experiments/welcome-sms/assignment?unit=C1`, {
    headers: { authorization: `Bearer ${ctx.sdkKey}` },
  })).body?.cancel();

  const plain = await rounds(ctx, "no policy", { PREFIX: "P", UNITS: "100000000" });
  const plainBatch = await runClient<Batch>(
    "bench/batch_client.ts",
    [ctx.app.url, ctx.sdkKey, "welcome-sms", "10000", "5", "2", "PB"],
  );

  // Caps no customer reaches (so every answer is `assigned` and records a contact): the cost of
  // the ledger itself. welcome-sms is an SMS campaign.
  await sql`insert into contact_policies (bank_id, caps, updated_at)
    values ('CC2', ${
    sql.json([
      { channel: "sms", max: 1000, windowHours: 168 },
      { channel: "*", max: 1000, windowHours: 720 },
    ])
  }, now())
    on conflict (bank_id) do update set caps = excluded.caps, updated_at = now()`;
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the notification's reload
  const check = await (await fetch(
    `${ctx.app.url}/api/v1/experiments/welcome-sms/assignment?unit=CHECK1`,
    { headers: { authorization: `Bearer ${ctx.sdkKey}` } },
  )).json();
  const [{ n: recorded }] =
    await sql`select count(*)::int as n from contacts where unit = 'CHECK1'`;
  if (check.reason !== "assigned" || recorded !== 1) {
    throw new Error(`The caps are not in force: ${JSON.stringify(check)}, ${recorded} contacts`);
  }

  const capped = await rounds(ctx, "caps on", { PREFIX: "K", UNITS: "100000000" });
  const cappedBatch = await runClient<Batch>(
    "bench/batch_client.ts",
    [ctx.app.url, ctx.sdkKey, "welcome-sms", "10000", "5", "2", "KB"],
  );
  const [{ n: contacts }] = await sql`select count(*)::int as n from contacts`;
  // Leave the bank as the other sections expect it.
  await sql`delete from contact_policies where bank_id = 'CC2'`;

  const plainRatio = plain.rps / plain.bareRps;
  const cappedRatio = capped.rps / capped.bareRps;
  return [
    {
      benchmark: `assignment, A/B, no policy, ${ctx.connections} connections`,
      measured: `${formatNumber(plain.rps)} req/s, p99 ${plain.p99.toFixed(1)} ms`,
      reference: `bare Deno.serve ${formatNumber(plain.bareRps)} req/s`,
      ratio: plainRatio.toFixed(2),
      goal: "ratio ≥ 0.6, p99 < 5 ms (today's speed)",
      met: plainRatio >= 0.6 && plain.p99 < 5,
    },
    {
      benchmark: `assignment, A/B, caps on, new customer each call`,
      measured: `${formatNumber(capped.rps)} req/s, p99 ${capped.p99.toFixed(1)} ms`,
      reference: `bare Deno.serve ${formatNumber(capped.bareRps)} req/s`,
      ratio: cappedRatio.toFixed(2),
      goal: "measured (one ledger transaction per contact)",
      met: capped.non2xx === 0 ? null : false,
    },
    {
      benchmark: "batch assignment, A/B, 10,000 units, no policy",
      measured: `${formatNumber(plainBatch.unitsPerSecond)} units/s, p50 ${
        plainBatch.p50ms.toFixed(0)
      } ms per batch`,
      reference: "",
      ratio: "",
      goal: "",
      met: plainBatch.failed === 0 ? null : false,
    },
    {
      benchmark: "batch assignment, A/B, 10,000 units, caps on",
      measured: `${formatNumber(cappedBatch.unitsPerSecond)} units/s, p50 ${
        cappedBatch.p50ms.toFixed(0)
      } ms per batch`,
      reference: `no policy ${formatNumber(plainBatch.unitsPerSecond)} units/s`,
      ratio: (cappedBatch.unitsPerSecond / plainBatch.unitsPerSecond).toFixed(2),
      goal: `${formatNumber(contacts)} contacts recorded`,
      met: cappedBatch.failed === 0 ? null : false,
    },
  ];
}
