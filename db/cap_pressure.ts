/**
 * Stores a `cap_pressure` alert (lib/alerts/cap_pressure.ts) for an experiment, with its
 * deliveries, once per cause (db/alerts.ts `raiseAlert`).
 */
import type { Kysely } from "kysely";
import type { AlertCandidate } from "../lib/alerts/rules.ts";
import { raiseAlert } from "./alerts.ts";
import type { Database } from "./schema.ts";

/** The new alert's id, or null when its cause was already stored (or the experiment is gone). */
export function raiseCapPressure(
  db: Kysely<Database>,
  experiment: { id: string; bankId: string; key: string },
  alert: AlertCandidate,
  now: Date,
): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("experiments").where("id", "=", experiment.id)
      .select("name").executeTakeFirst();
    if (!row) return null;
    return await raiseAlert(trx, {
      bankId: experiment.bankId,
      experimentId: experiment.id,
      experiment: { key: experiment.key, name: row.name },
      ...alert,
    }, now);
  });
}
