/**
 * Integration tests run against both backends: PGlite in memory and a PostgreSQL server
 * (a throwaway database per test on 127.0.0.1:5432, or the server of `TEST_DATABASE_URL`).
 * In CI the PostgreSQL tests must run: an unreachable server fails them. Elsewhere too, unless
 * `LENSLOOP_SKIP_POSTGRES=1` says to leave them out.
 */
import postgres from "postgres";
import { openDatabase, type OpenedDatabase } from "../../db/client.ts";
import { migrateToLatest } from "../../db/migrate.ts";

export type Backend = "pglite" | "postgres";
export const BACKENDS: Backend[] =
  Deno.env.get("LENSLOOP_SKIP_POSTGRES") === "1" && !Deno.env.get("CI")
    ? ["pglite"]
    : ["pglite", "postgres"];

const SERVER_URL = Deno.env.get("TEST_DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/test";

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export interface TestDatabase extends OpenedDatabase {
  backend: Backend;
  /** For PostgreSQL: the URL of the throwaway database (other processes can connect). */
  url: string;
}

/** Opens a fresh, migrated database on the backend; `close()` also drops a server database. */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === "pglite") {
    const opened = await openDatabase("memory://");
    await migrateToLatest(opened.db);
    return { ...opened, backend, url: "memory://" };
  }
  const name = `lensloop_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${SERVER_URL} is needed for the "postgres" backend tests ` +
        `(start it, set TEST_DATABASE_URL, or LENSLOOP_SKIP_POSTGRES=1 outside CI): ${error}`,
    );
  } finally {
    await admin.end();
  }
  const url = withDatabase(SERVER_URL, name);
  const opened = await openDatabase(url, { maxConnections: 5 });
  await migrateToLatest(opened.db);
  return {
    ...opened,
    backend,
    url,
    async close() {
      await opened.close();
      const dropper = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * Registers one `Deno.test` per backend, named `"<name> [backend]"`, with a fresh migrated
 * database that is closed (and dropped) afterwards.
 */
export function testBothBackends(
  name: string,
  fn: (t: Deno.TestContext, database: TestDatabase) => Promise<void>,
): void {
  for (const backend of BACKENDS) {
    Deno.test({
      name: `${name} [${backend}]`,
      sanitizeOps: false,
      sanitizeResources: false,
      async fn(t) {
        const database = await openTestDatabase(backend);
        try {
          await fn(t, database);
        } finally {
          await database.close();
        }
      },
    });
  }
}
