import type { Kysely } from "kysely";
import type { Config } from "../fresh.config.ts";
import type { Database } from "../db/schema.ts";
import type { Locale, Translate } from "../lib/i18n/mod.ts";
import type { Assets } from "./assets.ts";

/** What every handler can reach: the database, the configuration and the built assets. */
export interface AppDeps {
  db: Kysely<Database>;
  config: Config;
  assets: Assets;
}

/** Hono's environment type for this app: `c.var.db`, `c.var.locale`, `c.var.t`, … */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    db: Kysely<Database>;
    locale: Locale;
    t: Translate;
  };
}
