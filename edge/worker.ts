/**
 * The Lensloop edge worker: answers `GET /assignment?experiment=&unit=` from the bank's
 * configuration payload, in the server's answer shape (`{experiment, unit, variant,
 * inExperiment, reason, hashVersion}`), without a round trip per decision. What only the server
 * decides (bandits' arms, contact caps, quiet hours without `Temporal`) it asks the server.
 * A standard fetch handler: `deno serve --allow-net --allow-env edge/worker.ts`, Deno Deploy or
 * any edge platform with fetch handlers (edge/README.md). Configured by `LENSLOOP_URL` and
 * `LENSLOOP_SDK_KEY`.
 *
 * The customer's facts are the caller's: `stage=`, `tag=` (repeat it) and `consent=false`
 * (no marketing consent or opted out). Without them the customer is one the bank sent nothing
 * for — the server would read its stored record instead.
 */
import { createClient, type LensloopClient, LensloopError } from "../sdk/lensloop.ts";

const EXPERIMENT_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface WorkerOptions {
  baseUrl: string;
  sdkKey: string;
  /** How the worker reaches the server; default the global `fetch`. */
  fetch?: typeof fetch;
  pollSeconds?: number;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

function refused(status: number, code: string, message: string): Response {
  return json({ error: { code, message } }, status);
}

/** A worker on its own client (tests make several; the default export makes one from env). */
export function createWorker(options: WorkerOptions) {
  const client: LensloopClient = createClient(options);
  async function fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/healthz") {
      return await answered(async () => {
        await client.ready();
        return json({ ok: true, configVersion: client.configVersion });
      });
    }
    if (url.pathname !== "/assignment") return refused(404, "NOT_FOUND", "Not found");
    if (request.method !== "GET") {
      return refused(405, "METHOD_NOT_ALLOWED", "Only GET /assignment is answered");
    }
    const experiment = url.searchParams.get("experiment") ?? "";
    const unit = url.searchParams.get("unit") ?? "";
    if (!EXPERIMENT_KEY.test(experiment)) {
      return refused(400, "VALIDATION_ERROR", `Not an experiment key: "${experiment}"`);
    }
    if (unit.length < 1 || unit.length > 128) {
      return refused(400, "VALIDATION_ERROR", "unit must be 1–128 characters");
    }
    const consent = url.searchParams.get("consent");
    if (consent !== null && consent !== "true" && consent !== "false") {
      return refused(400, "VALIDATION_ERROR", 'consent must be "true" or "false"');
    }
    const stage = url.searchParams.get("stage");
    const tags = url.searchParams.getAll("tag");
    const facts = stage === null && tags.length === 0 && consent === null ? undefined : {
      attributes: stage === null && tags.length === 0
        ? null
        : { ...(stage === null ? {} : { stage }), tags },
      consent: consent !== "false",
    };
    return await answered(async () => {
      await client.ready();
      const hashVersion = client.configOf(experiment)?.hashVersion;
      const answer = await client.assign(experiment, unit, { ...facts, askServer: true });
      return json({ experiment, ...answer, hashVersion });
    });
  }
  /** The answer, or the server's 4xx passed on, or 503 when the server cannot be reached. */
  async function answered(make: () => Promise<Response>): Promise<Response> {
    try {
      return await make();
    } catch (error) {
      if (error instanceof LensloopError && error.status >= 400 && error.status < 500) {
        return refused(error.status, error.code, error.message);
      }
      return refused(503, "UNAVAILABLE", "The Lensloop server cannot be reached");
    }
  }
  return { fetch, close: () => client.close(), client };
}

let worker: ReturnType<typeof createWorker> | undefined;

export default {
  fetch(request: Request): Promise<Response> {
    const env = (globalThis as { Deno?: { env: { get(name: string): string | undefined } } })
      .Deno?.env;
    worker ??= createWorker({
      baseUrl: env?.get("LENSLOOP_URL") ?? "",
      sdkKey: env?.get("LENSLOOP_SDK_KEY") ?? "",
    });
    return worker.fetch(request);
  },
};
