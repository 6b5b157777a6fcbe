/**
 * Builds the Hono app: plugins (middleware) in their fixed order, then the routes. No I/O at
 * import: `main.ts` and the tests pass the opened database and configuration in.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "./lib/errors.ts";
import type { AppDeps, AppEnv } from "./plugins/context.ts";
import { notFoundHandler, onError } from "./plugins/errors.ts";
import { locale } from "./plugins/locale.ts";
import { requestLogger } from "./plugins/logger.ts";
import { securityHeaders } from "./plugins/security_headers.ts";
import { staticRoutes } from "./plugins/assets.ts";
import { pageRoutes } from "./routes/pages.ts";
import { apiRoutes } from "./routes/api/mod.ts";
import healthz from "./routes/healthz.ts";

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  if (deps.config.logRequests) app.use(requestLogger());
  app.use(securityHeaders());
  app.use(async (c, next) => {
    c.set("deps", deps);
    c.set("db", deps.db);
    await next();
  });
  app.use(locale());
  app.use(bodyLimit({
    maxSize: deps.config.bodyLimit,
    onError: () => {
      throw new AppError(413, "PAYLOAD_TOO_LARGE", "Request body is larger than 1 MiB");
    },
  }));
  app.route("/", staticRoutes());
  app.route("/", healthz);
  app.route("/api", apiRoutes());
  app.route("/", pageRoutes());
  app.onError(onError);
  app.notFound(notFoundHandler(() => app.routes));
  return app;
}
