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
 * Local assignment knows only the rule, not opt-outs, consent, targeting or the running
 * window: ask the server (`assignments`) for a send list, or filter those yourself.
 */
import * as rule from "../lib/experiments/assignment.ts";
import type { HashVersion } from "../lib/experiments/assignment.ts";
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

export type Reason = "assigned" | "opted_out" | "not_targeted" | "not_running";

export interface Assignment {
  unit: string;
  variant: string | null;
  inExperiment: boolean;
  reason: Reason;
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
  return {
    assignment: (experiment, unit) =>
      call(
        "GET",
        `/experiments/${encodeURIComponent(experiment)}/assignment?unit=${
          encodeURIComponent(unit)
        }`,
      ),
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
