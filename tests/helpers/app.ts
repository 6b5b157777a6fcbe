import type { Kysely } from "kysely";
import { createApp } from "../../app.ts";
import type { Database } from "../../db/schema.ts";
import { seedIfEmpty, type SeedResult } from "../../db/seed.ts";
import { readConfig } from "../../fresh.config.ts";
import { loadAssets } from "../../plugins/assets.ts";

export const TEST_ADMIN = { email: "admin@test.local", password: "admin-password-1234" };
export const TEST_SDK_KEY = "ll_test_key_for_the_demo_bank_cc2_0123456789";

/** The app on a test database, seeded with the demo data unless `demo: false`. */
export async function createTestApp(db: Kysely<Database>, options: { demo?: boolean } = {}) {
  const seed: SeedResult = await seedIfEmpty(db, {
    adminEmail: TEST_ADMIN.email,
    adminPassword: TEST_ADMIN.password,
    sdkKey: TEST_SDK_KEY,
    demo: options.demo ?? true,
  });
  const config = { ...readConfig({ get: () => undefined }), logRequests: false };
  const assets = await loadAssets(null);
  return { app: createApp({ db, config, assets }), seed, config };
}

/** A JSON request: `json(app, "POST", "/api/…", body)`. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}) {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}
