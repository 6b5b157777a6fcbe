import assert from "node:assert/strict";
import {
  connectionLost,
  databaseKind,
  DatabaseUnavailableError,
  guardedPool,
  isDatabaseConnectionFault,
  isDatabaseUnavailable,
  type PoolSql,
  type ReservedSql,
} from "./client.ts";

Deno.test("databaseKind() follows DATABASE_URL", () => {
  assert.equal(databaseKind(undefined), "pglite-file");
  assert.equal(databaseKind("memory://"), "pglite-memory");
  assert.equal(databaseKind("postgres://u@h:5432/d"), "postgres");
  assert.equal(databaseKind("postgresql://u@h/d"), "postgres");
  assert.throws(() => databaseKind("mysql://x"), /Unsupported DATABASE_URL/);
});

/**
 * A stand-in for postgres.js pools: each `create` makes one whose reserved connections run
 * `run(text)` and record statements and releases; `close()` fires the pool's `onclose`.
 */
function fakePools(run: (text: string) => Promise<unknown> = () => Promise.resolve([])) {
  const pools: Array<{ onclose: () => void; ended: boolean; sent: string[]; released: number }> =
    [];
  let grant: (() => void) | null = null;
  const create = (onclose: () => void): PoolSql => {
    const pool = { onclose, ended: false, sent: [] as string[], released: 0 };
    pools.push(pool);
    const reserved = (): ReservedSql => ({
      unsafe(text) {
        pool.sent.push(text);
        const result = run(text);
        return Object.assign(result, { cancel: () => {}, cursor: () => result });
      },
      release: () => void pool.released++,
    });
    return {
      reserve: () =>
        grant === null ? Promise.resolve(reserved()) : new Promise((resolve) => {
          grant = () => resolve(reserved());
        }),
      end: () => Promise.resolve(void (pool.ended = true)),
      close: () => Promise.resolve(),
    };
  };
  return {
    create,
    pools,
    hold: () => void (grant = () => {}),
    grant: () => grant?.(),
  };
}

Deno.test("guardedPool(): after a connection closes, its pool's reserved connections refuse statements and are never released", async () => {
  const fake = fakePools();
  const { sql, retirements } = guardedPool(fake.create);
  const first = await sql.reserve();
  await first.unsafe("select 1");
  fake.pools[0].onclose(); // a connection of that pool closed (its socket is gone)
  await assert.rejects(() => Promise.resolve(first.unsafe("rollback")), DatabaseUnavailableError);
  first.release();
  assert.deepEqual(fake.pools[0].sent, ["select 1"], "nothing reaches the closed pool");
  assert.equal(fake.pools[0].released, 0, "a closed connection never goes back into a pool");
  assert.equal(fake.pools[0].ended, true);
  assert.equal(retirements(), 1);
  const next = await sql.reserve();
  await next.unsafe("select 2");
  next.release();
  assert.deepEqual(fake.pools[1].sent, ["select 2"], "a fresh pool serves what follows");
  assert.equal(fake.pools[1].released, 1);
  await sql.end();
});

Deno.test("guardedPool(): a statement failing with a lost connection retires the pool; a statement error does not", async () => {
  const fake = fakePools((text) =>
    text === "bad"
      ? Promise.reject(Object.assign(new Error("syntax"), { code: "42601", severity: "ERROR" }))
      : text === "lost"
      ? Promise.reject(Object.assign(new Error("gone"), { code: "CONNECTION_CLOSED" }))
      : Promise.resolve([])
  );
  const { sql, retirements } = guardedPool(fake.create);
  const a = await sql.reserve();
  await assert.rejects(() => Promise.resolve(a.unsafe("bad")), /syntax/);
  await a.unsafe("rollback");
  a.release();
  assert.equal(retirements(), 0);
  assert.equal(fake.pools[0].released, 1);
  const b = await sql.reserve();
  await assert.rejects(() => Promise.resolve(b.unsafe("lost")), /gone/);
  await assert.rejects(() => Promise.resolve(b.unsafe("rollback")), DatabaseUnavailableError);
  b.release();
  assert.equal(retirements(), 1);
  assert.equal(fake.pools[0].released, 1, "the lost connection was not released");
  await sql.end();
});

Deno.test("guardedPool(): a reservation not granted in time answers DATABASE_UNAVAILABLE; granted later, it goes back", async () => {
  const fake = fakePools();
  const { sql } = guardedPool(fake.create, { reserveTimeoutMs: 50 });
  fake.hold();
  await assert.rejects(() => sql.reserve(), DatabaseUnavailableError);
  fake.grant();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(fake.pools[0].released, 1);
  await sql.end();
});

Deno.test("connectionLost() and isDatabaseUnavailable() tell a lost database from a failed statement", () => {
  const error = (fields: Record<string, string>) => Object.assign(new Error("x"), fields);
  for (
    const lost of [
      error({ code: "CONNECTION_CLOSED" }),
      error({ code: "CONNECT_TIMEOUT" }),
      error({ code: "ECONNREFUSED" }),
      error({ code: "EPIPE" }),
      error({ code: "57P01", severity: "FATAL" }),
      error({ code: "08006", severity: "ERROR" }),
      new DatabaseUnavailableError(),
    ]
  ) {
    assert.equal(connectionLost(lost), true, JSON.stringify(lost));
    assert.equal(isDatabaseUnavailable(lost), true);
  }
  for (
    const statement of [
      error({ code: "23505", severity: "ERROR" }),
      error({ code: "22021", severity: "ERROR" }),
      error({ code: "MAX_PARAMETERS_EXCEEDED" }),
      new TypeError("Cannot read properties of undefined"),
      null,
      "text",
    ]
  ) {
    assert.equal(connectionLost(statement), false, JSON.stringify(statement));
    assert.equal(isDatabaseUnavailable(statement), false);
  }
  assert.equal(isDatabaseUnavailable(error({ code: "53300", severity: "FATAL" })), true);
  assert.equal(isDatabaseUnavailable(error({ code: "57P03", severity: "FATAL" })), true);
});

Deno.test("isDatabaseConnectionFault(): postgres.js's null-socket write is one; other errors are not", () => {
  const crash = new TypeError("Cannot read properties of null (reading 'write')");
  crash.stack = `TypeError: Cannot read properties of null (reading 'write')
    at Immediate.nextWrite (file:///root/.cache/deno/npm/registry.npmjs.org/postgres/3.4.9/src/connection.js:255:22)`;
  assert.equal(isDatabaseConnectionFault(crash), true);
  assert.equal(isDatabaseConnectionFault(new TypeError("x is not a function")), false);
  assert.equal(isDatabaseConnectionFault(new Error("bug")), false);
  assert.equal(
    isDatabaseConnectionFault(Object.assign(new Error("gone"), { code: "ECONNRESET" })),
    true,
  );
});
