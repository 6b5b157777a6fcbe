import { Hono } from "hono";
import type { AppEnv } from "../../plugins/context.ts";

/** Every JSON endpoint under `/api`. */
export function apiRoutes(): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  return api;
}
