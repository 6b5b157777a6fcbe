/**
 * Builds the Hono app: plugins (middleware) in their fixed order, then the routes. No I/O at
 * import: `main.ts` and the tests pass the opened database and configuration in.
 *
 * Order: logger → deps/clock/limiters → the SDK API (/api/v1/*: its own JSON security headers,
 * body limit, SDK key auth, routes; it needs nothing below, and the assignment call is a hot
 * path) → security headers → config sync after writes → locale → body limit → CSRF →
 * calculator rate limit → static files and /healthz → session and the sign-in allow-list → API
 * and page routes.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppDeps, AppEnv } from "./plugins/context.ts";
import { notFoundHandler, onError } from "./plugins/errors.ts";
import { locale } from "./plugins/locale.ts";
import {
  logRequest,
  pathOf,
  REQUEST_ID_HEADER,
  requestId,
  requestLogger,
} from "./plugins/logger.ts";
import { securityHeaders } from "./plugins/security_headers.ts";
import { csrfProtection } from "./plugins/csrf.ts";
import { calculatorRateLimit, createThrottles } from "./plugins/rate_limit.ts";
import { syncConfigAfterWrites } from "./plugins/config_sync.ts";
import { sdkAuth } from "./plugins/sdk_auth.ts";
import { sdkHeaders } from "./plugins/sdk_headers.ts";
import { session } from "./plugins/session.ts";
import { staticRoutes } from "./plugins/assets.ts";
import { pageRoutes } from "./routes/pages.ts";
import { apiRoutes } from "./routes/api/mod.ts";
import sdkApi from "./routes/api/v1/mod.ts";
import healthz from "./routes/healthz.ts";
import { fastAssignment } from "./routes/api/v1/fast_assignment.ts";

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (deps.config.logRequests) app.use(requestLogger());
  const now = deps.now ?? (() => new Date());
  const throttles = createThrottles(deps.limits ?? {}, now);
  app.use(async (c, next) => {
    c.set("deps", deps);
    c.set("db", deps.db);
    c.set("now", now);
    c.set("throttles", throttles);
    await next();
  });
  const limitBody = bodyLimit({
    maxSize: deps.config.bodyLimit,
    // plugins/errors.ts answers 413 PAYLOAD_TOO_LARGE, as for a too-large body found later.
    onError: () => {
      throw new HTTPException(413);
    },
  });
  app.use("/api/v1/*", sdkHeaders(), limitBody, sdkAuth());
  app.route("/api/v1", sdkApi);
  app.use(securityHeaders());
  app.use(syncConfigAfterWrites());
  app.use(locale());
  app.use(limitBody);
  app.use(csrfProtection());
  app.use(calculatorRateLimit());
  app.route("/", staticRoutes());
  app.route("/", healthz);
  app.use(session());
  app.route("/api", apiRoutes());
  app.route("/", pageRoutes());
  app.onError(onError);
  app.notFound(notFoundHandler(() => app.routes));
  return app;
}

/**
 * The server's request handler: with a config cache, the assignment fast path first
 * (`routes/api/v1/fast_assignment.ts`: it answers only what it can answer in full from memory),
 * then the app. Logged like the app's own requests (with a request id) when request logging is on.
 */
export function createHandler(
  deps: AppDeps,
  app: Hono<AppEnv> = createApp(deps),
): (request: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response> {
  const fetch = app.fetch;
  if (!deps.configCache) return fetch;
  const fast = fastAssignment(deps.configCache, {
    now: deps.now ?? (() => new Date()),
    counter: deps.reasonCounter,
  });
  if (!deps.config.logRequests) return (request, info) => fast(request) ?? fetch(request, info);
  return (request, info) => {
    const started = performance.now();
    const response = fast(request);
    if (!response) return fetch(request, info);
    const id = requestId(request.headers.get(REQUEST_ID_HEADER));
    response.headers.set(REQUEST_ID_HEADER, id);
    logRequest(id, "GET", pathOf(request.url), response.status, performance.now() - started);
    return response;
  };
}
