/**
 * What SDK requests read, held in memory by each app instance: SDK keys, experiments (with
 * variants, campaign channel and the bandit allocation in force), each bank's customers as
 * eligibility sees them (`customer_cache.ts`) and stored bandit arms. An A/B assignment reads
 * no database at all once its bank is loaded.
 *
 * Invalidation works across instances: triggers (`migrations/0005_config_notify.ts`) send a
 * notification on channel `lensloop_config` inside every transaction that changes a watched
 * row, delivered when it commits; each instance LISTENs and drops what the notification names.
 *
 * No window (PostgreSQL; docs/SCALING.md "Step 1"): once a change acknowledged through any
 * instance (an opt-out, a consent change, a revoked key, a stopped experiment) has been answered,
 * no instance answers from memory that has not seen it. Two mechanisms:
 *
 * - A lease. Every second each instance writes a lease in `app_instances` (`leaseMs`, 3 s, from
 *   now), then sends a notification of its own and waits for it (a round trip): PostgreSQL
 *   delivers notifications in commit order, so everything committed before the round trip
 *   started has arrived when it returns. Only then may the instance answer from memory, and only
 *   until `leaseMs` after the lease write started. An instance that cannot renew (database
 *   unreachable, listening connection lost, notifications lagging) reads the database on every
 *   call once its lease runs out, and says so in `/healthz`.
 * - An acknowledgement. `sync()` after a write sends `q:<writer>:<token>`; every other instance
 *   answers `r:<token>:<id>` when it receives it, which is after it has applied every change
 *   committed before. The writer waits for the answers of the instances holding a live lease,
 *   and for an instance that does not answer, until its lease has run out. Normally that takes
 *   one round trip (about a millisecond); an instance that hangs or lost the database costs the
 *   writer at most `leaseMs`.
 *
 * A lost listening connection is re-established (`db/client.ts`); memory is dropped then, since
 * notifications sent in between are lost.
 */
import { type Kysely, sql } from "kysely";
import type { CustomerFacts } from "../lib/experiments/eligibility.ts";
import type { OpenedDatabase } from "./client.ts";
import { BankCustomers } from "./customer_cache.ts";
import { dropLease, forgetOldInstances, liveLeases, renewLease } from "./instances.ts";
import { CONFIG_CHANNEL, formatNotice, parseNotice } from "./config_notice.ts";
import type { Database } from "./schema.ts";
import type { SdkExperiment } from "../lib/experiments/sdk_assignment.ts";
import { directSource, experimentsByKeys, type SdkSource, stickyRows } from "./sdk_experiments.ts";
import { findActiveSdkKey, type SdkKey, touchSdkKey } from "./sdk_keys.ts";
import { armKey, type ArmLookup, readArms, type StickyArm, storeArms } from "./sticky_arms.ts";

export { CONFIG_CHANNEL };

export interface ConfigCacheOptions {
  /** How often (ms) a heartbeat checks that notifications arrive; 0: never (PGlite). */
  heartbeatMs?: number;
  /** A heartbeat or `sync()` not back within this many ms: memory is not trusted until one is. */
  deadlineMs?: number;
  /** Changed units of a bank not read again yet, beyond which the bank reloads in background. */
  maxChangedUnits?: number;
  /**
   * How long (ms) after a renewal memory may be used; 0: always (PGlite, one process). Must be
   * longer than `heartbeatMs` plus a round trip. Default 3000 on PostgreSQL.
   */
  leaseMs?: number;
}

/** Counters for tests and benchmarks. */
export interface ConfigCacheStats {
  /** Queries the cache sent (loads, re-reads of changed units, arm reads and writes). */
  databaseQueries: number;
  notifications: number;
  /** Times memory was dropped entirely (reconnect, lost trust, truncate). */
  flushes: number;
  /** Statements that stored sticky arms, and the arms they carried. */
  armWrites: number;
  armsWritten: number;
}

const MAX_KEYS = 10_000;
const MAX_EXPERIMENT_KEYS = 10_000;
const MAX_ARMS = 2_000_000;

/** A value in memory, or its load in progress. */
type Cached<T> = T | Promise<T>;

type Pending = {
  rows: Array<StickyArm | ArmLookup>;
  resolve: (arms: Map<string, string>) => void;
  reject: (error: unknown) => void;
};

/**
 * The value of `key` in `map`, loading it when absent: the load's promise stands in until it
 * settles, then the value replaces it (unless the entry was dropped or replaced meanwhile, by
 * an invalidation); a failed load is forgotten.
 */
function remember<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const held = map.get(key);
  if (held !== undefined) return Promise.resolve(held);
  const loading: Promise<T> = load().then(
    (value) => {
      if (map.get(key) === loading) map.set(key, value);
      return value;
    },
    (error) => {
      if (map.get(key) === loading) map.delete(key);
      throw error;
    },
  );
  map.set(key, loading);
  return loading;
}

/** A settled value, or undefined for none or one still loading. */
function settled<T>(held: Cached<T> | undefined): T | undefined {
  return held instanceof Promise ? undefined : held;
}

export class ConfigCache implements SdkSource {
  readonly stats: ConfigCacheStats = {
    databaseQueries: 0,
    notifications: 0,
    flushes: 0,
    armWrites: 0,
    armsWritten: 0,
  };
  readonly #db: Kysely<Database>;
  readonly #direct: SdkSource;
  readonly #options: Required<ConfigCacheOptions>;
  /** This instance in `app_instances` and in acknowledgements. */
  readonly #id = crypto.randomUUID();
  #trusted = false;
  /** `performance.now()` until which the lease lets memory answer (with `leaseMs` > 0). */
  #leaseUntil = 0;
  /** Writers' `sync()` waiting for other instances' acknowledgements, by token. */
  #acks = new Map<string, (instance: string) => void>();
  #keys = new Map<string, Cached<SdkKey | null>>();
  #experiments = new Map<string, Map<string, Cached<SdkExperiment | null>>>();
  #customers = new Map<string, BankCustomers>();
  #reloading = new Map<string, BankCustomers>();
  #arms = new Map<string, string>();
  #waiters = new Map<string, () => void>();
  #queue: Pending[] = [];
  #flushing: Promise<void> | null = null;
  /** Every query the cache has in flight, so `close()` can wait for them. */
  readonly #inflight = new Set<Promise<unknown>>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #beating = false;
  #unlisten: (() => Promise<void>) | null = null;
  /** `onChange` subscribers (the config payload's long polls, db/sdk_config.ts). */
  readonly #changeListeners = new Set<(bankId: string | null) => void>();

  private constructor(db: Kysely<Database>, options: ConfigCacheOptions) {
    this.#db = db;
    this.#direct = directSource(db);
    this.#options = {
      heartbeatMs: 0,
      deadlineMs: 1000,
      maxChangedUnits: 50_000,
      leaseMs: 0,
      ...options,
    };
  }

  /**
   * Starts listening and returns the cache. PostgreSQL gets a heartbeat every second unless
   * `heartbeatMs` says otherwise; PGlite (one process, in-process delivery) needs none.
   */
  static async open(
    database: Pick<OpenedDatabase, "db" | "kind" | "listen">,
    options: ConfigCacheOptions = {},
  ): Promise<ConfigCache> {
    const heartbeatMs = options.heartbeatMs ?? (database.kind === "postgres" ? 1000 : 0);
    const leaseMs = options.leaseMs ??
      (heartbeatMs > 0 ? Math.max(3000, heartbeatMs + 2 * (options.deadlineMs ?? 1000)) : 0);
    const cache = new ConfigCache(database.db, { ...options, heartbeatMs, leaseMs });
    cache.#unlisten = await database.listen(
      CONFIG_CHANNEL,
      (payload) => cache.#onNotify(payload),
      () => cache.#listening(),
    );
    if (leaseMs > 0) {
      await forgetOldInstances(database.db).catch(() => {});
      await cache.#beat(); // memory answers from the start
    }
    if (heartbeatMs > 0) {
      const heartbeat = setInterval(() => cache.#beat(), heartbeatMs);
      Deno.unrefTimer(heartbeat);
      cache.#heartbeat = heartbeat;
    }
    return cache;
  }

  /**
   * Whether answers come from memory now (false: from the database, until a heartbeat renews
   * the lease, or while listening is being re-established).
   */
  get trusted(): boolean {
    return this.#fresh();
  }

  /** Listening, and within the lease (PostgreSQL) — the one check before memory answers. */
  #fresh(): boolean {
    return this.#trusted && (this.#options.leaseMs === 0 || performance.now() < this.#leaseUntil);
  }

  /**
   * Calls `listener` after a change of a bank's experiments, campaigns or contact policy has
   * reached this instance's memory (a bank id), or after memory was dropped (null: any bank may
   * have changed). Returns the unsubscribe.
   */
  onChange(listener: (bankId: string | null) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  #changed(bankId: string | null) {
    for (const listener of this.#changeListeners) listener(bankId);
  }

  /**
   * Stops listening and waits for its queries in flight (loads, background reloads, arm
   * writes, heartbeats); afterwards every call goes to the database.
   */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#trusted = false;
    if (this.#options.leaseMs > 0) {
      await this.#track(dropLease(this.#db, this.#id)).catch(() => {});
    }
    const unlisten = this.#unlisten;
    this.#unlisten = null;
    while (this.#inflight.size || this.#flushing) {
      await Promise.allSettled([...this.#inflight, this.#flushing]);
    }
    await unlisten?.();
    for (const resolve of this.#waiters.values()) resolve();
    this.#acks.clear();
  }

  sdkKey(keyHash: string): Promise<SdkKey | null> {
    if (!this.#fresh()) return this.#count(() => this.#direct.sdkKey(keyHash));
    if (this.#keys.size >= MAX_KEYS) this.#keys = new Map();
    return remember(
      this.#keys,
      keyHash,
      () => this.#count(() => findActiveSdkKey(this.#db, keyHash)),
    );
  }

  peekSdkKey(keyHash: string): SdkKey | null | undefined {
    return this.#fresh() ? settled(this.#keys.get(keyHash)) : undefined;
  }

  peekExperiment(bankId: string, key: string): SdkExperiment | null | undefined {
    return this.#fresh() ? settled(this.#experiments.get(bankId)?.get(key)) : undefined;
  }

  peekFacts(bankId: string, unit: string, channel: string | null): CustomerFacts | undefined {
    return this.#fresh() ? this.#customers.get(bankId)?.peek(unit, channel) : undefined;
  }

  /** Marks the cached key used now before writing it, so one request writes, not all. */
  touchSdkKey(key: SdkKey, now: Date): Promise<void> {
    key.lastUsedAt = now;
    return this.#count(() => touchSdkKey(this.#db, key.id, now));
  }

  async experiments(
    bankId: string,
    keys: readonly string[],
  ): Promise<Map<string, SdkExperiment>> {
    if (!this.#fresh()) return await this.#count(() => this.#direct.experiments(bankId, keys));
    let bank = this.#experiments.get(bankId);
    if (!bank || bank.size >= MAX_EXPERIMENT_KEYS) {
      bank = new Map();
      this.#experiments.set(bankId, bank);
    }
    const missing = [...new Set(keys)].filter((k) => !bank.has(k));
    if (missing.length) {
      const load = this.#count(() => experimentsByKeys(this.#db, bankId, missing));
      for (const key of missing) {
        remember(bank, key, () => load.then((found) => found.get(key) ?? null));
      }
    }
    const found = new Map<string, SdkExperiment>();
    for (const experiment of await Promise.all(keys.map((key) => bank.get(key)!))) {
      if (experiment) found.set(experiment.key, experiment);
    }
    return found;
  }

  async customerFacts(
    bankId: string,
    units: readonly string[],
    channel: string | null,
  ): Promise<Map<string, CustomerFacts>> {
    if (!this.#fresh()) {
      return await this.#count(() => this.#direct.customerFacts(bankId, units, channel));
    }
    let bank = this.#customers.get(bankId);
    if (!bank) {
      const created = new BankCustomers(this.#db, bankId, (query) => this.#count(query));
      this.#customers.set(bankId, created);
      created.ready.catch(() => {
        if (this.#customers.get(bankId) === created) this.#customers.delete(bankId);
      });
      bank = created;
    }
    const facts = await bank.facts(units, channel);
    if (bank.changedCount > this.#options.maxChangedUnits) this.#reload(bankId);
    return facts;
  }

  async storedArms(
    experiment: SdkExperiment,
    units: readonly string[],
  ): Promise<Map<string, string>> {
    if (!this.#fresh()) return await this.#count(() => this.#direct.storedArms(experiment, units));
    const known = this.#arms;
    const arms = new Map<string, string>();
    const unknown: ArmLookup[] = [];
    for (const unit of units) {
      const variant = known.get(armKey(experiment.id, unit));
      if (variant) arms.set(unit, variant);
      else unknown.push({ experimentId: experiment.id, unit, variant: null });
    }
    if (unknown.length) {
      const read = await this.#count(() => readArms(this.#db, unknown));
      for (const { unit } of unknown) {
        const variant = read.get(armKey(experiment.id, unit));
        if (variant) arms.set(unit, this.#knowArm(known, experiment.id, unit, variant));
      }
    }
    return arms;
  }

  /**
   * Arms already known answer from memory; the others are stored by the next group write,
   * which takes every request waiting at that moment into one statement.
   */
  async stickArms(
    experiment: SdkExperiment,
    picks: ReadonlyMap<string, string | null>,
    now: Date,
  ): Promise<Map<string, string>> {
    if (!this.#fresh()) {
      return await this.#count(() => this.#direct.stickArms(experiment, picks, now));
    }
    const known = this.#arms;
    const arms = new Map<string, string>();
    const unknown = new Map<string, string | null>();
    for (const [unit, pick] of picks) {
      const variant = known.get(armKey(experiment.id, unit));
      if (variant) arms.set(unit, variant);
      else unknown.set(unit, pick);
    }
    if (unknown.size) {
      const stored = await this.#enqueue(stickyRows(experiment, unknown, now));
      for (const unit of unknown.keys()) {
        const variant = stored.get(armKey(experiment.id, unit));
        if (variant) arms.set(unit, this.#knowArm(known, experiment.id, unit, variant));
      }
    }
    return arms;
  }

  /** The contact caps always ask the database: the ledger is shared by every instance. */
  contact(
    experiment: SdkExperiment,
    units: ReadonlyMap<string, boolean>,
    now: Date,
  ): Promise<Set<string>> {
    return this.#count(() => this.#direct.contact(experiment, units, now));
  }

  /**
   * Returns once every instance has seen every change committed before the call, or can no
   * longer answer from memory: this one by a round trip, the others holding a live lease by
   * their acknowledgement or the end of their lease (see the module comment). Without a lease
   * (PGlite, one process) only this instance.
   */
  async sync(): Promise<void> {
    if (!this.#unlisten) return;
    if (this.#options.leaseMs === 0) {
      if (!(await this.#roundTrip())) this.#distrust();
      return;
    }
    const started = performance.now();
    // Leases written before the change committed end within leaseMs of it; later ones were
    // renewed after a round trip that saw it. So, without the list, waiting leaseMs is enough.
    const others = await this.#track(liveLeases(this.#db, this.#id)).catch(() => null);
    const token = crypto.randomUUID();
    const acknowledged = this.#acknowledged(
      token,
      others ?? [],
      others ? null : started + this.#options.leaseMs,
    );
    const [seen] = await Promise.all([
      this.#roundTrip(
        formatNotice({ kind: "query", writer: this.#id, token }),
      ),
      acknowledged,
    ]);
    if (!seen) this.#distrust();
  }

  /**
   * Settles when each of `others` has acknowledged `token` or its lease has run out, and not
   * before `until` (a `performance.now()` time; null: no floor).
   */
  #acknowledged(
    token: string,
    others: ReadonlyArray<{ id: string; remainingMs: number }>,
    until: number | null,
  ): Promise<void> {
    const now = performance.now();
    const waiting = new Map(others.map((o) => [o.id, now + o.remainingMs]));
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const check = () => {
        clearTimeout(timer);
        const at = performance.now();
        for (const [id, end] of waiting) if (end <= at) waiting.delete(id);
        const next = Math.max(until ?? 0, ...waiting.values());
        if (next <= at) {
          this.#acks.delete(token);
          return resolve();
        }
        timer = setTimeout(check, Math.min(next, ...waiting.values()) - at + 1);
      };
      this.#acks.set(token, (instance) => waiting.delete(instance) && check());
      check();
    });
  }

  #knowArm(known: Map<string, string>, experimentId: string, unit: string, variant: string) {
    if (known === this.#arms) {
      if (known.size >= MAX_ARMS) this.#arms = new Map();
      this.#arms.set(armKey(experimentId, unit), variant);
    }
    return variant;
  }

  #enqueue(rows: Array<StickyArm | ArmLookup>): Promise<Map<string, string>> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ rows, resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length) {
      const batch = this.#queue.splice(0);
      const rows = batch.flatMap((p) => p.rows);
      try {
        this.stats.armWrites++;
        this.stats.armsWritten += rows.length;
        const stored = await this.#count(() => storeArms(this.#db, rows));
        for (const p of batch) p.resolve(stored);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.#flushing = null;
  }

  /** Runs one of the cache's queries: counted in the stats and tracked for `close()`. */
  #count<T>(query: () => Promise<T>): Promise<T> {
    this.stats.databaseQueries++;
    return this.#track(query());
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inflight.add(promise);
    promise.then(
      () => this.#inflight.delete(promise),
      () => this.#inflight.delete(promise),
    );
    return promise;
  }

  /**
   * Sends a notification (`payload`, or `sync:<token>`) and waits for it; false when it is not
   * back within the deadline.
   */
  async #roundTrip(payload?: string): Promise<boolean> {
    const token = payload ?? formatNotice({ kind: "sync", token: crypto.randomUUID() });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arrived = new Promise<boolean>((resolve) => {
      this.#waiters.set(token, () => resolve(true));
      timer = setTimeout(() => resolve(false), this.#options.deadlineMs);
    });
    try {
      await this.#track(
        sql`select pg_notify(${CONFIG_CHANNEL}, ${token})`.execute(this.#db),
      );
      return await arrived;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      this.#waiters.delete(token);
    }
  }

  /**
   * The heartbeat: renews the lease (when there is one), then a round trip; memory answers
   * until `leaseMs` after the renewal started only when both succeed.
   */
  async #beat() {
    if (this.#beating || !this.#unlisten) return;
    this.#beating = true;
    try {
      const started = performance.now();
      if (this.#options.leaseMs > 0) {
        try {
          await this.#track(renewLease(this.#db, this.#id, this.#options.leaseMs));
        } catch {
          return; // the database does not answer: the lease runs out
        }
      }
      if (await this.#roundTrip()) {
        if (!this.#trusted) this.#trust();
        this.#leaseUntil = started + this.#options.leaseMs;
      } else this.#distrust();
    } finally {
      this.#beating = false;
    }
  }

  #onNotify(payload: string) {
    this.stats.notifications++;
    const notice = parseNotice(payload);
    switch (notice?.kind) {
      case "sync":
        this.#waiters.get(payload)?.();
        break;
      case "query":
        // A writer's sync(): everything committed before it has been applied.
        this.#waiters.get(payload)?.();
        if (notice.writer !== this.#id && this.#unlisten) this.#acknowledge(notice.token);
        break;
      case "reply":
        // An acknowledgement of one of this instance's sync() calls.
        this.#acks.get(notice.token)?.(notice.instance);
        break;
      case "experiments":
        this.#experiments.delete(notice.bankId);
        this.#changed(notice.bankId);
        break;
      case "customers":
        if (notice.unit === undefined) {
          this.#customers.delete(notice.bankId);
          this.#reloading.delete(notice.bankId);
        } else {
          this.#customers.get(notice.bankId)?.markChanged(notice.unit);
          this.#reloading.get(notice.bankId)?.markChanged(notice.unit);
        }
        break;
      case "key":
        this.#keys.delete(notice.keyHash);
        break;
      case "arms":
        this.#arms = new Map();
        break;
      case "all":
        this.#flush();
        break;
    }
  }

  /** Loads a bank afresh in the background; changes keep reaching both until it replaces. */
  #reload(bankId: string) {
    if (this.#reloading.has(bankId)) return;
    const fresh = new BankCustomers(this.#db, bankId, (query) => this.#count(query));
    this.#reloading.set(bankId, fresh);
    fresh.ready.then(
      () => {
        if (this.#reloading.get(bankId) !== fresh) return;
        this.#reloading.delete(bankId);
        this.#customers.set(bankId, fresh);
      },
      () => this.#reloading.get(bankId) === fresh && this.#reloading.delete(bankId),
    );
  }

  #flush() {
    this.stats.flushes++;
    this.#keys = new Map();
    this.#experiments = new Map();
    this.#customers = new Map();
    this.#reloading = new Map();
    this.#arms = new Map();
    this.#changed(null);
  }

  /** Answers a writer's `q:` notification (a failure only costs the writer its wait). */
  #acknowledge(token: string) {
    const payload = formatNotice({ kind: "reply", token, instance: this.#id });
    const reply = sql`select pg_notify(${CONFIG_CHANNEL}, ${payload})`;
    this.#track(reply.execute(this.#db)).catch(() => {});
  }

  /** Listening (again, after a lost connection): drop memory, renew the lease at once. */
  #listening() {
    this.#trust();
    if (this.#heartbeat !== undefined) void this.#beat();
  }

  /** Listening (again): whatever was missed meanwhile is dropped. */
  #trust() {
    this.#flush();
    this.#trusted = true;
  }

  #distrust() {
    if (!this.#trusted) return;
    this.#trusted = false;
    this.#flush();
  }
}
