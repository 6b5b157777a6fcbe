/**
 * When a sign-in must wait (429 with `Retry-After`), from the failures the database counted.
 * Someone who knows an email must not lock its owner out, so there is no plain per-account
 * block:
 *
 * - **pair**: failures for one account from one client address block that pair (the attacker,
 *   or the owner mistyping at one desk);
 * - **address**: failures from one address across accounts block that address (password
 *   spraying; higher than the pair limit because offices share an address);
 * - **account**: failures for one account from every address (a distributed attack) block only
 *   addresses the owner has not signed in from recently, so the owner at a usual address still
 *   gets in.
 *
 * Counts are of one window (fixed per pair, from its first failure). Pure.
 */

export interface LoginLimits {
  /** Failures for one account from one address before that pair waits. */
  loginPerPair: number;
  /** Failures from one address, any accounts, before the address waits. */
  loginPerAddress: number;
  /** Failures for one account from all addresses before unknown addresses wait. */
  loginPerAccount: number;
  /** The window of every count, in milliseconds. */
  loginWindowMs: number;
  /** How long a successful sign-in keeps its address known to the account, in milliseconds. */
  loginKnownAddressMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  loginPerPair: 5,
  loginPerAddress: 20,
  loginPerAccount: 50,
  loginWindowMs: 15 * 60_000,
  loginKnownAddressMs: 90 * 24 * 3600_000,
};

/** Failures inside the window, as `db/login_attempts.ts` counts them. */
export interface LoginCounts {
  /** This account from this address: failures and when their window started. */
  pair: { failures: number; windowStart: Date } | null;
  /** This account from every address: failures and the oldest window start among them. */
  account: { failures: number; oldestWindowStart: Date | null };
  /** This address for every account: failures and the oldest window start among them. */
  address: { failures: number; oldestWindowStart: Date | null };
  /** The account was signed into from this address within `loginKnownAddressMs`. */
  knownAddress: boolean;
}

/** Why a sign-in waits, and for how many seconds (at least 1). */
export interface LoginBlock {
  reason: "PAIR" | "ADDRESS" | "ACCOUNT";
  retryAfter: number;
}

function secondsUntil(windowStart: Date | null, windowMs: number, now: Date): number {
  const end = (windowStart?.getTime() ?? now.getTime()) + windowMs;
  return Math.max(1, Math.ceil((end - now.getTime()) / 1000));
}

/** The block that applies to a sign-in attempt now, or null when it may go ahead. */
export function loginBlock(counts: LoginCounts, limits: LoginLimits, now: Date): LoginBlock | null {
  const windowMs = limits.loginWindowMs;
  if (counts.pair && counts.pair.failures >= limits.loginPerPair) {
    return { reason: "PAIR", retryAfter: secondsUntil(counts.pair.windowStart, windowMs, now) };
  }
  if (counts.address.failures >= limits.loginPerAddress) {
    const retryAfter = secondsUntil(counts.address.oldestWindowStart, windowMs, now);
    return { reason: "ADDRESS", retryAfter };
  }
  if (counts.account.failures >= limits.loginPerAccount && !counts.knownAddress) {
    const retryAfter = secondsUntil(counts.account.oldestWindowStart, windowMs, now);
    return { reason: "ACCOUNT", retryAfter };
  }
  return null;
}
