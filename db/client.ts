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
import { Kysely, PGliteDialect } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
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

async function openPostgres(url: string, max: number): Promise<OpenedDatabase> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: "lensloop" },
  });
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: sql }) });
  return {
    db,
    kind: "postgres",
    location: null,
    async listen(channel, onNotify, onListen) {
      const { unlisten } = await sql.listen(channel, onNotify, onListen);
      return unlisten;
    },
    async close() {
      await db.destroy();
    },
  };
}
