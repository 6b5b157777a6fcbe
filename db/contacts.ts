/**
 * The contact ledger (migration 0015): one row per (experiment, customer) handed an arm on a
 * capped channel. `recordContacts` is where the caps hold: within one transaction it takes an
 * advisory lock per customer (in one order, so two send lists never deadlock each other; a
 * deadlock detected anyway is retried), reads the customers' contacts within the longest cap
 * window, decides with lib/governance/policy.ts's `exceedsCap`, and inserts the contacts of the
 * customers not capped. Two send lists drawn back to back, or on two instances, therefore see
 * each other's contacts: the second waits for the first's commit.
 */
import { type Kysely, sql } from "kysely";
import {
  capsFor,
  exceedsCap,
  type LedgerContact,
  longestWindowHours,
} from "../lib/governance/policy.ts";
import type { SdkExperiment } from "../lib/experiments/sdk_assignment.ts";
import { chunks } from "../lib/arrays.ts";
import type { Database, Db } from "./schema.ts";
import { jsonb } from "./json.ts";

const DEADLOCK = "40P01";
const ATTEMPTS = 4;

/**
 * For each unit (→ whether to record its contact when it is not capped): whether one more
 * contact by `experiment` at `now` exceeds a cap. Records the contacts to record; returns the
 * capped units.
 */
export async function recordContacts(
  db: Kysely<Database>,
  experiment: SdkExperiment,
  units: ReadonlyMap<string, boolean>,
  now: Date,
): Promise<Set<string>> {
  const caps = capsFor(experiment.policy, experiment.channel);
  if (caps.length === 0 || units.size === 0) return new Set();
  for (let attempt = 1;; attempt++) {
    try {
      return await db.transaction().execute((trx) =>
        checkAndRecord(trx, experiment, caps, units, now)
      );
    } catch (error) {
      if (attempt >= ATTEMPTS || (error as { code?: string })?.code !== DEADLOCK) throw error;
    }
  }
}

async function checkAndRecord(
  trx: Db,
  experiment: SdkExperiment,
  caps: ReturnType<typeof capsFor>,
  units: ReadonlyMap<string, boolean>,
  now: Date,
): Promise<Set<string>> {
  const list = [...units.keys()];
  await lockUnits(trx, experiment.bankId, list);
  const since = new Date(now.getTime() - longestWindowHours(caps) * 3_600_000);
  const ledger = new Map<string, LedgerContact[]>();
  for (const part of chunks(list, 1000)) {
    const rows = await trx.selectFrom("contacts")
      .where("bank_id", "=", experiment.bankId)
      .where("unit", "in", part)
      .where("contacted_at", ">", since)
      .select(["unit", "experiment_id", "channel", "contacted_at"])
      .execute();
    for (const r of rows) {
      const held = ledger.get(r.unit) ?? [];
      // A contact stamped after `now` was recorded by a call that took its clock later but got
      // the customer's lock first (or by an instance whose clock runs ahead): it is already made,
      // so it counts as made now. Left as it is, `exceedsCap` would read it as a future contact
      // and skip it, and two overlapping send lists could each contact the customer.
      const at = r.contacted_at > now ? now : r.contacted_at;
      held.push({ experimentId: r.experiment_id, channel: r.channel, at });
      ledger.set(r.unit, held);
    }
  }
  const capped = new Set<string>();
  const contacts: string[] = [];
  for (const [unit, record] of units) {
    const held = ledger.get(unit) ?? [];
    if (exceedsCap(caps, held, experiment.id, now)) capped.add(unit);
    else if (record && !held.some((c) => c.experimentId === experiment.id)) contacts.push(unit);
  }
  for (const part of chunks(contacts, 1000)) {
    await trx.insertInto("contacts")
      .values(part.map((unit) => ({
        experiment_id: experiment.id,
        bank_id: experiment.bankId,
        unit,
        channel: experiment.channel!,
        contacted_at: now,
      })))
      .onConflict((oc) => oc.columns(["experiment_id", "unit"]).doNothing())
      .execute();
  }
  return capped;
}

/** How many locks a bank's customers share: a send list takes at most this many. */
const LOCK_BUCKETS = 256;

/**
 * Transaction-scoped advisory locks covering the customers, taken in key order (PostgreSQL
 * evaluates a volatile select list after the sort), so concurrent callers queue instead of
 * deadlocking. Customers share `LOCK_BUCKETS` locks per bank (by a hash of their id): one lock
 * per customer would take up to 10,000 per send list, and two such lists at once exhaust
 * PostgreSQL's lock table ("out of shared memory" with the default max_locks_per_transaction).
 * A shared lock only makes two callers wait for each other more often; it never lets a cap slip.
 */
async function lockUnits(trx: Db, bankId: string, units: readonly string[]): Promise<void> {
  // One statement, so the order is one order over every key (a send list has ≤ 10,000 units).
  // jsonb() casts through text: postgres.js sends a string parameter as a JSON string otherwise
  // (a jsonb scalar, "cannot extract elements from a scalar").
  const prefix = `contacts/${bankId}/`;
  await sql`select pg_advisory_xact_lock(k) from (
      select distinct hashtextextended(
        ${prefix} || (hashtextextended(u, 0) & ${sql.lit(LOCK_BUCKETS - 1)})::text, 0) as k
      from jsonb_array_elements_text(${jsonb(units)}) as u
    ) as keys order by k`.execute(trx);
}
