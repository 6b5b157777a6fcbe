import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { pickLocale, translator } from "../lib/i18n/mod.ts";
import type { AppEnv } from "./context.ts";

export const LOCALE_COOKIE = "lang";

/** Sets `c.var.locale` and `c.var.t`: the `lang` cookie first, then Accept-Language. */
export function locale(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const chosen = pickLocale(getCookie(c, LOCALE_COOKIE), c.req.header("accept-language"));
    c.set("locale", chosen);
    c.set("t", translator(chosen));
    await next();
  };
}
