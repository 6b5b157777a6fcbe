/**
 * Password sign-in shared by `POST /api/auth/login` and the `/login` form: failed attempts
 * counted in the database (shared by every instance) and limited per account and client
 * address, per address, and per account for addresses its owner has not signed in from
 * (429 with `Retry-After`; `lib/security/login_throttle.ts`), so knowing an email is not enough
 * to lock its owner out; constant-time verification (an unknown email costs as much as a wrong
 * password), audit of every success and failure, and a fresh session on success.
 */
import type { Context } from "hono";
import { loginCounts, recordLoginFailure, recordLoginSuccess } from "../db/login_attempts.ts";
import { findUserByEmail, type User } from "../db/users.ts";
import { AppError, invalidText } from "../lib/errors.ts";
import { loginBlock } from "../lib/security/login_throttle.ts";
import { hashPassword, verifyPassword } from "../lib/security/password.ts";
import { textProblem } from "../lib/text.ts";
import { audit } from "./audit.ts";
import type { AppEnv } from "./context.ts";
import { clientAddress, loginLimits, tooManyRequests } from "./rate_limit.ts";
import { startSession } from "./session.ts";

let dummyHash: Promise<string> | undefined;

export function invalidCredentials(): AppError {
  const error = new AppError(401, "INVALID_CREDENTIALS", "Email or password is wrong");
  error.translation = { key: "login.failed" };
  return error;
}

/** Signs in or throws 401 `INVALID_CREDENTIALS` / 429 `RATE_LIMITED` / 400 `INVALID_TEXT`. */
export async function signIn(c: Context<AppEnv>, email: string, password: string): Promise<User> {
  const problem = textProblem(email); // no such account can exist, and the counts store it
  if (problem) throw invalidText("email", problem);
  const normalised = email.trim().toLowerCase().slice(0, 254);
  const address = clientAddress(c).slice(0, 100);
  const key = { account: normalised, address };
  const limits = loginLimits(c.var.deps.limits);
  const now = c.var.now();
  const window = {
    now,
    windowMs: limits.loginWindowMs,
    knownSince: new Date(now.getTime() - limits.loginKnownAddressMs),
  };
  const block = loginBlock(await loginCounts(c.var.db, key, window), limits, now);
  if (block) {
    const error = tooManyRequests(block.retryAfter, "Too many failed sign-ins; try again later");
    error.translation = { key: "login.tooMany", params: { seconds: block.retryAfter } };
    throw error;
  }

  const found = await findUserByEmail(c.var.db, normalised);
  dummyHash ??= hashPassword("not-a-real-password-0");
  const ok = await verifyPassword(password, found?.passwordHash ?? await dummyHash);
  if (!found || !ok || found.user.disabled) {
    await recordLoginFailure(c.var.db, key, window);
    await audit(c, {
      actor: normalised,
      bankId: found?.user.bankId ?? null,
      action: "auth.login.failure",
      target: normalised,
      details: {
        address,
        reason: !found ? "unknown_email" : !ok ? "wrong_password" : "disabled",
      },
    });
    throw invalidCredentials();
  }
  await recordLoginSuccess(c.var.db, key, now);
  await startSession(c, found.user.id);
  await audit(c, {
    actor: found.user.email,
    bankId: found.user.bankId,
    action: "auth.login.success",
    target: found.user.email,
    details: { address },
  });
  return found.user;
}
