/**
 * A metric snapshot's states as results read them (db/metric_snapshots.ts):
 * - a metric's first computation that takes longer than the request's wait is answered as
 *   `computing` and goes on; the next view gets its figures;
 * - a results view of a stale snapshot recomputes it in the background;
 * - shutting down with background recomputations queued: once `stopBackgroundRecomputations` was
 *   called for the database (main.ts, before closing it), queued ones are dropped quietly instead
 *   of failing one by one against a closed pool (a benchmark's shutdown logged 150 such failures).
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { REFRESH_LOCK_NAMESPACE } from "../db/metric_unit_values.ts";
import {
  experimentMetricStats,
  type SnapshotExperiment,
  stopBackgroundRecomputations,
} from "../db/metric_snapshots.ts";
import type { MetricDefinition } from "../lib/metrics/definition.ts";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment } from "./helpers/sdk.ts";

const CARD_BOUND: MetricDefinition = {
  key: "card_bound_any",
  version: 1,
  builtin: false,
  source: "track",
  name: { "zh-CN": "绑卡率", en: "Card bound" },
  kind: "proportion",
  direction: "higher_is_better",
  windowHours: null,
  event: "card_bound",
} as MetricDefinition;

testBothBackends("metric snapshots: computing, stale, dropped at shutdown", async (t, database) => {
  const { db } = database;
  await createTestApp(db);
  const id = await makeExperiment(db, {
    key: "shutdown-metrics",
    variants: [{ name: "对照组", weight: 0.5 }, { name: "优惠券", weight: 0.5 }],
  });
  const exposed = new Date("2026-10-01T00:00:00Z");
  for (const [unit, variant] of [["6222000011112222", "对照组"], ["13800138000", "优惠券"]]) {
    await db.insertInto("unit_outcomes").values({
      experiment_id: id,
      bank_id: "CC2",
      unit,
      variant,
      first_exposure_at: exposed,
    }).execute();
  }
  await db.insertInto("track_events").values({
    bank_id: "CC2",
    event_id: "bound-1",
    event: "card_bound",
    unit: "13800138000",
    value: null,
    occurred_at: new Date(exposed.getTime() + 3_600_000),
  }).execute();
  const experiment: SnapshotExperiment = {
    id,
    bankId: "CC2",
    mode: "ab",
    stoppedAt: null,
    variants: ["对照组", "优惠券"],
    allocationIds: null,
  };
  const now = new Date("2026-10-02T00:00:00Z");
  const computedAt = async () =>
    (await sql<{ at: Date }>`select computed_at as at from metric_snapshots
      where experiment_id = ${id}`.execute(db)).rows.map((r) => new Date(r.at).getTime());
  const age = async () =>
    await sql`update metric_snapshots set computed_at = ${new Date("2026-01-01T00:00:00Z")}
      where experiment_id = ${id}`.execute(db);
  const settle = async (before: number[]) => {
    for (let i = 0; i < 100 && (await computedAt())[0] === before[0]; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  // On PostgreSQL another session holds the experiment's refresh lock, so the first computation
  // waits for it past the request's wait. (PGlite has one connection: a transaction held open
  // would hold the whole results read, so the step is PostgreSQL's only.)
  if (database.backend === "postgres") {
    await t.step(
      "a first computation past the request's wait is answered as computing",
      async () => {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        let taken!: () => void;
        const lockTaken = new Promise<void>((r) => (taken = r));
        const holder = db.transaction().execute(async (trx) => {
          await sql`select pg_advisory_xact_lock(${REFRESH_LOCK_NAMESPACE}, hashtext(${id}))`
            .execute(trx);
          taken();
          await held;
        });
        await lockTaken;
        try {
          const early = await experimentMetricStats(db, experiment, [CARD_BOUND], {
            now,
            computeWaitMs: 300,
          });
          assert.equal(early.get(CARD_BOUND.key)?.computing, true);
          assert.deepEqual(early.get(CARD_BOUND.key)?.arms, []);
        } finally {
          release();
          await holder;
        }
      },
    );
  }
  // The computation went on: the next view joins it or reads its snapshot.
  const first = await experimentMetricStats(db, experiment, [CARD_BOUND], { now });
  assert.equal(first.get(CARD_BOUND.key)?.computing, undefined);
  assert.deepEqual(first.get(CARD_BOUND.key)?.arms.map((a) => a.sum), [0, 1]);

  await t.step("before: a stale snapshot is recomputed in the background", async () => {
    await age();
    const stale = await computedAt();
    await experimentMetricStats(db, experiment, [CARD_BOUND], { now });
    await settle(stale);
    assert.notDeepEqual(await computedAt(), stale);
  });

  await t.step("after stopBackgroundRecomputations: dropped, nothing logged", async () => {
    await stopBackgroundRecomputations(db);
    await age();
    const stale = await computedAt();
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const shown = await experimentMetricStats(db, experiment, [CARD_BOUND], { now });
      assert.deepEqual(shown.get(CARD_BOUND.key)?.arms.map((a) => a.sum), [0, 1]);
      await settle(stale);
    } finally {
      console.error = original;
    }
    assert.deepEqual(await computedAt(), stale, "not recomputed");
    assert.deepEqual(errors, []);
  });
});
