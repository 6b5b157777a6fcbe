/**
 * Password sign-in shared by `POST /api/auth/login` and the `/login` form: slow-down of failed
 * attempts per account and per client address (429 with `Retry-After`), constant-time
 * verification (an unknown email costs as much as a wrong password), audit of every success
 * and failure, and a fresh session on success.
 */
import type { Context } from "hono";
import { findUserByEmail, type User } from "../db/users.ts";
import { AppError, invalidText } from "../lib/errors.ts";
import { hashPassword, verifyPassword } from "../lib/security/password.ts";
import { textProblem } from "../lib/text.ts";
import { audit } from "./audit.ts";
import type { AppEnv } from "./context.ts";
import { clientAddress, tooManyRequests } from "./rate_limit.ts";
import { startSession } from "./session.ts";

let dummyHash: Promise<string> | undefined;

export function invalidCredentials(): AppError {
  return new AppError(401, "INVALID_CREDENTIALS", "Email or password is wrong");
}

/** Signs in or throws 401 `INVALID_CREDENTIALS` / 429 `RATE_LIMITED`. */
export async function signIn(c: Context<AppEnv>, email: string, password: string): Promise<User> {
  const problem = textProblem(email); // no such account can exist, and the audit stores it
  if (problem) throw invalidText("email", problem);
  const { loginPerAccount, loginPerAddress } = c.var.throttles;
  const normalised = email.trim().toLowerCase();
  const address = clientAddress(c);
  const accountKey = `account:${normalised}`;
  const addressKey = `address:${address}`;
  const wait = Math.max(
    loginPerAccount.blockedFor(accountKey),
    loginPerAddress.blockedFor(addressKey),
  );
  if (wait > 0) throw tooManyRequests(wait, "Too many failed sign-ins; try again later");

  const found = await findUserByEmail(c.var.db, normalised);
  dummyHash ??= hashPassword("not-a-real-password-0");
  const ok = await verifyPassword(password, found?.passwordHash ?? await dummyHash);
  if (!found || !ok || found.user.disabled) {
    loginPerAccount.hit(accountKey);
    loginPerAddress.hit(addressKey);
    await audit(c, {
      actor: normalised.slice(0, 254),
      bankId: found?.user.bankId ?? null,
      action: "auth.login.failure",
      target: normalised.slice(0, 254),
      details: {
        address,
        reason: !found ? "unknown_email" : !ok ? "wrong_password" : "disabled",
      },
    });
    throw invalidCredentials();
  }
  loginPerAccount.reset(accountKey);
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
