/**
 * Assignment with contact caps on (issue 17), against the references of the assignment section
 * and measured in the same run: single A/B assignment without a policy, then with caps,
 * each in rounds alternating with the bare `Deno.serve` answer and the floor; and send lists of 10,000 units
 * without and with caps. With caps every new (experiment, customer) on a capped channel is a
 * contact: one transaction taking the customer's advisory lock, reading their contacts and
 * inserting one ledger row (db/contacts.ts). `BENCH_ONLY=caps`.
 */
import { type BenchContext, formatNumber, type Row, runClient } from "./_lib.ts";
import { assignmentRounds, assignmentRows } from "./assignment.ts";

type Batch = { unitsPerSecond: number; p50ms: number; failed: number };

export async function cappedAssignmentBenchmarks(ctx: BenchContext): Promise<Row[]> {
  const { sql } = ctx;
  // Warm the bank's cache.
  await (await fetch(`${ctx.app.url}/api/v1/experiments/welcome-sms/assignment?unit=C1`, {
    headers: { authorization: `Bearer ${ctx.sdkKey}` },
  })).body?.cancel();

  const plain = await assignmentRounds(ctx, "no policy ", { PREFIX: "P", UNITS: "100000000" });
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

  const capped = await assignmentRounds(ctx, "caps on ", { PREFIX: "K", UNITS: "100000000" });
  const cappedBatch = await runClient<Batch>(
    "bench/batch_client.ts",
    [ctx.app.url, ctx.sdkKey, "welcome-sms", "10000", "5", "2", "KB"],
  );
  const [{ n: contacts }] = await sql`select count(*)::int as n from contacts`;
  // Leave the bank as the other sections expect it.
  await sql`delete from contact_policies where bank_id = 'CC2'`;

  const cappedRatio = capped.app.rps / capped.bare.rps;
  return [
    ...assignmentRows(ctx, plain, "A/B, no policy"),
    {
      benchmark: `assignment, A/B, caps on, new customer each call`,
      measured: `${formatNumber(capped.app.rps)} req/s, p99 ${capped.app.p99ms.toFixed(1)} ms`,
      reference: `bare Deno.serve ${formatNumber(capped.bare.rps)} req/s`,
      ratio: cappedRatio.toFixed(2),
      goal: "measured (one ledger transaction per contact)",
      met: capped.app.non2xx === 0 ? null : false,
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
