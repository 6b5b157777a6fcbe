import type { Kysely } from "kysely";
import type { Config } from "../fresh.config.ts";
import type { ConfigCache } from "../db/config_cache.ts";
import type { Database, Role } from "../db/schema.ts";
import type { SdkSource } from "../db/sdk_experiments.ts";
import type { Locale, Translate } from "../lib/i18n/mod.ts";
import type { ReasonCounter } from "../lib/governance/reason_counter.ts";
import type { Scope } from "../lib/scope.ts";
import type { Assets } from "./assets.ts";
import type { Limits, Throttles } from "./rate_limit.ts";
import type { SimulationPool } from "./simulations.ts";

/** What every handler can reach: the database, the configuration and the built assets. */
export interface AppDeps {
  db: Kysely<Database>;
  config: Config;
  assets: Assets;
  /** The clock for sessions and limits (tests inject one); default `new Date()`. */
  now?: () => Date;
  /** Overrides of the abuse limits (tests use small numbers). */
  limits?: Partial<Limits>;
  /** SDK configuration in memory (`main.ts` opens one); without it SDK requests read the database. */
  configCache?: ConfigCache;
  /** Where bandit simulations run (tests pass small limits); default the process's pool. */
  simulations?: SimulationPool;
  /**
   * Counts each assignment answer's reason per experiment (`main.ts` flushes it to the database,
   * db/reason_counts.ts); without it answers are not counted.
   */
  reasonCounter?: ReasonCounter;
}

/** The signed-in user, as the session plugin resolves it. */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  /** The user's own bank; null for platform admins. */
  bankId: string | null;
  growthLead: boolean;
  /** For consultants: the client banks assigned to them. */
  consultantBankIds: string[];
}

/** Hono's environment type for this app: `c.var.db`, `c.var.locale`, `c.var.t`, … */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    db: Kysely<Database>;
    locale: Locale;
    t: Translate;
    /** null when nobody is signed in. */
    user: SessionUser | null;
    /** The banks whose data the caller may read (empty for anonymous callers). */
    scope: Scope;
    /** For SDK requests: the bank the Bearer key belongs to. */
    sdkBankId: string;
    /** For SDK requests: where keys, experiments and customers are read (memory or database). */
    sdk: SdkSource;
    /** The app's clock: use instead of `new Date()` where expiry is decided. */
    now: () => Date;
    /** The in-memory abuse limiters of this app instance. */
    throttles: Throttles;
  };
}
