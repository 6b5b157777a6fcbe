/**
 * CSRF protection for state changes: a request with an unsafe method (not GET/HEAD/OPTIONS)
 * must come from this site. A browser says where a request comes from in `Sec-Fetch-Site` and
 * `Origin`; either one naming another site → 403 `CSRF_REJECTED`. Requests carrying neither
 * (curl, server-to-server) carry no ambient browser credentials worth forging and pass. The
 * SDK endpoints (`/api/v1/*`) authenticate with a Bearer key, not cookies, and are exempt.
 * Unlike `hono/csrf` this checks every content type, JSON included.
 */
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../lib/errors.ts";
import type { AppEnv } from "./context.ts";
import { isSafeMethod, isSdkPath } from "./paths.ts";

/** The host the client used: `Host` (or the URL's host), `X-Forwarded-Host` behind a trusted proxy. */
function requestHost(c: Context<AppEnv>): string {
  const forwarded = c.var.deps.config.trustProxy
    ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim()
    : undefined;
  return (forwarded || c.req.header("host") || new URL(c.req.url).host).toLowerCase();
}

function sameSite(c: Context<AppEnv>): boolean {
  const fetchSite = c.req.header("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  try {
    return new URL(origin).host.toLowerCase() === requestHost(c);
  } catch {
    return false; // "null" or garbage: an opaque origin is never ours
  }
}

export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (
      !isSafeMethod(c.req.method) && !isSdkPath(c.req.path) &&
      !sameSite(c)
    ) {
      throw new AppError(403, "CSRF_REJECTED", "Cross-site request refused");
    }
    await next();
  };
}
