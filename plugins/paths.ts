/**
 * The app's path rules in one place, for the plugins that treat routes differently: which paths
 * are the JSON API, the SDK API, the public calculators, open without a session, or change
 * nothing the config cache holds.
 */

/** The SDK API: authenticated by a bank's key (`plugins/sdk_auth.ts`), not by cookies. */
export const SDK_PREFIX = "/api/v1/";

/** The public calculators: bounded work, no data kept, limited per address. */
export const CALCULATOR_PREFIXES = ["/api/stats/", "/api/bandits/", "/api/lens/score"];

/** Paths anyone may reach without signing in (exact). */
const PUBLIC_PATHS = new Set([
  "/login",
  "/logout",
  "/healthz",
  "/favicon.ico",
  "/tools/calculator",
  "/tools/bandit-simulator",
  "/api/auth/login",
  "/api/auth/logout",
  "/api/lens/score",
  "/api/openapi.json",
  "/api/docs",
]);

/**
 * Path prefixes anyone may reach. `/api/v1/` is not anonymous: it is authenticated by an SDK
 * key (`plugins/sdk_auth.ts`) instead of a session.
 */
const PUBLIC_PREFIXES = ["/lang/", "/static/", "/sdk/", "/api/stats/", "/api/bandits/", SDK_PREFIX];

/** API paths whose writes change nothing the config cache holds (the SDK routes sync themselves). */
const CONFIG_UNCHANGING_PREFIXES = [
  SDK_PREFIX,
  "/api/stats/",
  "/api/bandits/",
  "/api/lens/",
  "/api/auth/",
];

/** A JSON endpoint: errors answer JSON, an anonymous caller gets 401 rather than the login page. */
export function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

export function isSdkPath(path: string): boolean {
  return path.startsWith(SDK_PREFIX);
}

export function isCalculatorPath(path: string): boolean {
  return CALCULATOR_PREFIXES.some((prefix) => path.startsWith(prefix));
}

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** Whether a write to this path can change what the config cache holds. */
export function mayChangeConfig(path: string): boolean {
  return !CONFIG_UNCHANGING_PREFIXES.some((prefix) => path.startsWith(prefix));
}
