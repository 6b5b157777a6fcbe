import assert from "node:assert/strict";
import { databaseKind } from "./client.ts";

Deno.test("databaseKind() follows DATABASE_URL", () => {
  assert.equal(databaseKind(undefined), "pglite-file");
  assert.equal(databaseKind("memory://"), "pglite-memory");
  assert.equal(databaseKind("postgres://u@h:5432/d"), "postgres");
  assert.equal(databaseKind("postgresql://u@h/d"), "postgres");
  assert.throws(() => databaseKind("mysql://x"), /Unsupported DATABASE_URL/);
});
