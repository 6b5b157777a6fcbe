import { Hono } from "hono";
import { sql } from "kysely";
import type { AppEnv } from "../plugins/context.ts";
import { errorBody } from "../plugins/errors.ts";

const app = new Hono<AppEnv>();

/** 200 `{"status":"ok"}` only when the database answers; 503 otherwise. */
app.get("/healthz", async (c) => {
  try {
    await sql`select 1`.execute(c.var.db);
  } catch (error) {
    console.error(`Health check: database did not answer: ${error}`);
    return c.json(errorBody("DATABASE_UNAVAILABLE", "The database does not answer"), 503);
  }
  c.header("Cache-Control", "no-store");
  return c.json({ status: "ok" });
});

export default app;
