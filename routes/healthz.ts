import { Hono } from "hono";
import { pingDatabase } from "../db/health.ts";
import type { AppEnv } from "../plugins/context.ts";
import { errorBody, RETRY_AFTER_SECONDS } from "../plugins/errors.ts";

const app = new Hono<AppEnv>();

/**
 * 200 `{"status":"ok","memory":…}` when the database answers, 503 `DATABASE_UNAVAILABLE` with
 * `Retry-After` otherwise. `memory` says where SDK answers come from: `"live"` (the config cache,
 * listening and within its lease), `"database"` (the cache is catching up after a lost
 * connection: answers are right, only slower), or `"none"` (no cache).
 */
app.get("/healthz", async (c) => {
  c.header("Cache-Control", "no-store");
  try {
    await pingDatabase(c.var.db);
  } catch (error) {
    console.error(`Health check: database did not answer: ${error}`);
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
    return c.json(errorBody("DATABASE_UNAVAILABLE", "The database does not answer"), 503);
  }
  const cache = c.var.deps.configCache;
  return c.json({ status: "ok", memory: cache ? (cache.trusted ? "live" : "database") : "none" });
});

export default app;
