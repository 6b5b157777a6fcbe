/**
 * The fast path of `GET /api/v1/experiments/:key/assignment`, the call that sits in an app
 * screen's path: it answers before Hono when the config cache holds everything the answer needs
 * right now, and otherwise returns `undefined`, so the request goes through the app as usual.
 *
 * It answers only the plain, valid case: the exact path; a key that matches the experiment-key
 * pattern; a query of just `unit=` with unreserved characters (nothing to decode, nothing to
 * escape in JSON); a Bearer key the cache knows and that is not due for its once-a-minute
 * `last_used_at` write; an A/B experiment of that key's bank; the customer's facts in memory.
 * Then it gives byte for byte the answer the app would give (`fast_assignment_test.ts` compares
 * both). Everything else (a missing, bad or unknown key, a malformed unit, a bandit, a cold
 * cache) takes the app's path, so there is one place that validates, authenticates, loads and
 * explains errors, and this one cannot answer anything the app would refuse.
 *
 * Why it exists: through Hono and its middleware an assignment cost ~36 µs of CPU against ~8 µs
 * for a bare `Deno.serve` answer (`bench/README.md`); this path does only what an assignment
 * must. A key's SHA-256 is remembered per presented key once the cache has confirmed it, so a hit
 * hashes nothing; the remembered hash is still looked up in the cache on every request, so a
 * revocation takes effect as before.
 */
import { createHash } from "node:crypto";
import type { ConfigCache } from "../../../db/config_cache.ts";
import { decide, type SdkExperiment, UNKNOWN_CUSTOMER } from "../../../db/sdk_experiments.ts";
import { sdkJsonText } from "../../../plugins/sdk_headers.ts";
import { TOUCH_EVERY_MS } from "../../../plugins/sdk_auth.ts";

const PREFIX = "/api/v1/experiments/";
const SUFFIX = "/assignment?unit=";
/** `experimentKey` of `schemas.ts`. */
const KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Unreserved URL characters only: the unit reads the same before and after decoding. */
const UNIT = /^[A-Za-z0-9._~-]{1,128}$/;
const BEARER = "Bearer ";
/** Presented keys whose hash is remembered; past this many the memory starts again. */
const MAX_REMEMBERED_KEYS = 1_000;

export type FastPath = (request: Request) => Response | undefined;

/** The fast path over `cache`, with the app's clock. */
export function fastAssignment(cache: ConfigCache, options: { now: () => Date }): FastPath {
  let hashes = new Map<string, string>();
  // The key of the previous request: most callers send one key, and comparing two strings is
  // cheaper than hashing a new one into a map.
  let lastToken = "";
  let lastHash = "";
  // Likewise the experiment of the previous request, kept while the cache's experiments stay
  // as they were (`experimentsVersion`).
  let last: { bankId: string; key: string; version: number; experiment: SdkExperiment } | null =
    null;

  function experimentOf(bankId: string, key: string): SdkExperiment | null | undefined {
    const version = cache.experimentsVersion;
    if (last && last.version === version && last.key === key && last.bankId === bankId) {
      return last.experiment;
    }
    const experiment = cache.peekExperiment(bankId, key);
    if (experiment) last = { bankId, key, version, experiment };
    return experiment;
  }

  /** The bank of a key the cache knows and that needs no `last_used_at` write now. */
  function bankOf(authorization: string | null): string | undefined {
    if (authorization === null || !authorization.startsWith(BEARER)) return undefined;
    const token = authorization.slice(BEARER.length);
    let hash = token === lastToken ? lastHash : hashes.get(token);
    const remembered = hash !== undefined;
    hash ??= createHash("sha256").update(token).digest("hex");
    const key = cache.peekSdkKey(hash);
    if (!key?.lastUsedAt) return undefined;
    if (options.now().getTime() - key.lastUsedAt.getTime() >= TOUCH_EVERY_MS) return undefined;
    if (!remembered) {
      if (hashes.size >= MAX_REMEMBERED_KEYS) hashes = new Map();
      hashes.set(token, hash);
    }
    lastToken = token;
    lastHash = hash;
    return key.bankId;
  }

  return (request) => {
    const url = request.url;
    const host = url.indexOf("//") + 2;
    const start = url.indexOf("/", host);
    if (!url.startsWith(PREFIX, start)) return undefined;
    const keyEnd = url.indexOf(SUFFIX, start + PREFIX.length);
    if (keyEnd < 0 || request.method !== "GET") return undefined;
    const experimentKey = url.slice(start + PREFIX.length, keyEnd);
    const unit = url.slice(keyEnd + SUFFIX.length);
    if (!KEY.test(experimentKey) || !UNIT.test(unit)) return undefined;
    const bankId = bankOf(request.headers.get("authorization"));
    if (bankId === undefined) return undefined;
    const experiment = experimentOf(bankId, experimentKey);
    if (!experiment || experiment.mode !== "ab") return undefined;
    const facts = experiment.status === "running"
      ? cache.peekFacts(bankId, unit, experiment.channel)
      : UNKNOWN_CUSTOMER;
    if (!facts) return undefined; // the app's path loads the bank's customers
    const { variant, reason } = decide(experiment, unit, facts);
    // What `JSON.stringify({ experiment, unit, variant, inExperiment, reason })` gives: the key
    // and the unit passed patterns with nothing to escape; the variant is a stored name.
    return sdkJsonText(
      `{"experiment":"${experimentKey}","unit":"${unit}","variant":${JSON.stringify(variant)},` +
        `"inExperiment":${variant !== null},"reason":"${reason}"}`,
    );
  };
}
