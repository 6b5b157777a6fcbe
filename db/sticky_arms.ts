/**
 * Sticky bandit arms in `assignments`: a unit keeps the first arm stored for it. Rows travel as
 * one JSON parameter (`json_to_recordset`), so a batch of 10,000 is one statement, the same on
 * PGlite and PostgreSQL; look-ups go through `lateral (… offset 0)`, an index lookup per pair
 * whatever plan is cached (see `event_outcomes.ts`).
 */
import { sql } from "kysely";
import { chunks } from "../lib/arrays.ts";
import type { Db } from "./schema.ts";

/** One sticky bandit arm to store. */
export interface StickyArm {
  experimentId: string;
  bankId: string;
  unit: string;
  variant: string;
  assignedAt: Date;
  allocationId: string | null;
}

/** `${experimentId}\u0000${unit}`: how stored arms are keyed across experiments. */
export function armKey(experimentId: string, unit: string): string {
  return `${experimentId}\u0000${unit}`;
}

/**
 * Stored arms of (experiment, unit) pairs, keyed by `armKey`; pairs without one are absent.
 * One statement per 10,000 pairs (the pairs travel as one JSON parameter).
 */
export async function readArms(
  db: Db,
  pairs: ReadonlyArray<{ experimentId: string; unit: string }>,
): Promise<Map<string, string>> {
  const arms = new Map<string, string>();
  for (const part of chunks(pairs, 10_000)) {
    const json = JSON.stringify(part.map((p) => ({ e: p.experimentId, u: p.unit })));
    const { rows } = await sql<{ experiment_id: string; unit: string; variant: string }>`
      select a.experiment_id, a.unit, a.variant
      from json_to_recordset(${json}::text::json) as p(e uuid, u text)
      cross join lateral (select * from assignments a
        where a.experiment_id = p.e and a.unit = p.u offset 0) a`.execute(db);
    for (const r of rows) arms.set(armKey(r.experiment_id, r.unit), r.variant);
  }
  return arms;
}

/** A pair whose stored arm is only looked up. */
export interface ArmLookup {
  experimentId: string;
  unit: string;
  variant: null;
}

/**
 * Stores sticky arms in one multi-row `insert … on conflict do nothing` per 10,000 rows and
 * answers the stored arm of every pair (the inserted one, or the one stored first by anyone);
 * rows with `variant: null` only look theirs up.
 */
export async function storeArms(
  db: Db,
  rows: ReadonlyArray<StickyArm | ArmLookup>,
): Promise<Map<string, string>> {
  const arms = new Map<string, string>();
  const fresh = new Map<string, StickyArm>();
  for (const r of rows) {
    if (r.variant !== null && !fresh.has(armKey(r.experimentId, r.unit))) {
      fresh.set(armKey(r.experimentId, r.unit), r as StickyArm);
    }
  }
  for (const part of chunks([...fresh.values()], 10_000)) {
    const json = JSON.stringify(part.map((r) => ({
      e: r.experimentId,
      b: r.bankId,
      u: r.unit,
      v: r.variant,
      t: r.assignedAt.toISOString(),
      a: r.allocationId,
    })));
    const { rows: inserted } = await sql<{ experiment_id: string; unit: string; variant: string }>`
      insert into assignments (experiment_id, bank_id, unit, variant, assigned_at, allocation_id)
      select e, b, u, v, t, a
      from json_to_recordset(${json}::text::json) as r(e uuid, b text, u text, v text, t timestamptz, a bigint)
      on conflict (experiment_id, unit) do nothing
      returning experiment_id, unit, variant`.execute(db);
    for (const r of inserted) arms.set(armKey(r.experiment_id, r.unit), r.variant);
  }
  const missing = rows.filter((r) => !arms.has(armKey(r.experimentId, r.unit)));
  for (const [key, variant] of await readArms(db, missing)) arms.set(key, variant);
  return arms;
}
