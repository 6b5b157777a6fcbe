/**
 * Lensloop SDK for a bank's systems: computes A/B assignment locally exactly as the server
 * does, and calls the SDK API (`/api/v1`). No dependencies; runs in browsers, Deno, Node 18+
 * and Bun. Served as an ES module at `/sdk/lensloop.js`.
 *
 * Local assignment needs the experiment's hash version (`hashVersion` of an assignment answer,
 * or of the experiment in the app's API): 1 for experiments created before version 2 existed,
 * 2 for every later one (docs/SDK.md states both rules).
 *
 * ```ts
 * import { assignVariant, createClient } from "https://lensloop.example/sdk/lensloop.js";
 * assignVariant("welcome-sms", "C000123", [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }], 2);
 * const lensloop = createClient({ baseUrl: "https://lensloop.example", sdkKey: "ll_…" });
 * await lensloop.sendEvents([{ id: "evt-1", type: "exposure", experiment: "welcome-sms", unit: "C000123" }]);
 * await lensloop.track("card_bound", "C000123", undefined, { id: "bind-88001" });
 * ```
 *
 * `assignVariant` knows only the rule. Local evaluation knows everything the configuration
 * payload says (status, weights, targeting with the campaign's segment, layers, the holdout,
 * QA units; docs/SDK.md "Local evaluation"): `await client.ready()` loads the payload and
 * follows its changes (long polling `GET /api/v1/config`), then `client.assign(key, unit,
 * { attributes, consent })` answers as the server would, or `ask_server` for what only the
 * server decides (bandits' arms, contact caps, quiet hours without `Temporal`); `close()` stops
 * following.
 *
 * ```ts
 * await lensloop.ready();
 * lensloop.assign("welcome-sms", "C000123", { attributes: { stage: "active" }, consent: true });
 * // → { unit: "C000123", variant: "coupon", inExperiment: true, reason: "assigned" }
 * await lensloop.assign("installment-bandit", "C000123", { askServer: true }); // the server's arm
 * lensloop.close();
 * ```
 */
import * as rule from "../lib/experiments/assignment.ts";
import type { HashVersion } from "../lib/experiments/assignment.ts";
import {
  type CallerFacts,
  compileConfig,
  type CompiledConfig,
  type ConfigExperiment,
  type ConfigPayload,
  evaluate,
  type LocalAssignment,
} from "../lib/experiments/local_evaluation.ts";
export type {
  CallerFacts,
  ConfigExperiment,
  ConfigPayload,
  LocalAssignment,
  LocalReason,
} from "../lib/experiments/local_evaluation.ts";
export {
  CURRENT_HASH_VERSION,
  fmix32,
  fnv1a32,
  HASH_VERSIONS,
  type HashVersion,
  variantIndexFor,
} from "../lib/experiments/assignment.ts";

/**
 * The unit's bucket in [0, 1) under the experiment's hash version (the server's own
 * `bucketOf`). JavaScript written for the first SDK passes no version: it means version 1.
 */
export function bucketOf(experimentKey: string, unit: string, hashVersion: HashVersion): number {
  return rule.bucketOf(experimentKey, unit, hashVersion ?? 1);
}

/**
 * The variant a unit gets in an A/B experiment under its hash version, or null when no weight
 * is positive (the server's own `assignVariant`). No version given: version 1, as before.
 */
export function assignVariant(
  experimentKey: string,
  unit: string,
  variants: readonly { name: string; weight: number }[],
  hashVersion: HashVersion,
): string | null {
  return rule.assignVariant(experimentKey, unit, variants, hashVersion ?? 1);
}

export type Reason =
  | "not_running"
  | "opted_out"
  | "forced"
  | "holdout"
  | "not_targeted"
  | "layer_excluded"
  | "frequency_capped"
  | "quiet_hours"
  | "assigned";

export interface Assignment {
  unit: string;
  variant: string | null;
  inExperiment: boolean;
  reason: Reason;
  /** With reason `quiet_hours`: when they end (ISO 8601, UTC). */
  quietUntil?: string;
}

/** Options of one local evaluation. */
export interface AssignOptions extends CallerFacts {
  /** The clock for quiet hours; default now. */
  now?: Date;
}

export interface ExperimentEvent {
  /** Your id for the event: sending it again is harmless (counted as a duplicate). */
  id: string;
  type: "exposure" | "conversion";
  experiment: string;
  unit: string;
  /** Conversions only, e.g. a deposit amount. */
  value?: number;
  /** ISO 8601; default: when the server receives it. */
  at?: string;
}

/**
 * Something a customer did, tied to no experiment (`card_bound`, `deposit`, …): what the
 * bank's metric library measures. Stored for opted-out customers too.
 */
export interface TrackEvent {
  /** Your id for the event (one id space with exposures and conversions). */
  id: string;
  type: "track";
  /** 1–64 of `[a-z0-9_]`. */
  event: string;
  unit: string;
  /** An amount (negative allowed), e.g. a deposit. */
  value?: number;
  /** ISO 8601; default: when the server receives it. */
  at?: string;
}

export type LensloopEvent = ExperimentEvent | TrackEvent;

/** Event names of `track` events. */
export const EVENT_NAME_PATTERN = /^[a-z0-9_]{1,64}$/;

function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${
    Math.random().toString(36).slice(2)
  }`;
}

/**
 * A `track` event for `sendEvents` (batches). Give your own `id` (e.g. the transaction's id)
 * so that resending it after a failure is recognised as a duplicate; without one a random id
 * is made, and a resend would count twice.
 */
export function trackEvent(
  event: string,
  unit: string,
  value?: number,
  options: { id?: string; at?: string | Date } = {},
): TrackEvent {
  if (!EVENT_NAME_PATTERN.test(event)) {
    throw new LensloopError(
      400,
      "INVALID_EVENT_NAME",
      `Invalid event name "${event}": use 1–64 lowercase letters, digits or _`,
    );
  }
  const e: TrackEvent = { id: options.id ?? randomId(), type: "track", event, unit };
  if (value !== undefined) e.value = value;
  if (options.at !== undefined) {
    e.at = options.at instanceof Date ? options.at.toISOString() : options.at;
  }
  return e;
}

export interface EventsResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; error: { code: string; message: string } }>;
}

export interface Customer {
  unit: string;
  attributes?: { stage?: string; tags?: string[] };
  marketingConsent?: boolean;
}

export interface ClientOptions {
  /** The Lensloop server, e.g. `https://lensloop.example`. */
  baseUrl: string;
  /** The bank's SDK key (keep it on your servers). */
  sdkKey: string;
  /** A fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Local evaluation: how long (seconds, 1–60) each long poll for changes waits; default 30.
   * 0: load the payload once and do not follow it.
   */
  pollSeconds?: number;
}

/** A 4xx/5xx answer of the API, with its error code (e.g. `BATCH_TOO_LARGE`). */
export class LensloopError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "LensloopError";
  }
}

export interface LensloopClient {
  /** With the experiment's `hashVersion`, for computing its arms locally. */
  assignment(
    experiment: string,
    unit: string,
  ): Promise<Assignment & { experiment: string; hashVersion: HashVersion }>;
  /** Up to 10,000 units. */
  assignments(experiment: string, units: string[]): Promise<Assignment[]>;
  /** Up to 5,000 events; resolved once they are durably stored. */
  sendEvents(events: LensloopEvent[]): Promise<EventsResult>;
  /**
   * Sends one `track` event (`trackEvent`; pass `options.id` to make a resend harmless);
   * resolved once it is durably stored. For many, build them with `trackEvent` and send them
   * with `sendEvents` in batches.
   */
  track(
    event: string,
    unit: string,
    value?: number,
    options?: { id?: string; at?: string | Date },
  ): Promise<EventsResult>;
  /** Up to 10,000 units; `channel` default `*` (every channel). */
  optOut(
    units: string[],
    channel?: string,
  ): Promise<{ channel: string; units: number; inserted: number }>;
  /** Up to 10,000 customers. */
  upsertCustomers(customers: Customer[]): Promise<{ upserted: number }>;
  /**
   * Local evaluation: loads the configuration payload (the first call) and follows its
   * changes; resolves once it is loaded, rejects when it cannot be (e.g. 401 INVALID_SDK_KEY;
   * a later call tries again).
   */
  ready(): Promise<void>;
  /**
   * The answer for `unit` from the payload, as the server gives it for a customer with these
   * attributes and consent; `ask_server` for what only the server decides, or (with
   * `askServer: true`) the server's answer for those. Throws 404 NOT_FOUND for an experiment
   * the bank does not have, NOT_READY before `ready()` resolved.
   */
  assign(experiment: string, unit: string, options?: AssignOptions): LocalAssignment;
  assign(
    experiment: string,
    unit: string,
    options: AssignOptions & { askServer: true },
  ): Promise<LocalAssignment>;
  /** An experiment as the payload in use carries it (undefined: not in it, or not loaded). */
  configOf(experiment: string): ConfigExperiment | undefined;
  /** The version of the payload in use (null before it is loaded). */
  readonly configVersion: string | null;
  /** Stops following the payload (`assign` keeps answering from the last one). */
  close(): void;
}

/** A client of the SDK API. */
export function createClient(options: ClientOptions): LensloopClient {
  const base = options.baseUrl.replace(/\/+$/, "") + "/api/v1";
  const doFetch = options.fetch ?? fetch;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await doFetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${options.sdkKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const error = data?.error ?? { code: "HTTP_ERROR", message: `HTTP ${res.status}` };
      throw new LensloopError(res.status, error.code, error.message);
    }
    return data as T;
  }
  const local = followConfig(base, options, doFetch);
  const assignment = (experiment: string, unit: string) =>
    call<Assignment & { experiment: string; hashVersion: HashVersion }>(
      "GET",
      `/experiments/${encodeURIComponent(experiment)}/assignment?unit=${encodeURIComponent(unit)}`,
    );
  function assign(experiment: string, unit: string, options?: AssignOptions): LocalAssignment;
  function assign(
    experiment: string,
    unit: string,
    options: AssignOptions & { askServer: true },
  ): Promise<LocalAssignment>;
  function assign(
    experiment: string,
    unit: string,
    options?: AssignOptions & { askServer?: boolean },
  ): LocalAssignment | Promise<LocalAssignment> {
    const config = local.config;
    if (!config) throw new LensloopError(0, "NOT_READY", "Call and await ready() first");
    const compiled = config.experiments.get(experiment);
    if (!compiled) {
      const error = new LensloopError(404, "NOT_FOUND", `Experiment "${experiment}" not found`);
      if (options?.askServer) return Promise.reject(error);
      throw error;
    }
    const answer = evaluate(compiled, unit, options, options?.now);
    if (!options?.askServer) return answer;
    if (answer.reason !== "ask_server") return Promise.resolve(answer);
    return assignment(experiment, unit).then((a) => {
      const server: LocalAssignment = {
        unit: a.unit,
        variant: a.variant,
        inExperiment: a.inExperiment,
        reason: a.reason,
      };
      if (a.quietUntil) server.quietUntil = a.quietUntil;
      return server;
    });
  }
  return {
    ready: () => local.ready(),
    assign,
    configOf: (experiment) => local.config?.experiments.get(experiment)?.config,
    get configVersion() {
      return local.config?.version ?? null;
    },
    close: () => local.close(),
    assignment,
    assignments: async (experiment, units) =>
      (await call<{ assignments: Assignment[] }>("POST", "/assignments", { experiment, units }))
        .assignments,
    sendEvents: (events) => call("POST", "/events", { events }),
    track: async (event, unit, value, options) =>
      await call("POST", "/events", { events: [trackEvent(event, unit, value, options)] }),
    optOut: (units, channel) => call("POST", "/opt-outs", { units, channel }),
    upsertCustomers: (customers) => call("PUT", "/customers", { customers }),
  };
}

/**
 * Loads the payload on the first `ready()` and keeps it current with long polls
 * (`GET /config?wait=…` with the version in If-None-Match: answered at once when it changed,
 * else when it changes, else 304 after the wait). A failed poll is retried after 1 s, doubling up
 * to 30 s; a 401 or 403 stops following.
 */
function followConfig(base: string, options: ClientOptions, doFetch: typeof fetch) {
  const pollSeconds = Math.min(Math.max(Math.trunc(options.pollSeconds ?? 30), 0), 60);
  const abort = new AbortController();
  let loading: Promise<void> | null = null;
  const state = {
    config: null as CompiledConfig | null,
    ready(): Promise<void> {
      loading ??= load(0).then(
        () => {
          if (pollSeconds > 0) void follow();
        },
        (error) => {
          loading = null; // the next ready() tries again
          throw error;
        },
      );
      return loading;
    },
    close() {
      abort.abort();
    },
  };
  async function load(wait: number): Promise<void> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.sdkKey}` };
    if (state.config) headers["if-none-match"] = `"${state.config.version}"`;
    const res = await doFetch(`${base}/config${wait ? `?wait=${wait}` : ""}`, {
      headers,
      signal: abort.signal,
    });
    if (res.status === 304) {
      await res.body?.cancel();
      return;
    }
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const error = data?.error ?? { code: "HTTP_ERROR", message: `HTTP ${res.status}` };
      throw new LensloopError(res.status, error.code, error.message);
    }
    state.config = compileConfig(data as ConfigPayload);
  }
  async function follow() {
    let backoff = 1000;
    while (!abort.signal.aborted) {
      try {
        await load(pollSeconds);
        backoff = 1000;
      } catch (error) {
        if (abort.signal.aborted) return;
        if (error instanceof LensloopError && (error.status === 401 || error.status === 403)) {
          return;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          abort.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          });
        });
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }
  return state;
}
