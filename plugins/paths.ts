/**
 * The app's path rules in one place, for the plugins that treat routes differently: which paths
 * answer JSON, which are the SDK API, the public calculators, open without a session, or change
 * nothing the config cache holds; and which methods are safe.
 */

/** The SDK API: authenticated by a bank's key (`plugins/sdk_auth.ts`), not by cookies. */
export const SDK_PREFIX = "/api/v1/";

/** The statistics and bandit calculators' API: open to anyone, writes nothing. */
const CALCULATOR_API_PREFIXES = ["/api/stats/", "/api/bandits/"];

/** The lens score calculator (one path). */
const LENS_SCORE_PATH = "/api/lens/score";

/** The public calculators: bounded work, no data kept, limited per address. */
const CALCULATOR_PREFIXES = [...CALCULATOR_API_PREFIXES, LENS_SCORE_PATH];

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
  LENS_SCORE_PATH,
  "/api/openapi.json",
  "/api/docs",
]);

/**
 * Path prefixes anyone may reach. `/api/v1/` is not anonymous: it is authenticated by an SDK
 * key (`plugins/sdk_auth.ts`) instead of a session.
 */
const PUBLIC_PREFIXES = ["/lang/", "/static/", "/sdk/", ...CALCULATOR_API_PREFIXES, SDK_PREFIX];

/** API paths whose writes change nothing the config cache holds (the SDK routes sync themselves). */
const CONFIG_UNCHANGING_PREFIXES = [
  SDK_PREFIX,
  ...CALCULATOR_API_PREFIXES,
  "/api/lens/",
  "/api/auth/",
];

/**
 * Whether a request to this path wants a JSON answer: the API (`/api`, `/api/*`) and the health
 * check. Its errors, 404 and 405 answer `{ "error": … }` rather than the error page, and an
 * anonymous caller gets 401 rather than the sign-in page.
 */
export function wantsJson(path: string): boolean {
  return path === "/api" || path.startsWith("/api/") || path === "/healthz";
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

/** A method that changes nothing (RFC 9110's safe methods the app serves). */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether a write to this path can change what the config cache holds. */
export function mayChangeConfig(path: string): boolean {
  return !CONFIG_UNCHANGING_PREFIXES.some((prefix) => path.startsWith(prefix));
}
