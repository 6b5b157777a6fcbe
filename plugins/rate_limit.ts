/**
 * Abuse limits. The public calculators: a fixed-window counter per client address, in memory
 * and per process. Failed sign-ins: counted in the database so every instance shares them
 * (`db/login_attempts.ts`, rules in `lib/security/login_throttle.ts`, applied by
 * `plugins/sign_in.ts`); their limits are configured here with the others. Limits and the
 * clock are injectable so tests use small numbers and no sleeps. The client address comes from
 * the connection, or from the first hop of `X-Forwarded-For` only when `TRUST_PROXY` is set.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import { AppError } from "../lib/errors.ts";
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "../lib/security/login_throttle.ts";
import type { AppEnv } from "./context.ts";
import { isCalculatorPath } from "./paths.ts";

export interface WindowLimit {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

/** Failed sign-ins (per pair, address and account; see `LoginLimits`) and the calculators. */
export interface Limits extends LoginLimits {
  /** Requests to the public calculators per client address. */
  calculators: WindowLimit;
}

export const DEFAULT_LIMITS: Limits = {
  ...DEFAULT_LOGIN_LIMITS,
  calculators: { limit: 120, windowMs: 60_000 },
};

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

/** The in-memory limiters of one app instance (sign-ins are counted in the database). */
export interface Throttles {
  calculators: FixedWindowLimiter;
}

export function createThrottles(limits: Partial<Limits>, now: () => Date): Throttles {
  const all = { ...DEFAULT_LIMITS, ...limits };
  const clock = () => now().getTime();
  return { calculators: new FixedWindowLimiter({ ...all.calculators, now: clock }) };
}

/** The sign-in limits of an app: the defaults with the deployment's (or a test's) overrides. */
export function loginLimits(limits: Partial<Limits> | undefined): LoginLimits {
  const { calculators: _, ...login } = { ...DEFAULT_LIMITS, ...limits };
  return login;
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
    if (isCalculatorPath(c.req.path)) {
      const { allowed, retryAfter } = c.var.throttles.calculators.hit(clientAddress(c));
      if (!allowed) throw tooManyRequests(retryAfter, "Too many requests; try again later");
    }
    await next();
  };
}
