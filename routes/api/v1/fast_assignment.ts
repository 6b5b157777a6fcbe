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
 * revocation takes effect as before. The assignment itself is `peekAssignment`, the same code
 * the app's path answers from memory with.
 */
import type { ConfigCache } from "../../../db/config_cache.ts";
import { peekAssignment } from "../../../lib/experiments/sdk_assignment.ts";
import { sdkJsonText } from "../../../plugins/sdk_headers.ts";
import { touchDue } from "../../../plugins/sdk_auth.ts";
import { EXPERIMENT_KEY_PATTERN } from "../../../lib/patterns.ts";
import { sha256Hex } from "../../../lib/security/hash.ts";
import type { ReasonCounter } from "../../../lib/governance/reason_counter.ts";

const PREFIX = "/api/v1/experiments/";
const SUFFIX = "/assignment?unit=";
/** Unreserved URL characters only: the unit reads the same before and after decoding. */
const UNIT = /^[A-Za-z0-9._~-]{1,128}$/;
const BEARER = "Bearer ";
/** Presented keys whose hash is remembered; past this many the memory starts again. */
const MAX_REMEMBERED_KEYS = 1_000;

export type FastPath = (request: Request) => Response | undefined;

/** The fast path over `cache`, with the app's clock; each answer's reason goes to `counter`. */
export function fastAssignment(
  cache: ConfigCache,
  options: { now: () => Date; counter?: ReasonCounter },
): FastPath {
  const counter = options.counter;
  let hashes = new Map<string, string>();

  /** The bank of a key the cache knows and that needs no `last_used_at` write now. */
  function bankOf(authorization: string | null): string | undefined {
    if (authorization === null || !authorization.startsWith(BEARER)) return undefined;
    const token = authorization.slice(BEARER.length);
    const remembered = hashes.get(token);
    const hash = remembered ?? sha256Hex(token);
    const key = cache.peekSdkKey(hash);
    if (!key || touchDue(key, options.now())) return undefined;
    if (remembered === undefined) {
      if (hashes.size >= MAX_REMEMBERED_KEYS) hashes = new Map();
      hashes.set(token, hash);
    }
    return key.bankId;
  }

  return (request) => {
    const url = request.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    if (!url.startsWith(PREFIX, start)) return undefined;
    const keyEnd = url.indexOf(SUFFIX, start + PREFIX.length);
    if (keyEnd < 0 || request.method !== "GET") return undefined;
    const experimentKey = url.slice(start + PREFIX.length, keyEnd);
    const unit = url.slice(keyEnd + SUFFIX.length);
    if (!EXPERIMENT_KEY_PATTERN.test(experimentKey) || !UNIT.test(unit)) return undefined;
    const bankId = bankOf(request.headers.get("authorization"));
    if (bankId === undefined) return undefined;
    const experiment = cache.peekExperiment(bankId, experimentKey);
    // Not in memory (the app's path loads it), a bandit, or the customer's facts not loaded.
    const assignment = experiment && peekAssignment(cache, experiment, unit, options.now());
    if (!assignment) return undefined;
    const { variant, inExperiment, reason, quietUntil } = assignment;
    counter?.count(experiment, reason);
    // What `JSON.stringify({ experiment, ...assignment, hashVersion })` gives: the key and the
    // unit passed patterns with nothing to escape; the variant is a stored name.
    return sdkJsonText(
      `{"experiment":"${experimentKey}","unit":"${unit}","variant":${JSON.stringify(variant)},` +
        `"inExperiment":${inExperiment},"reason":"${reason}",` +
        (quietUntil === undefined ? "" : `"quietUntil":"${quietUntil}",`) +
        `"hashVersion":${experiment.hashVersion}}`,
    );
  };
}
