/** Whether the database answers (for `/healthz`). */
import { sql } from "kysely";
import type { Db } from "./schema.ts";

/** Resolves when the database answers a trivial query; rejects with the driver's error. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
