/**
 * Ingestion folds each customer's new events into their stored outcome instead of reading their
 * events back (db/event_outcomes.ts). Whatever the order and the batching, the aggregates must
 * equal a recount from all events with the rule of lib/experiments/outcomes.ts: seeded random
 * streams (exposures out of order, conversions before exposures, values, covariates, repeated
 * ids) sent in random batches, on both backends — small batches one at a time, large batches
 * (split into transactions committed side by side), and batches from concurrent senders.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { type AcceptedEvent, ingestEventBatch, ingestEvents } from "../db/events.ts";
import { dailyStats } from "../db/results.ts";
import { contribution, type OutcomeEvent, unitOutcome } from "../lib/experiments/outcomes.ts";
import { createRng } from "../lib/random.ts";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { startDemoExperimentAt } from "./helpers/sdk.ts";

const DAY = 86_400_000;
const START = Date.parse("2025-01-01T00:00:00Z");

function stream(seed: number, units: number, perUnit: number) {
  const rng = createRng(seed);
  const events = [];
  for (let u = 0; u < units; u++) {
    const n = 1 + Math.floor(rng() * perUnit);
    for (let i = 0; i < n; i++) {
      const exposure = rng() < 0.5;
      const covariate = exposure && rng() < 0.4 ? Math.round(rng() * 100) : null;
      events.push({
        id: `s${seed}-u${u}-e${i}`,
        unit: `U${u}`,
        variant: u % 2 ? "coupon" : "control",
        type: exposure ? "exposure" as const : "conversion" as const,
        value: !exposure && rng() < 0.7 ? Math.round(rng() * 1000) / 10 : null,
        covariate,
        at: new Date(START + Math.floor(rng() * 5 * DAY)),
      });
    }
  }
  for (let i = events.length - 1; i > 0; i--) { // shuffle: arrival order is random
    const j = Math.floor(rng() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  return { events, rng };
}

testBothBackends("any batching of any event order gives the recount's aggregates", async (t, d) => {
  await createTestApp(d.db);
  const experimentId = await startDemoExperimentAt(d.db, new Date(START));
  const ways = [
    { seed: 1, units: 150, perUnit: 5, sizes: [1, 40], senders: 1 },
    { seed: 2, units: 150, perUnit: 5, sizes: [1, 40], senders: 1 },
    { seed: 3, units: 150, perUnit: 5, sizes: [300, 700], senders: 1 },
    { seed: 4, units: 150, perUnit: 5, sizes: [20, 400], senders: 4 },
    { seed: 5, units: 30, perUnit: 20, sizes: [2, 12], senders: 8 },
  ];
  for (const { seed, units, perUnit, sizes, senders } of ways) {
    await t.step(`seed ${seed}, batches of ${sizes.join("–")}, ${senders} sender(s)`, async () => {
      await d.db.deleteFrom("daily_stats").execute();
      await d.db.deleteFrom("unit_outcomes").execute();
      await d.db.deleteFrom("events").execute();
      await sql`delete from unit_pending`.execute(d.db);
      const { events, rng } = stream(seed, units, perUnit);
      const batches: AcceptedEvent[][] = [];
      for (let i = 0; i < events.length;) {
        const size = sizes[0] + Math.floor(rng() * (sizes[1] - sizes[0] + 1));
        const batch = events.slice(i, i + size).map((e) => ({ ...e, experimentId }));
        if (rng() < 0.2 && i > 0) batch.push({ ...events[i - 1], experimentId }); // a resend
        batches.push(batch);
        i += size;
      }
      const send = (batch: AcceptedEvent[]) =>
        batch.length > 50
          ? ingestEventBatch(d.db, "CC2", batch, new Date())
          : d.db.transaction().execute((trx) => ingestEvents(trx, "CC2", batch, new Date()));
      let next = 0;
      let accepted = 0;
      await Promise.all(Array.from({ length: senders }, async () => {
        while (next < batches.length) {
          const { accepted: n } = await send(batches[next++]);
          accepted += n;
        }
      }));
      assert.equal(accepted, events.length, "every event accepted once");

      const expected = new Map<
        string,
        { users: number; conversions: number; value: number; covariate: number }
      >();
      const byUnit = Map.groupBy(events, (e) => e.unit);
      for (const [, list] of byUnit) {
        const outcome = unitOutcome(list as OutcomeEvent[]);
        if (!outcome) continue;
        const c = contribution(outcome);
        const key = `${list[0].variant} ${c.day}`;
        const row = expected.get(key) ?? { users: 0, conversions: 0, value: 0, covariate: 0 };
        row.users += c.users;
        row.conversions += c.converters;
        row.value += c.valueSum;
        row.covariate += c.covariateSum;
        expected.set(key, row);
      }
      const actual = new Map(
        (await dailyStats(d.db, experimentId)).filter((r) => r.users !== 0).map((r) => [
          `${r.variant} ${r.day}`,
          {
            users: r.users,
            conversions: r.conversions,
            value: r.valueSum,
            covariate: r.covariateSum,
          },
        ]),
      );
      assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
      for (const [key, want] of expected) {
        const got = actual.get(key)!;
        assert.equal(got.users, want.users, key);
        assert.equal(got.conversions, want.conversions, key);
        assert.ok(Math.abs(got.value - want.value) < 1e-6, `${key}: ${got.value} ≠ ${want.value}`);
        assert.equal(got.covariate, want.covariate, `${key} covariate`);
      }
      const pending = await d.db.selectFrom("events").select("unit").distinct()
        .where("unit", "not in", d.db.selectFrom("unit_outcomes").select("unit")).execute();
      const exposed = [...byUnit].filter(([, list]) => list.some((e) => e.type === "exposure"));
      assert.equal(byUnit.size - exposed.length, pending.length, "units without exposure");
    });
  }
});
