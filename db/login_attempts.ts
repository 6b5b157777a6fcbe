/**
 * Failed sign-ins per (account, client address), in the database so every app instance counts
 * the same (migration 0008). A row's window is fixed: it starts at the first failure after the
 * previous window ended. The rules that read the counts are in `lib/security/login_throttle.ts`.
 * Times come from the caller's clock (tests move it without sleeping).
 */
import { sql } from "kysely";
import type { LoginCounts } from "../lib/security/login_throttle.ts";
import type { Db } from "./schema.ts";

export interface LoginKey {
  /** The normalised email tried. */
  account: string;
  address: string;
}

/**
 * The failures inside the window ending at `now` for the pair, the account (every address) and
 * the address (every account), and whether the account was signed into from the address since
 * `knownSince`. One query over the rows of the account or the address.
 */
export async function loginCounts(
  db: Db,
  key: LoginKey,
  options: { now: Date; windowMs: number; knownSince: Date },
): Promise<LoginCounts> {
  const { account, address } = key;
  const since = new Date(options.now.getTime() - options.windowMs);
  const isPair = sql`account = ${account} and address = ${address}`;
  const row = await db.selectFrom("login_attempts")
    .where((eb) => eb.or([eb("account", "=", account), eb("address", "=", address)]))
    .select([
      sql<number | null>`max(failures) filter (where ${isPair} and window_start > ${since})`
        .as("pair_failures"),
      sql<Date | null>`max(window_start) filter (where ${isPair} and window_start > ${since})`
        .as("pair_start"),
      sql<string>`coalesce(sum(failures) filter (
        where account = ${account} and window_start > ${since}), 0)`.as("account_failures"),
      sql<Date | null>`min(window_start) filter (
        where account = ${account} and window_start > ${since} and failures > 0)`
        .as("account_oldest"),
      sql<string>`coalesce(sum(failures) filter (
        where address = ${address} and window_start > ${since}), 0)`.as("address_failures"),
      sql<Date | null>`min(window_start) filter (
        where address = ${address} and window_start > ${since} and failures > 0)`
        .as("address_oldest"),
      sql<boolean | null>`bool_or(${isPair} and last_success_at > ${options.knownSince})`
        .as("known"),
    ])
    .executeTakeFirstOrThrow();
  return {
    pair: row.pair_failures === null || row.pair_start === null
      ? null
      : { failures: Number(row.pair_failures), windowStart: new Date(row.pair_start) },
    account: {
      failures: Number(row.account_failures),
      oldestWindowStart: row.account_oldest === null ? null : new Date(row.account_oldest),
    },
    address: {
      failures: Number(row.address_failures),
      oldestWindowStart: row.address_oldest === null ? null : new Date(row.address_oldest),
    },
    knownAddress: row.known === true,
  };
}

/**
 * Counts one failure of the pair: the window goes on when it started after `now - windowMs`,
 * otherwise a new one starts at `now`. Atomic, so concurrent instances never lose a count.
 * Also drops rows whose window ended and whose success is older than `knownSince`.
 */
export async function recordLoginFailure(
  db: Db,
  key: LoginKey,
  options: { now: Date; windowMs: number; knownSince: Date },
): Promise<void> {
  const since = new Date(options.now.getTime() - options.windowMs);
  await db.insertInto("login_attempts")
    .values({ ...key, window_start: options.now, failures: 1 })
    .onConflict((oc) =>
      oc.columns(["account", "address"]).doUpdateSet({
        failures: sql`case when login_attempts.window_start > ${since}
          then login_attempts.failures + 1 else 1 end`,
        window_start: sql`case when login_attempts.window_start > ${since}
          then login_attempts.window_start else ${options.now}::timestamptz end`,
      })
    )
    .execute();
  await db.deleteFrom("login_attempts")
    .where("window_start", "<=", since)
    .where((eb) =>
      eb.or([eb("last_success_at", "is", null), eb("last_success_at", "<=", options.knownSince)])
    )
    .execute();
}

/** A successful sign-in: the pair's failures are cleared and the address becomes known. */
export async function recordLoginSuccess(db: Db, key: LoginKey, now: Date): Promise<void> {
  await db.insertInto("login_attempts")
    .values({ ...key, window_start: now, failures: 0, last_success_at: now })
    .onConflict((oc) =>
      oc.columns(["account", "address"]).doUpdateSet({
        failures: 0,
        window_start: now,
        last_success_at: now,
      })
    )
    .execute();
}

/**
 * Forgets the account's failures from every address (a password reset: the owner must be able
 * to sign in with the new password at once). Known addresses stay known.
 */
export async function clearLoginFailures(db: Db, account: string): Promise<void> {
  await db.updateTable("login_attempts").set({ failures: 0 })
    .where("account", "=", account.trim().toLowerCase())
    .execute();
}
