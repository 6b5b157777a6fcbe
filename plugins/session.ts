/**
 * Sessions and access: resolves the `ll_session` cookie to `c.var.user` and `c.var.scope`, and
 * refuses anonymous callers everywhere except the one allow-list below, so a new route is
 * protected by default. Pages redirect to `/login?next=…`; `/api/*` answers 401 JSON.
 *
 * Tokens are 256-bit random, stored as SHA-256, idle-expire after 12 hours (sliding; the last
 * use is written at most once a minute) and expire absolutely after 7 days.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Role } from "../db/schema.ts";
import { findSession, insertSession, revokeSession, touchSession } from "../db/sessions.ts";
import { forbidden, unauthorized } from "../lib/errors.ts";
import { type GuardedPage, mayOpenPage } from "../lib/roles.ts";
import { bankScope, EVERY_BANK, type Scope } from "../lib/scope.ts";
import { randomToken } from "../lib/security/password.ts";
import { sha256Hex } from "../lib/security/hash.ts";
import type { AppEnv, SessionUser } from "./context.ts";
import { isPublicPath, wantsJson } from "./paths.ts";

export const SESSION_COOKIE = "ll_session";
export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 3600_000;
const TOUCH_EVERY_MS = 60_000;

/** The banks a user may see: admins all; consultants their own and assigned banks. */
export function scopeOf(user: SessionUser | null): Scope {
  if (!user) return bankScope();
  if (user.role === "admin") return EVERY_BANK;
  const banks = user.bankId ? [user.bankId] : [];
  if (user.role === "consultant") banks.push(...user.consultantBankIds);
  return bankScope(...new Set(banks));
}

/** Whether the request reached us over HTTPS (`X-Forwarded-Proto` only behind a trusted proxy). */
export function isHttps(c: Context<AppEnv>): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return c.var.deps.config.trustProxy &&
    c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/** Resolves the session cookie; a revoked, expired or disabled user's session is anonymous. */
async function resolveUser(c: Context<AppEnv>): Promise<SessionUser | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  if (token.length > 128) return null;
  const tokenHash = sha256Hex(token);
  const found = await findSession(c.var.db, tokenHash);
  const now = c.var.now();
  if (
    !found || found.session.revokedAt || found.user.disabled ||
    now.getTime() >= found.session.expiresAt.getTime() ||
    now.getTime() - found.session.lastSeenAt.getTime() >= SESSION_IDLE_MS
  ) {
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return null;
  }
  if (now.getTime() - found.session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(c.var.db, tokenHash, now);
  }
  const { disabled: _disabled, ...user } = found.user;
  return user;
}

/** The session plugin: sets `c.var.user` and `c.var.scope`, then applies the allow-list. */
export function session(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = await resolveUser(c);
    c.set("user", user);
    c.set("scope", scopeOf(user));
    if (!user && !isPublicPath(c.req.path)) return denyAnonymous(c);
    return await next();
  };
}

function denyAnonymous(c: Context<AppEnv>) {
  if (wantsJson(c.req.path)) throw unauthorized();
  const url = new URL(c.req.url);
  return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
}

/** Guard: a signed-in user (the plugin already ensures it outside the allow-list). */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.var.user) return denyAnonymous(c);
    return await next();
  };
}

/** Guard: a signed-in user with one of these roles; others get 403. */
export function requireRole(...roles: readonly Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.var.user;
    if (!user) return denyAnonymous(c);
    if (!roles.includes(user.role)) throw forbidden("Your role may not do this");
    return await next();
  };
}

/** Guards a page and every path below it (`/x` and `/x/*`) with one of the guards above. */
export function guardPages(
  app: Hono<AppEnv>,
  prefix: string,
  guard: MiddlewareHandler<AppEnv>,
): void {
  app.use(prefix, guard);
  app.use(`${prefix}/*`, guard);
}

/**
 * Guards a page and every page below it by lib/roles.ts's `PAGE_RULES` (the menu's rule too):
 * anonymous callers are sent to sign in, a role the rule leaves out gets 403.
 */
export function guardPage(app: Hono<AppEnv>, page: GuardedPage): void {
  guardPages(app, page, async (c, next) => {
    const user = c.var.user;
    if (!user) return denyAnonymous(c);
    if (!mayOpenPage(user, c.req.path)) throw forbidden("Your role may not do this");
    return await next();
  });
}

/** The signed-in user; throws 401 when there is none (for handlers behind the guards). */
export function currentUser(c: Context<AppEnv>): SessionUser {
  const user = c.var.user;
  if (!user) throw unauthorized();
  return user;
}

/**
 * Starts a new session for the user (rotation: any session the request carried is revoked) and
 * sets the cookie: HttpOnly, SameSite=Lax, Secure over HTTPS.
 */
export async function startSession(c: Context<AppEnv>, userId: string): Promise<void> {
  await revokeRequestSession(c);
  const token = randomToken(32);
  const now = c.var.now();
  await insertSession(c.var.db, {
    tokenHash: sha256Hex(token),
    userId,
    now,
    expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
  });
  setCookie(c, SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

/** Revokes the request's session (if any) and clears the cookie. */
export async function endSession(c: Context<AppEnv>): Promise<void> {
  await revokeRequestSession(c);
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
}

async function revokeRequestSession(c: Context<AppEnv>) {
  const token = getCookie(c, SESSION_COOKIE);
  if (token && token.length <= 128) {
    await revokeSession(c.var.db, sha256Hex(token), c.var.now());
  }
}
