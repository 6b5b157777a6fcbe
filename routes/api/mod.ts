import { Hono } from "hono";
import type { AppEnv } from "../../plugins/context.ts";
import lens from "./lens.ts";

/** Every JSON endpoint under `/api`. */
export function apiRoutes(): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  api.route("/lens", lens);
  return api;
}
