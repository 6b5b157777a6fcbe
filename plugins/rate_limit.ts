/**
 * Abuse limits, in memory and per process: a fixed-window counter keyed by client address or
 * account. Used for the public calculators (per address) and for failed sign-ins (per account
 * and per address). Limits and the clock are injectable so tests use small numbers and no
 * sleeps. The client address comes from the connection, or from the first hop of
 * `X-Forwarded-For` only when `TRUST_PROXY` is set.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import { AppError } from "../lib/errors.ts";
import type { AppEnv } from "./context.ts";

export interface WindowLimit {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

export interface Limits {
  /** Failed sign-ins per account before it is slowed down. */
  loginPerAccount: WindowLimit;
  /** Failed sign-ins per client address (higher: offices share an address). */
  loginPerAddress: WindowLimit;
  /** Requests to the public calculators per client address. */
  calculators: WindowLimit;
}

export const DEFAULT_LIMITS: Limits = {
  loginPerAccount: { limit: 5, windowMs: 15 * 60_000 },
  loginPerAddress: { limit: 20, windowMs: 15 * 60_000 },
  calculators: { limit: 120, windowMs: 60_000 },
};

/** Paths of the public calculators: bounded work, no data kept, limited per address. */
export const CALCULATOR_PREFIXES = ["/api/stats/", "/api/bandits/", "/api/lens/score"];

/** A fixed-window counter per key. `now` returns epoch milliseconds. */
export class FixedWindowLimiter {
  #windows = new Map<string, { start: number; count: number }>();

  constructor(readonly options: WindowLimit & { now: () => number; maxKeys?: number }) {}

  #current(key: string) {
    const now = this.options.now();
    const window = this.#windows.get(key);
    if (window && now - window.start < this.options.windowMs) return window;
    return null;
  }

  /** Seconds until `key` may try again, or 0 when it is not blocked. Does not count a hit. */
  blockedFor(key: string): number {
    const window = this.#current(key);
    if (!window || window.count < this.options.limit) return 0;
    return this.#retryAfter(window);
  }

  /** Counts a hit; `allowed` is false once the window's limit is exceeded. */
  hit(key: string): { allowed: boolean; retryAfter: number } {
    let window = this.#current(key);
    if (!window) {
      this.#prune();
      window = { start: this.options.now(), count: 0 };
      this.#windows.set(key, window);
    }
    window.count++;
    const allowed = window.count <= this.options.limit;
    return { allowed, retryAfter: allowed ? 0 : this.#retryAfter(window) };
  }

  reset(key: string): void {
    this.#windows.delete(key);
  }

  #retryAfter(window: { start: number }) {
    const ms = window.start + this.options.windowMs - this.options.now();
    return Math.max(1, Math.ceil(ms / 1000));
  }

  /** Keeps memory bounded: drops expired windows once the map grows large. */
  #prune() {
    if (this.#windows.size < (this.options.maxKeys ?? 10_000)) return;
    const now = this.options.now();
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.options.windowMs) this.#windows.delete(key);
    }
  }
}

/** The limiters of one app instance. */
export interface Throttles {
  loginPerAccount: FixedWindowLimiter;
  loginPerAddress: FixedWindowLimiter;
  calculators: FixedWindowLimiter;
}

export function createThrottles(limits: Partial<Limits>, now: () => Date): Throttles {
  const all = { ...DEFAULT_LIMITS, ...limits };
  const clock = () => now().getTime();
  return {
    loginPerAccount: new FixedWindowLimiter({ ...all.loginPerAccount, now: clock }),
    loginPerAddress: new FixedWindowLimiter({ ...all.loginPerAddress, now: clock }),
    calculators: new FixedWindowLimiter({ ...all.calculators, now: clock }),
  };
}

/**
 * The client's address: the connection's remote address, or the first hop of
 * `X-Forwarded-For` when the app runs behind a trusted proxy. `"unknown"` when neither exists
 * (in-process test requests).
 */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.var.deps.config.trustProxy) {
    const first = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (first) return first;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function tooManyRequests(retryAfter: number, message: string): AppError {
  return new AppError(429, "RATE_LIMITED", message, { "Retry-After": String(retryAfter) });
}

/** Limits the public calculators per client address: 429 JSON with `Retry-After` beyond it. */
export function calculatorRateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (CALCULATOR_PREFIXES.some((p) => c.req.path.startsWith(p))) {
      const { allowed, retryAfter } = c.var.throttles.calculators.hit(clientAddress(c));
      if (!allowed) throw tooManyRequests(retryAfter, "Too many requests; try again later");
    }
    await next();
  };
}
