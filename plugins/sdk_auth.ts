/**
 * SDK authentication for `/api/v1/*`: `Authorization: Bearer <key>` → the key's SHA-256 is
 * looked up (in the instance's config cache when there is one, kept current across instances
 * by change notifications, so a revocation takes effect everywhere; otherwise in the database)
 * and the key's bank becomes `c.var.sdkBankId`. Missing, malformed, unknown or revoked → 401
 * JSON. `last_used_at` is written at most once a minute per key. Sets `c.var.sdk`, the source
 * the SDK routes read from.
 */
import type { MiddlewareHandler } from "hono";
import { directSource } from "../db/sdk_experiments.ts";
import type { SdkKey } from "../db/sdk_keys.ts";
import { AppError } from "../lib/errors.ts";
import { sha256Hex } from "../lib/security/hash.ts";
import type { AppEnv } from "./context.ts";

const TOUCH_EVERY_MS = 60_000;

/** Whether a key's `last_used_at` is due to be written (at most once a minute). */
export function touchDue(key: SdkKey, now: Date): boolean {
  return !key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_EVERY_MS;
}
const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/=]{16,200})$/;

function invalidKey(message: string): AppError {
  return new AppError(401, "INVALID_SDK_KEY", message, { "WWW-Authenticate": "Bearer" });
}

export function sdkAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // `c.get`, not `c.var`: every `c.var` read builds a new object, and this runs per request.
    const source = c.get("deps").configCache ?? directSource(c.get("db"));
    const match = BEARER.exec((c.req.header("authorization") ?? "").trim());
    if (!match) throw invalidKey('Send the bank\'s SDK key as "Authorization: Bearer <key>"');
    const hash = sha256Hex(match[1]);
    const key = source.peekSdkKey?.(hash) ?? await source.sdkKey(hash);
    if (!key) throw invalidKey("The SDK key is unknown or revoked");
    const now = c.get("now")();
    if (touchDue(key, now)) await source.touchSdkKey(key, now);
    c.set("sdkBankId", key.bankId);
    c.set("sdk", source);
    await next();
  };
}
