/**
 * "Nothing acknowledged is ever lost": events the SDK endpoint acknowledged are still there
 * after the server process is killed (SIGKILL, no graceful shutdown) and started again, on the
 * embedded database and on a PostgreSQL server. The restarted server proves it by answering
 * every acknowledged event id as a duplicate.
 */
import assert from "node:assert/strict";
import { BACKENDS, openTestDatabase } from "./helpers/db.ts";
import { start, withoutDatabaseUrl } from "./helpers/process.ts";

const SDK_KEY = "ll_durability_test_key_0123456789abcdef";

function batch(index: number) {
  return Array.from({ length: 200 }, (_, i) => ({
    id: `dur-${index}-${i}`,
    type: i % 4 === 3 ? "conversion" : "exposure",
    experiment: "welcome-sms",
    unit: `customer-${index * 50 + (i % 50)}`,
    ...(i % 4 === 3 ? { value: 100 + i } : {}),
  }));
}

async function send(url: string, events: unknown[]) {
  const res = await fetch(new URL("/api/v1/events", url), {
    method: "POST",
    headers: { authorization: `Bearer ${SDK_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json() as { accepted: number; duplicates: number; rejected: unknown[] };
}

async function killAndRestart(env: Record<string, string>) {
  const first = await start({ ...env, SDK_KEY });
  let acknowledged = 0;
  const batches = Array.from({ length: 10 }, (_, i) => batch(i));
  for (const events of batches) {
    const answer = await send(first.url, events);
    assert.deepEqual(answer.rejected, []);
    acknowledged += answer.accepted;
  }
  const killed = await first.stop("SIGKILL");
  assert.notEqual(killed.code, 0, "the process was killed, not shut down");
  assert.equal(acknowledged, 2000);

  const second = await start({ ...env, SDK_KEY });
  try {
    let duplicates = 0;
    for (const events of batches) {
      const answer = await send(second.url, events);
      assert.equal(answer.accepted, 0, "nothing acknowledged was lost, so nothing is new");
      duplicates += answer.duplicates;
    }
    assert.equal(duplicates, acknowledged);
  } finally {
    await second.stop();
  }
}

Deno.test({
  name: "acknowledged events survive a killed server on the embedded database",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "lensloop-durability-" });
    try {
      await killAndRestart({ ...withoutDatabaseUrl(), DATA_DIR: dataDir, LOG_REQUESTS: "0" });
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

if (BACKENDS.includes("postgres")) {
  Deno.test({
    name: "acknowledged events survive a killed server on PostgreSQL",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const database = await openTestDatabase("postgres");
      try {
        await killAndRestart({ DATABASE_URL: database.url, LOG_REQUESTS: "0" });
      } finally {
        await database.close();
      }
    },
  });
}
