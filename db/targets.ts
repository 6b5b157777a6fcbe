/**
 * Lens targets: one per bank (migration 0013). The caller checks the target with
 * `lib/lens/targets.ts` and opens the transaction that also writes the audit entry.
 */

import type { LensTarget } from "../lib/lens/targets.ts";
import type { Scope } from "../lib/scope.ts";
import type { Db } from "./schema.ts";
import { inBankScope } from "./scope.ts";

/** A bank's stored target, with who set it and when. */
export interface StoredTarget extends LensTarget {
  bankId: string;
  note: string;
  updatedBy: string | null;
  updatedAt: Date;
}

/** The target of a bank in `scope`, or null (none set, or not in scope). */
export async function getTarget(
  db: Db,
  scope: Scope,
  bankId: string,
): Promise<StoredTarget | null> {
  const row = await db.selectFrom("lens_targets").selectAll().where("bank_id", "=", bankId)
    .where((eb) => inBankScope(eb, "lens_targets.bank_id", scope)).executeTakeFirst();
  if (!row) return null;
  return {
    bankId: row.bank_id,
    targetDate: row.target_date,
    dimensions: row.dimensions,
    note: row.note,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

/** Creates or replaces a bank's target. */
export async function saveTarget(
  db: Db,
  input: LensTarget & { bankId: string; note: string; updatedBy: string | null },
): Promise<void> {
  const now = new Date();
  await db.insertInto("lens_targets").values({
    bank_id: input.bankId,
    target_date: input.targetDate,
    dimensions: input.dimensions,
    note: input.note,
    updated_by: input.updatedBy,
    updated_at: now,
  }).onConflict((oc) =>
    oc.column("bank_id").doUpdateSet({
      target_date: input.targetDate,
      dimensions: input.dimensions,
      note: input.note,
      updated_by: input.updatedBy,
      updated_at: now,
    })
  ).execute();
}

/** Removes a bank's target; true when there was one. */
export async function deleteTarget(db: Db, bankId: string): Promise<boolean> {
  const rows = await db.deleteFrom("lens_targets").where("bank_id", "=", bankId)
    .returning("bank_id").execute();
  return rows.length > 0;
}
