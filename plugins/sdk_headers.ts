/**
 * Responses of the SDK API (`/api/v1/*`) carry the headers OWASP's REST Security Cheat Sheet asks
 * of every API response: the JSON content type, `X-Content-Type-Options: nosniff`,
 * `Cache-Control: no-store` (an assignment or an error must not be cached on the way) and a
 * Content-Security-Policy with `frame-ancestors 'none'` — here `default-src 'none'` too, so
 * nothing in an answer may load or run, stricter than the pages' own policy, which must let their
 * scripts load. The headers meant for HTML documents (Referrer-Policy, COOP, CORP, …) are left
 * out: an answer of this API is never a document, and each header costs about 1 µs per response
 * in Deno's HTTP layer on the hottest path (`bench/README.md`). HSTS belongs to whatever
 * terminates TLS in front of the app, as for the pages.
 *
 * Routes answer with `sdkJson`, which builds the response from one `Headers` made at start-up:
 * Deno copies the entries of a `Headers` object as they are, where a list of pairs is checked
 * again on every response. The middleware adds the headers to every other answer.
 */
import type { MiddlewareHandler } from "hono";

/** The headers of every SDK answer, content type first. */
export const SDK_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["content-type", "application/json"],
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
  ["x-content-type-options", "nosniff"],
  ["cache-control", "no-store"],
];

/** Read-only by convention: only ever passed to `new Response`, which copies it. */
const sdkHeaderSet = new Headers(SDK_HEADERS as [string, string][]);

/** A JSON answer of the SDK API. */
export function sdkJson(body: unknown, status = 200): Response {
  return sdkJsonText(JSON.stringify(body), status);
}

/** A JSON answer of the SDK API from JSON text the caller made. */
export function sdkJsonText(json: string, status = 200): Response {
  return new Response(json, { status, headers: sdkHeaderSet });
}

/**
 * Puts the SDK headers on every answer that goes through the app, including those not made by
 * `sdkJson`: errors turned into JSON, and the 404 and 405 of paths and methods the API lacks.
 */
export function sdkHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of SDK_HEADERS.slice(1)) c.res.headers.set(name, value);
  };
}
