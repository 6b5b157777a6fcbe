/**
 * The configuration payload of `GET /api/v1/config` (lib/experiments/local_evaluation.ts) and
 * how its long polls hear of changes. The payload is built from the same `SdkExperiment` objects
 * assignment uses (`SdkSource.experiments`: the config cache, or `experimentsByKeys`), for every
 * experiment key of the bank, so the server and a local evaluation read one source of truth.
 *
 * Changes: the config cache calls `onChange` when a notification `e:<bank>` (experiments,
 * variants, allocations, campaigns, the contact policy; migrations 0005 and 0015) reaches this
 * instance, whichever instance made the change, and when it drops its memory. Waiting long polls
 * of that bank then rebuild the payload and answer when its version differs. Without a cache
 * (tests, tools) and while the cache is not trusted, a waiting poll checks every half second.
 * Each bank's payload is kept until its next change, so many polls build it once.
 */
import type { ConfigCache } from "./config_cache.ts";
import type { SdkSource } from "./sdk_experiments.ts";
import type { Db } from "./schema.ts";
import { type ConfigPayload, configPayload } from "../lib/experiments/local_evaluation.ts";
import { sha256Hex } from "../lib/security/hash.ts";
import { governancePolicy } from "./sdk_experiments.ts";

/** Every experiment key of a bank (any status), in key order. */
export async function experimentKeysOf(db: Db, bankId: string): Promise<string[]> {
  const rows = await db.selectFrom("experiments")
    .where("bank_id", "=", bankId)
    .select("key")
    .orderBy("key")
    .execute();
  return rows.map((r) => r.key);
}

/** A built payload: its JSON text and version (the ETag is the version in quotes). */
export interface BuiltConfig {
  version: string;
  json: string;
}

/** Builds a bank's payload afresh. */
export async function buildConfig(db: Db, source: SdkSource, bankId: string): Promise<BuiltConfig> {
  const keys = await experimentKeysOf(db, bankId);
  const [experiments, policy] = await Promise.all([
    source.experiments(bankId, keys),
    governancePolicy(db, bankId),
  ]);
  const body = configPayload([...experiments.values()], policy);
  const version = sha256Hex(JSON.stringify(body)).slice(0, 32);
  const payload: ConfigPayload = { version, ...body };
  return { version, json: JSON.stringify(payload) };
}

const POLL_WITHOUT_NOTICES_MS = 500;
const POLL_WITH_NOTICES_MS = 5_000;

/**
 * Each bank's payload, kept until a change of the bank, and the polls waiting for one. One per
 * config cache (or per database without one): `configFeed`.
 */
export class ConfigFeed {
  readonly #db: Db;
  readonly #cache: ConfigCache | undefined;
  /** Per bank: a change counter, so a build started before a change is not kept. */
  #generation = new Map<string, number>();
  #built = new Map<string, { generation: number; config: Promise<BuiltConfig> }>();
  #waiting = new Set<{ bankId: string; wake: () => void }>();

  constructor(db: Db, cache: ConfigCache | undefined) {
    this.#db = db;
    this.#cache = cache;
    cache?.onChange((bankId) => this.#changed(bankId));
  }

  /** The bank's payload as it stands (built at most once per change). */
  current(source: SdkSource, bankId: string): Promise<BuiltConfig> {
    if (!this.#cache?.trusted) return buildConfig(this.#db, source, bankId);
    const generation = this.#generation.get(bankId) ?? 0;
    const held = this.#built.get(bankId);
    if (held && held.generation === generation) return held.config;
    const config = buildConfig(this.#db, source, bankId);
    this.#built.set(bankId, { generation, config });
    config.catch(() => {
      if (this.#built.get(bankId)?.config === config) this.#built.delete(bankId);
    });
    return config;
  }

  /**
   * The bank's payload once its version differs from `version`, or null when `waitMs` passed
   * (or `signal` aborted) first.
   */
  async changedFrom(
    source: SdkSource,
    bankId: string,
    version: string,
    options: { waitMs: number; signal?: AbortSignal },
  ): Promise<BuiltConfig | null> {
    const deadline = performance.now() + options.waitMs;
    while (true) {
      const config = await this.current(source, bankId);
      if (config.version !== version) return config;
      const left = deadline - performance.now();
      if (left <= 0 || options.signal?.aborted) return null;
      const every = this.#cache?.trusted ? POLL_WITH_NOTICES_MS : POLL_WITHOUT_NOTICES_MS;
      await this.#wait(bankId, Math.min(left, every), options.signal);
      if (options.signal?.aborted) return null; // the caller went away
    }
  }

  #wait(bankId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {
        bankId,
        wake: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", waiter.wake);
          this.#waiting.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      signal?.addEventListener("abort", waiter.wake);
      this.#waiting.add(waiter);
    });
  }

  #changed(bankId: string | null) {
    if (bankId === null) {
      this.#built.clear();
      for (const [bank, n] of this.#generation) this.#generation.set(bank, n + 1);
    } else {
      this.#generation.set(bankId, (this.#generation.get(bankId) ?? 0) + 1);
      this.#built.delete(bankId);
    }
    for (const waiter of [...this.#waiting]) {
      if (bankId === null || waiter.bankId === bankId) waiter.wake();
    }
  }
}

const feeds = new WeakMap<object, ConfigFeed>();

/** The feed of a config cache (or of the database, without one), made on first use. */
export function configFeed(db: Db, cache: ConfigCache | undefined): ConfigFeed {
  const owner = cache ?? db;
  let feed = feeds.get(owner);
  if (!feed) {
    feed = new ConfigFeed(db, cache);
    feeds.set(owner, feed);
  }
  return feed;
}
