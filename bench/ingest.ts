/**
 * Ingestion benchmark: events per second through `POST /api/v1/events` (batches of 1,000 from
 * 4 concurrent clients; each accepted event is stored and counted in `unit_outcomes` and
 * `daily_stats` in the same transaction) against one `COPY` of the same rows into a table
 * defined like `events`, indexes and foreign keys included, alternating for a few rounds
 * (medians compared). In each round every tenth batch is then sent again, and the totals are
 * checked: every event stored once, every resent one a duplicate, the aggregates equal to the
 * stream's customers and conversions.
 */
import { type BenchContext, formatNumber, median, type Row, runClient } from "./_lib.ts";

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
  const api: number[] = [];
  const copy: number[] = [];
  let exact = true;
  for (let round = 0; round < ctx.rounds; round++) {
    const prefix = `ing${round}-`;
    const before = await totals();
    const run = await runClient<IngestRun>("bench/ingest_client.ts", [
      ctx.app.url,
      ctx.sdkKey,
      "welcome-sms",
      String(count),
      "1000",
      "4",
      prefix,
    ]);
    const after = await totals();
    const [{ stored }] = await sql`select count(*)::int as stored from events
      where bank_id = 'CC2' and event_id like ${prefix + "%"}`;
    const reference = await runClient<{ rows: number; perSecond: number }>(
      "bench/copy_client.ts",
      [ctx.databaseUrl, id, String(count), prefix],
    );
    const users = after.users - before.users;
    const converters = after.converters - before.converters;
    const ok = run.failed === 0 && run.rejected === 0 && run.accepted === run.events &&
      stored === run.events && run.duplicates === run.resentEvents && users === run.units &&
      converters === run.converters;
    exact &&= ok;
    api.push(run.perSecond);
    copy.push(reference.perSecond);
    console.log(
      `  round ${round + 1}: API ${
        formatNumber(run.perSecond)
      } events/s (accepted ${run.accepted}, ` +
        `stored ${stored}, duplicates ${run.duplicates} of ${run.resentEvents} resent, customers ` +
        `${users} of ${run.units}, converters ${converters} of ${run.converters}: ${
          ok ? "exact" : "NOT EXACT"
        }); COPY ${formatNumber(reference.perSecond)} rows/s`,
    );
  }
  const ratio = median(api) / median(copy);
  return [{
    benchmark: `ingestion, ${formatNumber(count)} events, batches of 1,000 × 4 clients`,
    measured: `${formatNumber(median(api))} events/s${exact ? ", exact" : ", NOT EXACT"}`,
    reference: `COPY ${formatNumber(median(copy))} rows/s`,
    ratio: ratio.toFixed(2),
    goal: "ratio ≥ 0.3, no loss, exact dedupe",
    met: ratio >= 0.3 && exact,
  }];
}
