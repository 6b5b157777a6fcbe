/**
 * Stores a `cap_pressure` alert (lib/alerts/cap_pressure.ts) for an experiment, with its
 * deliveries, once per cause (db/alerts.ts `raiseAlert`).
 */
import type { Kysely } from "kysely";
import type { AlertCandidate } from "../lib/alerts/rules.ts";
import { capPressureAlert } from "../lib/alerts/cap_pressure.ts";
import type { SdkExperiment, UnitAssignment } from "../lib/experiments/sdk_assignment.ts";
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

/**
 * A send list of which a large share was capped raises `cap_pressure` (once a day per
 * experiment). The send list's answer does not depend on it: the contacts are already recorded,
 * so a failure to store the alert is logged, never turned into an error.
 */
export async function raiseCapPressureOf(
  db: Kysely<Database>,
  experiment: SdkExperiment,
  result: readonly UnitAssignment[],
  now: Date,
): Promise<void> {
  const reasons = new Map(result.map((a) => [a.unit, a.reason]));
  let capped = 0;
  for (const reason of reasons.values()) if (reason === "frequency_capped") capped++;
  const alert = capPressureAlert(reasons.size, capped, now);
  if (!alert) return;
  await raiseCapPressure(db, experiment, alert, now)
    .catch((error) => console.error(`cap_pressure alert of ${experiment.key} failed:`, error));
}
