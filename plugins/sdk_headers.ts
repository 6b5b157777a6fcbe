/**
 * Responses of the SDK API (`/api/v1/*`) carry the site's security headers that apply to a JSON
 * API called by servers — the same Content-Security-Policy (nothing returned may run or be
 * framed), `X-Content-Type-Options: nosniff` and the referrer policy, read from
 * `securityHeaders()` itself so they cannot drift — plus `Cache-Control: no-store` (an
 * assignment or an error must not be cached on the way). The document-level headers (COOP,
 * CORP, X-Frame-Options, …) are left out: each costs about 0.8 µs per response in Deno's HTTP
 * layer, and the assignment call is a hot path (`bench/README.md`).
 *
 * Routes answer with `sdkJson`, which builds the response with the headers in one go; the
 * middleware adds them to error answers.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { securityHeaders } from "./security_headers.ts";

const KEPT = ["content-security-policy", "x-content-type-options", "referrer-policy"];

const site = new Hono();
site.use(securityHeaders());
site.get("/", (c) => c.body(null, 204));
const siteHeaders = (await site.request("/")).headers;

/** The headers of every SDK answer, content type first. */
export const SDK_HEADERS: ReadonlyArray<[string, string]> = [
  ["content-type", "application/json"],
  ...KEPT.map((name): [string, string] => [name, siteHeaders.get(name)!]),
  ["cache-control", "no-store"],
];

/** A JSON answer of the SDK API. */
export function sdkJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: SDK_HEADERS as [string, string][] });
}

/** Puts the SDK headers on answers not made by `sdkJson` (errors turned into JSON). */
export function sdkHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.error) {
      for (const [name, value] of SDK_HEADERS.slice(1)) {
        c.res.headers.set(name, value);
      }
    }
  };
}
