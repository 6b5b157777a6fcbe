/**
 * Erased customers' suppression records (`customer_suppressions`, migration 0015): a keyed hash
 * of the id (lib/governance/erasure.ts `unitHasher`), so an erased customer is never enrolled
 * again and the table alone names nobody. A change notifies `c:<bank>`: every instance reloads
 * the bank's customers, suppressions included (db/customer_cache.ts).
 *
 * The key is the app's `SECRET_KEY` when configured (`main.ts` registers it with
 * `useSecretKey`), else the database's development key (`app_secrets.notify_key`, the one
 * notification channels use without `SECRET_KEY`). Changing `SECRET_KEY` lifts every
 * suppression (the stored hashes no longer match): keep it, as the channel secrets need.
 */
import { randomSecret } from "../lib/notify/crypto.ts";
import { type UnitHasher, unitHasher } from "../lib/governance/erasure.ts";
import { chunks } from "../lib/arrays.ts";
import { withAlertTables } from "./alerts.ts";
import type { Db } from "./schema.ts";

const secrets = new WeakMap<object, string>();
const hashers = new WeakMap<object, Promise<UnitHasher>>();

/**
 * Makes `secretKey` (when set) the key of suppression hashes on this connection. Resolve the
 * hasher with the connection itself, before opening a transaction (a transaction is another
 * object, and on PGlite the development key's query would wait for the transaction).
 */
export function useSecretKey(db: Db, secretKey: string | undefined): void {
  if (secretKey) secrets.set(db, secretKey);
  else secrets.delete(db);
  hashers.delete(db);
}

/** The suppression hasher of this connection (resolved once). */
export function suppressionHasher(db: Db): Promise<UnitHasher> {
  let found = hashers.get(db);
  if (!found) {
    const configured = secrets.get(db);
    found = configured ? Promise.resolve(unitHasher(configured)) : (async () => {
      const adb = withAlertTables(db);
      await adb.insertInto("app_secrets").values({ name: "notify_key", value: randomSecret() })
        .onConflict((oc) => oc.column("name").doNothing()).execute();
      const row = await adb.selectFrom("app_secrets").select("value")
        .where("name", "=", "notify_key").executeTakeFirstOrThrow();
      return unitHasher(row.value);
    })();
    found.catch(() => hashers.delete(db));
    hashers.set(db, found);
  }
  return found;
}

/** Every suppression hash of a bank (for the memory cache; usually none or few). */
export async function suppressionHashes(db: Db, bankId: string): Promise<Set<string>> {
  const rows = await db.selectFrom("customer_suppressions").where("bank_id", "=", bankId)
    .select("unit_hash").execute();
  return new Set(rows.map((r) => r.unit_hash));
}

/** Whether the bank has any suppression (one index probe). */
async function hasSuppressions(db: Db, bankId: string): Promise<boolean> {
  const row = await db.selectFrom("customer_suppressions").where("bank_id", "=", bankId)
    .select("bank_id").limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The units among `units` that are suppressed; hashes nothing when the bank has none. */
export async function suppressedUnits(
  db: Db,
  bankId: string,
  units: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  if (units.length === 0 || !(await hasSuppressions(db, bankId))) return found;
  const hash = await suppressionHasher(db);
  const byHash = new Map([...new Set(units)].map((u) => [hash(bankId, u), u]));
  for (const part of chunks([...byHash.keys()], 5000)) {
    const rows = await db.selectFrom("customer_suppressions")
      .where("bank_id", "=", bankId).where("unit_hash", "in", part)
      .select("unit_hash").execute();
    for (const r of rows) found.add(byHash.get(r.unit_hash)!);
  }
  return found;
}

/** Records a suppression (idempotent); true when it is new. */
export async function suppress(
  db: Db,
  bankId: string,
  unitHash: string,
  now: Date,
): Promise<boolean> {
  const rows = await db.insertInto("customer_suppressions")
    .values({ bank_id: bankId, unit_hash: unitHash, erased_at: now })
    .onConflict((oc) => oc.columns(["bank_id", "unit_hash"]).doNothing())
    .returning("unit_hash").execute();
  return rows.length > 0;
}

/**
 * Lifts the suppressions of `units` (the bank re-imported them with marketing consent); returns
 * how many were lifted. Hashes nothing when the bank has none.
 */
export async function liftSuppressions(
  db: Db,
  bankId: string,
  units: readonly string[],
  hash: UnitHasher,
): Promise<number> {
  if (units.length === 0 || !(await hasSuppressions(db, bankId))) return 0;
  let lifted = 0;
  for (const part of chunks([...new Set(units)], 5000)) {
    const rows = await db.deleteFrom("customer_suppressions")
      .where("bank_id", "=", bankId)
      .where("unit_hash", "in", part.map((u) => hash(bankId, u)))
      .returning("unit_hash").execute();
    lifted += rows.length;
  }
  return lifted;
}
