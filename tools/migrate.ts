/** `deno task migrate`: runs the migrations against DATABASE_URL (or the embedded database). */
import { openDatabase } from "../db/client.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { readConfig } from "../fresh.config.ts";

const config = readConfig();
const database = await openDatabase(config.databaseUrl, { dataDir: config.dataDir });
try {
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Already up to date");
} finally {
  await database.close();
}
