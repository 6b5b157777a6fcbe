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
 * Routes answer with `sdkJson`, which sets the headers on the new response (see `sdkJsonText`).
 * The middleware adds the headers to every other answer.
 */
import type { MiddlewareHandler } from "hono";

/** The headers of every SDK answer, content type first. */
export const SDK_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ["content-type", "application/json"],
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
  ["x-content-type-options", "nosniff"],
  ["cache-control", "no-store"],
];

/** A JSON answer of the SDK API. */
export function sdkJson(body: unknown, status = 200): Response {
  return sdkJsonText(JSON.stringify(body), status);
}

/**
 * A JSON answer of the SDK API from JSON text the caller made. The headers are set one by one on
 * the new response rather than passed to its constructor: Deno converts a constructor's
 * `headers` through WebIDL's `HeadersInit` (an iterator over a `Headers`, property descriptors of
 * a record), ~4–6 µs a response against ~1 µs for four `set` calls (`bench/README.md`).
 */
export function sdkJsonText(json: string, status = 200): Response {
  const response = status === 200 ? new Response(json) : new Response(json, { status });
  const headers = response.headers;
  for (let i = 0; i < SDK_HEADERS.length; i++) headers.set(SDK_HEADERS[i][0], SDK_HEADERS[i][1]);
  return response;
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
