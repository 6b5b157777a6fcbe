/**
 * SDK authentication for `/api/v1/*`: `Authorization: Bearer <key>` → the key's SHA-256 is
 * looked up on every request (so a revocation takes effect at once) and the key's bank becomes
 * `c.var.sdkBankId`. Missing, malformed, unknown or revoked → 401 JSON. `last_used_at` is
 * written at most once a minute per key.
 */
import type { MiddlewareHandler } from "hono";
import { findActiveSdkKey, touchSdkKey } from "../db/sdk_keys.ts";
import { AppError } from "../lib/errors.ts";
import { sha256Hex } from "../lib/security/password.ts";
import type { AppEnv } from "./context.ts";

const TOUCH_EVERY_MS = 60_000;

function invalidKey(message: string): AppError {
  return new AppError(401, "INVALID_SDK_KEY", message, { "WWW-Authenticate": "Bearer" });
}

export function sdkAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_\-.~+/=]{16,200})$/.exec(header.trim());
    if (!match) throw invalidKey('Send the bank\'s SDK key as "Authorization: Bearer <key>"');
    const key = await findActiveSdkKey(c.var.db, await sha256Hex(match[1]));
    if (!key) throw invalidKey("The SDK key is unknown or revoked");
    const now = c.var.now();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await touchSdkKey(c.var.db, key.id, now);
    }
    c.set("sdkBankId", key.bankId);
    await next();
  };
}
