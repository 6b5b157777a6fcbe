/**
 * Read-your-writes for the config cache: after a state-changing request made through this
 * instance (starting or stopping an experiment, a new allocation, a revoked key, a campaign
 * edit…), the answer waits until this instance's cache has seen the change
 * (`ConfigCache.sync()`, one notification round trip). Other instances see it when the
 * change's notification reaches them. The SDK routes that change customers sync themselves;
 * the SDK hot paths and the calculators change nothing the cache holds.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";
import { isSafeMethod, mayChangeConfig } from "./paths.ts";

export function syncConfigAfterWrites(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const cache = c.get("deps").configCache;
    if (cache && !isSafeMethod(c.req.method) && mayChangeConfig(c.req.path)) {
      await cache.sync();
    }
  };
}
