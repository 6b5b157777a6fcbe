/**
 * The README's promise, tested on the real process: `main.ts` starts on the embedded database
 * (and on a PostgreSQL server), answers /healthz, serves the UI in Chinese, stops cleanly on
 * SIGTERM, and a second start keeps the data.
 */
import assert from "node:assert/strict";
import { BACKENDS, openTestDatabase } from "./helpers/db.ts";
import { start, withoutDatabaseUrl } from "./helpers/process.ts";

async function checkServes(url: string) {
  const health = await fetch(new URL("/healthz", url));
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok", memory: "live" });
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<html lang="zh-CN">/);
  assert.match(html, /透镜·闭环/);
}

Deno.test({
  name: "deno task start serves on the embedded database, stops on SIGTERM and keeps the data",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "lensloop-data-" });
    try {
      const first = await start({ ...withoutDatabaseUrl(), DATA_DIR: dataDir });
      await checkServes(first.url);
      const stopped = await first.stop();
      assert.equal(stopped.code, 0, stopped.output);
      assert.match(stopped.output, /embedded PostgreSQL \(PGlite\), data in /);
      assert.match(stopped.output, /demo data:\s+seeded/);
      assert.match(stopped.output, /admin password \(shown once\): \S{12,}/);
      assert.match(stopped.output, /Lensloop stopped\./);

      const second = await start({ ...withoutDatabaseUrl(), DATA_DIR: dataDir });
      await checkServes(second.url);
      const again = await second.stop();
      assert.equal(again.code, 0, again.output);
      assert.match(again.output, /demo data:\s+kept from an earlier start/);
      assert.doesNotMatch(again.output, /shown once/);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

if (BACKENDS.includes("postgres")) {
  Deno.test({
    name: "deno task start serves on a PostgreSQL server named by DATABASE_URL",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const database = await openTestDatabase("postgres");
      try {
        const running = await start({ DATABASE_URL: database.url, SEED_DEMO: "1" });
        await checkServes(running.url);
        const stopped = await running.stop();
        assert.equal(stopped.code, 0, stopped.output);
        assert.match(stopped.output, /database:\s+PostgreSQL server/);
        const banks = await database.db.selectFrom("banks").select("id").execute();
        assert.equal(banks.length, 20);
      } finally {
        await database.close();
      }
    },
  });
}
