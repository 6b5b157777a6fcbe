/**
 * Planner statistics on PGlite. PostgreSQL's autovacuum analyses tables as they grow; PGlite runs
 * no background workers, so a bank's events loaded after the start would keep the statistics of
 * an empty table, and the metric read-outs' joins (db/metric_values.ts) would then scan every
 * event of the bank for each customer: 1.8–6.8 s a metric on the demo's welcome-sms before an
 * analyse, 0.12–0.77 s after (measured while seeding, see db/seed_metrics.ts). So on PGlite the
 * tables those read-outs join are analysed shortly after the start and every few minutes.
 * `analyze` samples a bounded number of rows (30,000 per table by default), so each round stays
 * short even on large tables.
 */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

const TABLES = sql`track_events, opt_outs, unit_outcomes, events, assignments`;

/** Refreshes the statistics of the tables the metric read-outs join. */
export async function analyzeMetricTables(db: Db): Promise<void> {
  await sql`analyze ${TABLES}`.execute(db);
}

/**
 * Analyses after `firstAfterMs`, then every `everyMs`; returns a stop function. A failed round
 * (the database closing) is reported and the next one tried.
 */
export function startStatisticsUpkeep(
  db: Db,
  { firstAfterMs = 10_000, everyMs = 5 * 60_000 } = {},
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    if (stopped) return;
    running = analyzeMetricTables(db).catch((error) => {
      if (!stopped) console.error("analyze of the metric tables failed:", error);
    });
  };
  const first = setTimeout(round, firstAfterMs);
  const timer = setInterval(round, everyMs);
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
