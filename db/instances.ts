/**
 * App instances and their memory leases (migration 0009): the bookkeeping behind "an acknowledged
 * opt-out holds on every instance" (`db/config_cache.ts`). Lease times are the database's clock;
 * callers only compare durations, so instances need no synchronised clocks.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Records that instance `id` may answer from memory for at most `ms` milliseconds from now (the
 * database's now; the instance counts its own lease from before this call, so it ends first).
 */
export async function renewLease(db: Kysely<Database>, id: string, ms: number): Promise<void> {
  await db.insertInto("app_instances")
    .values({ id, lease_until: sql<Date>`now() + make_interval(secs => ${ms / 1000})` })
    .onConflict((oc) => oc.column("id").doUpdateSet({ lease_until: sql`excluded.lease_until` }))
    .execute();
}

/**
 * The instances other than `exceptId` whose lease has not run out, with the milliseconds left
 * (at least 1).
 */
export async function liveLeases(
  db: Kysely<Database>,
  exceptId: string,
): Promise<Array<{ id: string; remainingMs: number }>> {
  const rows = await db.selectFrom("app_instances")
    .where("id", "<>", exceptId)
    .where("lease_until", ">", sql<Date>`clock_timestamp()`)
    .select([
      "id",
      sql<string>`ceil(extract(epoch from lease_until - clock_timestamp()) * 1000)`.as("remaining"),
    ])
    .execute();
  return rows.map((r) => ({ id: r.id, remainingMs: Math.max(1, Number(r.remaining)) }));
}

/** An instance stopping: writers need not wait for it any more. */
export async function dropLease(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("app_instances").where("id", "=", id).execute();
}

/** Rows of instances gone for a day (they crashed, or stopped without the database). */
export async function forgetOldInstances(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom("app_instances")
    .where("lease_until", "<", sql<Date>`now() - interval '1 day'`).execute();
}
