/**
 * The app's configuration, read from the environment as PRODUCT.md's table says. The order of
 * the middleware ("plugins") is fixed in `app.ts`; this file holds the values they use.
 */
export interface Config {
  port: number;
  hostname: string;
  /** Unset: embedded PGlite under `dataDir`; `memory://`; or `postgres://…`. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  sdkKey: string | undefined;
  seedDemo: boolean;
  /** Take the client address from `X-Forwarded-For` (only behind a trusted proxy). */
  trustProxy: boolean;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Log one line per request. */
  logRequests: boolean;
  /**
   * `SECRET_KEY`: encrypts stored notification secrets (AES-GCM, key derived by HKDF). Unset:
   * a random key kept in the database (development only; README "Configuration").
   */
  secretKey: string | undefined;
  /** `NOTIFY_ALLOW_HOSTS`: hosts notifications may reach inside the network (lib/notify). */
  notifyAllowHosts: string[];
}

export function readConfig(env: { get(name: string): string | undefined } = Deno.env): Config {
  const port = Number(env.get("PORT") ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${env.get("PORT")}"`);
  }
  return {
    port,
    hostname: env.get("HOST") ?? "0.0.0.0",
    databaseUrl: env.get("DATABASE_URL") || undefined,
    dataDir: env.get("DATA_DIR") || "./data",
    adminEmail: env.get("ADMIN_EMAIL") || undefined,
    adminPassword: env.get("ADMIN_PASSWORD") || undefined,
    sdkKey: env.get("SDK_KEY") || undefined,
    seedDemo: env.get("SEED_DEMO") !== "0",
    trustProxy: ["1", "true", "yes"].includes((env.get("TRUST_PROXY") ?? "").toLowerCase()),
    bodyLimit: 1024 * 1024,
    logRequests: env.get("LOG_REQUESTS") !== "0",
    secretKey: env.get("SECRET_KEY") || undefined,
    notifyAllowHosts: (env.get("NOTIFY_ALLOW_HOSTS") ?? "").split(",")
      .map((h) => h.trim().toLowerCase()).filter(Boolean),
  };
}
