/** Helpers for the SDK API tests: authenticated requests and experiments made directly. */
import type { Kysely } from "kysely";
import { createExperiment } from "../../db/experiments.ts";
import type { Database, ExperimentStatus } from "../../db/schema.ts";
import type { HashVersion } from "../../lib/experiments/assignment.ts";
import { jsonRequest, TEST_SDK_KEY } from "./app.ts";

export const SDK_AUTH = { authorization: `Bearer ${TEST_SDK_KEY}` };

type App = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/** Sends a JSON request with the demo bank's SDK key; returns status and parsed body. */
export async function sdkCall(
  app: App,
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; type: string; body: any }> {
  const init = body === undefined
    ? { method, headers: SDK_AUTH }
    : jsonRequest(method, body, SDK_AUTH);
  const res = await app.request(path, init);
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    body: await res.json(),
  };
}

/** Creates an experiment directly (no campaign), with optional targeting. */
export async function makeExperiment(
  db: Kysely<Database>,
  input: {
    bankId?: string;
    key: string;
    mode?: "ab" | "bandit";
    status?: ExperimentStatus;
    variants: Array<{ name: string; weight: number }>;
    targeting?: { stages?: string[]; tags?: string[] };
    startedAt?: Date;
    /** Default: what a new experiment gets (2). */
    hashVersion?: HashVersion;
  },
): Promise<string> {
  const { id } = await createExperiment(db, {
    bankId: input.bankId ?? "CC2",
    campaignId: null,
    key: input.key,
    name: input.key,
    mode: input.mode,
    status: input.status ?? "running",
    variants: input.variants,
    startedAt: input.startedAt ?? new Date("2025-01-01T00:00:00Z"),
    createdBy: null,
    hashVersion: input.hashVersion,
  });
  if (input.targeting) {
    await db.updateTable("experiments").set({ targeting: input.targeting }).where("id", "=", id)
      .execute();
  }
  return id;
}

/** Moves the demo experiment's start back, so events may carry earlier times. */
export async function startDemoExperimentAt(db: Kysely<Database>, at: Date): Promise<string> {
  const row = await db.updateTable("experiments").set({ started_at: at })
    .where("bank_id", "=", "CC2").where("key", "=", "welcome-sms")
    .returning("id").executeTakeFirstOrThrow();
  return row.id;
}
