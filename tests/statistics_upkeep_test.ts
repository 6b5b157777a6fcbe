/**
 * db/statistics_upkeep.ts: on PGlite (no autovacuum) the tables the metric read-outs join are
 * analysed on a timer, so their planner statistics follow the bank's data. Checked through
 * pg_class.reltuples, which only an analyse (or a vacuum) updates.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { startStatisticsUpkeep } from "../db/statistics_upkeep.ts";
import { createTestApp } from "./helpers/app.ts";
import { openTestDatabase } from "./helpers/db.ts";

Deno.test("PGlite: the metric tables are analysed after the start and on a timer", async () => {
  const { db, close } = await openTestDatabase("pglite");
  try {
    await createTestApp(db);
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      bank_id: "CC2",
      event_id: `t${i}`,
      event: "card_bound",
      unit: `C${100000001 + i}`,
      value: i % 7 === 0 ? -50 : 120.5,
      occurred_at: new Date(Date.UTC(2026, 10, 1, 0, i)),
    }));
    await db.insertInto("track_events").values(rows).execute();
    const tuples = async () =>
      Number(
        (await sql<{ n: number }>`select reltuples as n from pg_class
          where relname = 'track_events'`.execute(db)).rows[0].n,
      );
    assert.ok(await tuples() < 2_000, "no statistics before the first analyse");
    const stop = startStatisticsUpkeep(db, { firstAfterMs: 10, everyMs: 60_000 });
    try {
      const deadline = Date.now() + 10_000;
      while (await tuples() < 2_000 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(await tuples(), 2_000);
    } finally {
      await stop();
    }
  } finally {
    await close();
  }
});
