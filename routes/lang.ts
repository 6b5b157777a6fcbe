import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { isLocale } from "../lib/i18n/mod.ts";
import { safeNext } from "../lib/security/redirect.ts";
import { LOCALE_COOKIE } from "../plugins/locale.ts";
import type { AppEnv } from "../plugins/context.ts";

const app = new Hono<AppEnv>();

/** The language toggle: remembers the choice in a cookie for a year and goes back (same-origin paths only: `safeNext`). */
app.get("/lang/:locale", (c) => {
  const chosen = c.req.param("locale");
  if (!isLocale(chosen)) return c.notFound();
  setCookie(c, LOCALE_COOKIE, chosen, {
    path: "/",
    maxAge: 365 * 24 * 3600,
    sameSite: "Lax",
    httpOnly: true,
  });
  return c.redirect(safeNext(c.req.query("next")), 303);
});

export default app;
