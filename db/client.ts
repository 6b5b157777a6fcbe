/**
 * Opens the database named by `DATABASE_URL`:
 *
 * - unset or a plain path: embedded PostgreSQL (PGlite) stored under `dataDir`;
 * - `memory://`: embedded PostgreSQL in memory (tests, throwaway demos);
 * - `postgres://…` / `postgresql://…`: a PostgreSQL server through postgres.js.
 *
 * One type policy for both backends: int8 (`count(*)`, bigserial) and numeric come back as
 * strings, exactly as postgres.js returns them; repositories convert where a number is safe.
 * jsonb is parsed to objects; timestamptz to `Date`.
 */
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, PGliteDialect } from "kysely";
import { PostgresJSDialect, PostgresJSDriver } from "kysely-postgres-js";
import type { Database } from "./schema.ts";

export type DatabaseKind = "pglite-file" | "pglite-memory" | "postgres";

export interface OpenedDatabase {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where embedded data lives (`null` for memory and servers). */
  location: string | null;
  /**
   * LISTEN on `channel`: `onNotify(payload)` for each notification, in commit order;
   * `onListen()` each time the listening connection is (re)established (after a reconnect,
   * notifications sent in between are lost). PGlite delivers in-process, before the query
   * that committed returns; PostgreSQL on a dedicated connection. Returns the UNLISTEN.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

type PostgresJSConfig = ConstructorParameters<typeof PostgresJSDialect>[0];

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export function databaseKind(url: string | undefined): DatabaseKind {
  if (!url) return "pglite-file";
  if (url === "memory://") return "pglite-memory";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`Unsupported DATABASE_URL "${url}": use memory:// or postgres://…`);
}

export async function openDatabase(
  url: string | undefined,
  options: { dataDir?: string; maxConnections?: number } = {},
): Promise<OpenedDatabase> {
  const kind = databaseKind(url);
  if (kind === "postgres") return openPostgres(url!, options.maxConnections ?? 10);
  const { PGlite } = await import("@electric-sql/pglite");
  const dataDir = kind === "pglite-file" ? (options.dataDir ?? "./data") : undefined;
  if (dataDir) await Deno.mkdir(dataDir, { recursive: true });
  const identity = (value: string) => value;
  const pglite = new PGlite({
    dataDir,
    parsers: { [INT8_OID]: identity, [NUMERIC_OID]: identity },
  });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind,
    location: dataDir ?? null,
    async listen(channel, onNotify, onListen) {
      const unlisten = await pglite.listen(channel, onNotify);
      onListen?.();
      return unlisten;
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * A PostgreSQL server through postgres.js, guarded against the ways postgres.js 3.4.9 takes the
 * process down or wedges its pool when connections die (a stopped server, a failover, a network
 * cut), all reproduced by `tests/outage_test.ts`:
 *
 * - Kysely runs every statement on a reserved connection (`sql.reserve()`), and a reserved
 *   connection keeps accepting statements after its socket closed: the ROLLBACK Kysely sends after
 *   a failed statement, or the next statement of a transaction, is buffered for a write scheduled
 *   with `setImmediate`, which then calls `write` on the socket that is now null. That throws
 *   from a timer, outside any promise: `Uncaught TypeError: Cannot read properties of null
 *   (reading 'write') at Immediate.nextWrite (connection.js:255)`, and the process exits
 *   (porsager/postgres#1066, #1154; unreleased fixes #1168, #1176, #1215).
 * - Releasing such a connection puts the closed connection back among the open ones, where the
 *   next statement meets the same null socket; and a connection whose pending write was cancelled
 *   by the close keeps a stale write timer, so after reconnecting it never sends its start-up
 *   message and times out forever (LanternOps/breeze#3225).
 * - A reservation that waited while connections failed is handed to a reconnecting connection as
 *   its first query and dropped once the connection succeeds (the array-type fetch after
 *   connecting discards a reservation it holds as first query): the request waits forever, even
 *   after the server is back.
 * - Kysely's PostgreSQL driver marks a connection whose ROLLBACK failed through a method that
 *   kysely-postgres-js's connections lack, so a lost connection became a 500 (a `TypeError`).
 *
 * So the pool handed to Kysely is a generation of postgres.js pools: once any connection of a
 * generation closes (postgres.js's `onclose`, called synchronously from the socket's close, before
 * any promise reaction can send another statement), or a statement fails with a connection-level
 * error, the generation is retired: its reserved connections refuse further statements (a
 * `DATABASE_UNAVAILABLE` rejection, never a write), are never released into a pool, and the pool
 * is ended at once (its statements in flight fail; the caller answers 503). The next reservation
 * opens a fresh generation, which connects when the server answers again; a reservation not
 * granted within 10 s answers 503 (a connection granted later goes straight back). `max_lifetime`
 * is off, so connections close only when something is wrong (a planned close would otherwise
 * retire the generation every half hour). ROLLBACK rethrows its own error.
 *
 * LISTEN runs on a connection of its own that is re-established after it closes, retrying until
 * the server answers (postgres.js's own `listen()` gives up after one failed attempt and then never
 * listens again).
 */
async function openPostgres(url: string, max: number): Promise<OpenedDatabase> {
  const { default: postgres } = await import("postgres");
  const options = {
    onnotice: () => {},
    connection: { application_name: "lensloop" },
    max_lifetime: null,
    connect_timeout: 5,
    // Seconds before reconnecting, by the number of failed attempts: capped at 1 s, so service
    // resumes within about a second of the server's return (postgres.js's default reaches 20 s).
    backoff: (attempts: number) => Math.min(0.05 * 2 ** attempts, 1),
  };
  const pool = guardedPool((onclose) =>
    postgres(url, { ...options, max, onclose }) as unknown as PoolSql
  );
  const db = new Kysely<Database>({
    dialect: new GuardedDialect({
      postgres: pool.sql as unknown as PostgresJSConfig["postgres"],
    }),
  });
  const listeners = new Set<{ stop: () => Promise<void> }>();
  return {
    db,
    kind: "postgres",
    location: null,
    async listen(channel, onNotify, onListen) {
      const listener = await listenResiliently(
        (handlers) =>
          postgres(url, {
            ...options,
            ...handlers,
            max: 1,
            fetch_types: false,
            connection: { application_name: "lensloop listener" },
          }),
        channel,
        onNotify,
        onListen,
      );
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      await db.destroy();
    },
  };
}

/**
 * kysely-postgres-js's dialect with a rollback that rethrows its own error: Kysely's PostgreSQL
 * driver, which it extends, marks the connection for discarding through a private method that
 * kysely-postgres-js's connections lack, so a failed ROLLBACK (a lost connection) surfaced as
 * `TypeError: connection[PRIVATE_MARK_FOR_DISCARD_METHOD] is not a function` — a 500 instead
 * of a 503. The guarded pool never reuses such a connection anyway.
 */
class GuardedDialect extends PostgresJSDialect {
  readonly #config: PostgresJSConfig;
  constructor(config: PostgresJSConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new RollbackDriver(this.#config);
  }
}

class RollbackDriver extends PostgresJSDriver {
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }
}

/** The part of a postgres.js pool the guard uses. */
export interface PoolSql {
  reserve(): Promise<ReservedSql>;
  end(options?: { timeout?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface ReservedSql {
  unsafe(text: string, parameters?: unknown[], options?: unknown): PendingQuery;
  release(): void;
}

/** A postgres.js query: a promise with `cancel`, `cursor` and `state`. */
export type PendingQuery = PromiseLike<unknown> & {
  cancel(): unknown;
  cursor(...args: unknown[]): unknown;
  state?: unknown;
};

interface Generation {
  sql: PoolSql;
  retired: boolean;
}

/** A reservation not granted within this many ms answers `DATABASE_UNAVAILABLE`. */
const RESERVE_TIMEOUT_MS = 10_000;
/** After a retired pool has ended, when to close connections that reconnected nonetheless. */
const SWEEP_AFTER_MS = 15_000;
/** After a failed connection attempt, reservations fail at once for this long (a probe then). */
const FAIL_FAST_MS = 500;

/**
 * A postgres.js-shaped pool (what `kysely-postgres-js` calls: `reserve()` and `end()`) over
 * generations of real pools; see `openPostgres`.
 */
export function guardedPool(
  create: (onclose: () => void) => PoolSql,
  options: { reserveTimeoutMs?: number } = {},
): {
  sql: Pick<PoolSql, "reserve" | "end">;
  /** Generations retired so far (tests). */
  retirements: () => number;
} {
  let current: Generation | null = null;
  let retired = 0;
  let ending = false;
  let failingUntil = 0;
  const reserveTimeoutMs = options.reserveTimeoutMs ?? RESERVE_TIMEOUT_MS;
  const ends = new Set<Promise<void>>();
  const sweeps = new Map<ReturnType<typeof setTimeout>, Generation>();

  function generation(): Generation {
    if (current) return current;
    const made: Generation = { sql: null as unknown as PoolSql, retired: false };
    made.sql = create(() => retire(made));
    current = made;
    return made;
  }

  function retire(generation: Generation) {
    if (generation.retired) return;
    generation.retired = true;
    retired++;
    if (current === generation) current = null;
    // A reconnection already scheduled when the pool ends still connects (postgres.js does not
    // cancel its timer): closing the pool's connections again later ends those too.
    const ended = generation.sql.end({ timeout: 0 }).catch(() => {});
    const sweep = setTimeout(() => {
      sweeps.delete(sweep);
      generation.sql.close().catch(() => {});
    }, SWEEP_AFTER_MS);
    Deno.unrefTimer(sweep);
    sweeps.set(sweep, generation);
    ends.add(ended);
    ended.then(() => ends.delete(ended));
  }

  function guard(generation: Generation, reserved: ReservedSql): ReservedSql {
    let dead = false;
    return {
      unsafe(text, parameters, options) {
        if (dead || generation.retired) return refused();
        const query = reserved.unsafe(text, parameters, options);
        return {
          then(onResolved, onRejected) {
            return query.then(onResolved, (error: unknown) => {
              if (connectionLost(error)) {
                dead = true;
                retire(generation);
              }
              if (onRejected) return onRejected(error);
              throw error;
            });
          },
          cancel: () => query.cancel(),
          cursor: (...args: unknown[]) => query.cursor(...args),
          get state() {
            return query.state;
          },
        };
      },
      release() {
        if (!dead && !generation.retired) reserved.release();
      },
    };
  }

  const sql = Object.assign(
    () => {
      throw new Error("Use reserve(): the guarded pool runs statements on reserved connections");
    },
    {
      async reserve(): Promise<ReservedSql> {
        for (let attempt = 0; attempt < 3; attempt++) {
          if (ending || performance.now() < failingUntil) break;
          const made = generation();
          let reserved: ReservedSql;
          try {
            reserved = await granted(made.sql.reserve(), reserveTimeoutMs);
          } catch (error) {
            // The server refuses or is gone: the next requests answer 503 without waiting in
            // postgres.js's queue for a connection attempt each; one probes after FAIL_FAST_MS.
            if (connectionLost(error)) failingUntil = performance.now() + FAIL_FAST_MS;
            throw error;
          }
          failingUntil = 0;
          if (made.retired) continue; // retired while waiting: that pool is being ended
          return guard(made, reserved);
        }
        throw databaseUnavailable();
      },
      async end() {
        ending = true;
        const last = current;
        current = null;
        if (last) {
          last.retired = true;
          await last.sql.end({ timeout: 5 });
        }
        await Promise.all(ends);
        await Promise.all([...sweeps].map(([sweep, retired]) => {
          clearTimeout(sweep);
          return retired.sql.close().catch(() => {});
        }));
      },
    },
  );
  return { sql, retirements: () => retired };
}

/**
 * A reservation, or `DATABASE_UNAVAILABLE` after `RESERVE_TIMEOUT_MS`: postgres.js loses a
 * reservation that waited while a connection failed and is then served by that connection's
 * reconnection (the pool's `onclose` hands it over as the connection's first query, which is
 * dropped when array types are fetched after connecting), so it would wait forever. A connection
 * granted after the timeout goes straight back to the pool.
 */
function granted(reservation: Promise<ReservedSql>, timeoutMs: number): Promise<ReservedSql> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let late = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(databaseUnavailable());
    }, timeoutMs);
  });
  reservation.then((reserved) => late && reserved.release(), () => {});
  return Promise.race([reservation, timeout]).finally(() => clearTimeout(timer));
}

/** A rejected statement that never reached postgres.js, shaped like its queries. */
function refused(): PendingQuery {
  const failed = Promise.reject(databaseUnavailable());
  failed.catch(() => {});
  return Object.assign(failed, { cancel: () => {}, cursor: () => failed });
}

/** The error of a statement on a connection that was lost, or of a retired pool. */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";
  constructor(message = "The database connection was lost") {
    super(message);
    this.name = "DatabaseUnavailableError";
  }
}

function databaseUnavailable(): DatabaseUnavailableError {
  return new DatabaseUnavailableError();
}

/**
 * Whether `error` says the connection is gone (rather than that a statement failed): postgres.js's
 * own connection errors (`CONNECTION_CLOSED`, `CONNECTION_DESTROYED`, `CONNECTION_ENDED`,
 * `CONNECT_TIMEOUT`), socket errors (`ECONNRESET`, `EPIPE`, `ECONNREFUSED`, …), and server errors
 * that end the session (severity FATAL or PANIC, SQLSTATE class 08, 57P01–57P05: shutdown, crash,
 * terminated backend).
 */
export function connectionLost(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (typeof code !== "string") return false;
  if (typeof severity === "string") {
    return severity === "FATAL" || severity === "PANIC" || /^(08|57P0)/.test(code);
  }
  return /^CONNECT(ION)?_/.test(code) || /^E[A-Z]+$/.test(code) ||
    /^ERR_(STREAM|SOCKET)_/.test(code);
}

/**
 * Whether `error` means the database cannot serve right now — a lost or refused connection, or
 * the server starting, stopping or out of connection slots (57P03, 53300) — so the request may
 * be retried shortly (503), as opposed to a bug or bad input.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (connectionLost(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "57P03" || code === "53300";
}

/**
 * Whether an error that reached the top level (an uncaught exception or unhandled rejection) is a
 * database connection failing rather than a bug: a lost connection (`connectionLost`), or a
 * fault inside postgres.js's connection code such as writing to a socket that has closed (the
 * crash `openPostgres` works around; `main.ts` keeps running on these and only these).
 */
export function isDatabaseConnectionFault(error: unknown): boolean {
  if (connectionLost(error)) return true;
  const stack = error instanceof Error ? error.stack ?? "" : "";
  return error instanceof TypeError && /\/postgres\/[^/\s]+\/src\/connection\.js/.test(stack);
}

/** What `listenResiliently` needs of a postgres.js instance (one connection). */
interface ListenSql {
  unsafe(text: string): PromiseLike<unknown>;
  end(options?: { timeout?: number }): Promise<void>;
}

/**
 * LISTEN on `channel` over its own connection, listening again whenever that connection closes
 * (retrying every 0.25–2 s until the server answers); `onListen` after each success. Rejects when
 * the first LISTEN fails.
 */
async function listenResiliently(
  create: (handlers: {
    onnotify: (channel: string, payload: string) => void;
    onclose: () => void;
  }) => ListenSql,
  channel: string,
  onNotify: (payload: string) => void,
  onListen?: () => void,
): Promise<{ stop: () => Promise<void> }> {
  let stopped = false;
  let relistening = false;
  const statement = `listen "${channel.replaceAll('"', '""')}"`;
  const sql = create({
    onnotify: (from, payload) => from === channel && onNotify(payload),
    onclose: () => void relisten(),
  });
  async function relisten() {
    if (stopped || relistening) return;
    relistening = true;
    try {
      for (let delay = 250; !stopped; delay = Math.min(delay * 2, 2000)) {
        try {
          await sql.unsafe(statement);
          if (!stopped) onListen?.();
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    } finally {
      relistening = false;
    }
  }
  try {
    await sql.unsafe(statement);
  } catch (error) {
    stopped = true;
    await sql.end({ timeout: 0 });
    throw error;
  }
  onListen?.();
  return {
    async stop() {
      stopped = true;
      await sql.end({ timeout: 1 });
    },
  };
}
