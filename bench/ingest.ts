/**
 * Ingestion benchmark: events per second through `POST /api/v1/events` (batches of 1,000 from
 * 4 concurrent clients; each accepted event is stored and counted in `unit_outcomes` and
 * `daily_stats` in the same transaction) against one `COPY` of the same rows into a table
 * defined like `events`, indexes and foreign keys included. Then every tenth batch is sent
 * again, and the totals are checked: every event stored once, every resent one a duplicate,
 * the aggregates equal to the stream's customers and conversions.
 */
import { type BenchContext, formatNumber, type Row, runClient } from "./_lib.ts";

interface IngestRun {
  events: number;
  units: number;
  converters: number;
  resentEvents: number;
  perSecond: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
}

export async function ingestionBenchmark(ctx: BenchContext): Promise<Row[]> {
  const { sql } = ctx;
  const count = Number(Deno.env.get("BENCH_EVENTS") ?? 200_000);
  const [{ id }] = await sql`select id from experiments
    where bank_id = 'CC2' and key = 'welcome-sms'`;
  const totals = async () =>
    (await sql`select coalesce(sum(users), 0)::int as users,
      coalesce(sum(converters), 0)::int as converters
      from daily_stats where experiment_id = ${id}`)[0];
  const before = await totals();
  const api = await runClient<IngestRun>("bench/ingest_client.ts", [
    ctx.app.url,
    ctx.sdkKey,
    "welcome-sms",
    String(count),
    "1000",
    "4",
    "ing-",
  ]);
  const after = await totals();
  const [{ stored }] = await sql`select count(*)::int as stored from events
    where bank_id = 'CC2' and event_id like 'ing-%'`;
  const copy = await runClient<{ rows: number; perSecond: number }>("bench/copy_client.ts", [
    ctx.databaseUrl,
    id,
    String(count),
    "ing-",
  ]);
  const exact = api.failed === 0 && api.rejected === 0 && api.accepted === api.events &&
    stored === api.events && api.duplicates === api.resentEvents &&
    after.users - before.users === api.units &&
    after.converters - before.converters === api.converters;
  console.log(
    `  API: ${formatNumber(api.perSecond)} events/s, accepted ${api.accepted}, stored ${stored}, ` +
      `duplicates ${api.duplicates} of ${api.resentEvents} resent, customers counted ` +
      `${after.users - before.users} of ${api.units}, converters ${
        after.converters - before.converters
      } of ${api.converters}; COPY ${formatNumber(copy.perSecond)} rows/s`,
  );
  const ratio = api.perSecond / copy.perSecond;
  return [{
    benchmark: `ingestion, ${formatNumber(count)} events, batches of 1,000 × 4 clients`,
    measured: `${formatNumber(api.perSecond)} events/s${exact ? ", exact" : ", NOT EXACT"}`,
    reference: `COPY ${formatNumber(copy.perSecond)} rows/s`,
    ratio: ratio.toFixed(2),
    goal: "ratio ≥ 0.3, no loss, exact dedupe",
    met: ratio >= 0.3 && exact,
  }];
}
