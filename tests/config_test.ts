import assert from "node:assert/strict";
import { readConfig } from "../fresh.config.ts";

const env = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

Deno.test("readConfig() has the documented defaults", () => {
  const config = readConfig(env({}));
  assert.equal(config.port, 8000);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.dataDir, "./data");
  assert.equal(config.seedDemo, true);
  assert.equal(config.trustProxy, false);
  assert.equal(config.bodyLimit, 1024 * 1024);
});

Deno.test("readConfig() reads every variable of the configuration table", () => {
  const config = readConfig(env({
    PORT: "9001",
    DATABASE_URL: "memory://",
    DATA_DIR: "/tmp/x",
    ADMIN_EMAIL: "a@b.c",
    ADMIN_PASSWORD: "pw",
    SDK_KEY: "k",
    SEED_DEMO: "0",
    TRUST_PROXY: "true",
  }));
  assert.deepEqual(
    [config.port, config.databaseUrl, config.dataDir, config.adminEmail, config.adminPassword],
    [9001, "memory://", "/tmp/x", "a@b.c", "pw"],
  );
  assert.equal(config.sdkKey, "k");
  assert.equal(config.seedDemo, false);
  assert.equal(config.trustProxy, true);
});

Deno.test("readConfig() refuses a port that is not a port", () => {
  assert.throws(() => readConfig(env({ PORT: "http" })), /PORT must be an integer/);
  assert.throws(() => readConfig(env({ PORT: "70000" })), /PORT must be an integer/);
});
