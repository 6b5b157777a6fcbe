/**
 * A bank's customers as eligibility sees them, held in memory by `db/config_cache.ts`: the
 * opt-outs (unit → channels) and the customers whose record changes eligibility (no marketing
 * consent, or attributes set). Every other unit is an unknown customer — consenting, no
 * attributes, no opt-out — so a unit absent from memory needs no database read either.
 *
 * Loaded page by page on first use and kept current by `markChanged(unit)` (a change
 * notification): a changed unit is read from the database at its next look-up and served from
 * memory again after that. Each change gets a generation number, so a read that raced a newer
 * change never overwrites it.
 *
 * Erased customers (db/suppressions.ts) are loaded with the bank as their keyed hashes; a unit is
 * hashed at look-up only when the bank has any, so a bank without erasures pays nothing. A
 * suppression added or lifted notifies `c:<bank>`, which drops the bank: the next look-up loads
 * it again, suppressions included.
 */
import { type Kysely, sql } from "kysely";
import {
  type CustomerAttributes,
  type CustomerFacts,
  customerFacts,
  type CustomerRecord,
} from "../lib/experiments/eligibility.ts";
import { chunks } from "../lib/arrays.ts";
import type { UnitHasher } from "../lib/governance/erasure.ts";
import { suppressionHasher, suppressionHashes } from "./suppressions.ts";
import type { Database, Db } from "./schema.ts";

/** What memory keeps of one unit: its record when it matters, its opted-out channels. */
interface UnitState {
  record: CustomerRecord | null;
  channels: string[];
}

/** The facts of a unit memory knows nothing about (shared: the common case allocates nothing). */
const UNKNOWN: CustomerFacts = Object.freeze({
  attributes: null,
  marketingConsent: true,
  optedOut: false,
});

/** The facts of an erased customer: never enrolled again (reason `opted_out`). */
const SUPPRESSED: CustomerFacts = Object.freeze({
  attributes: null,
  marketingConsent: false,
  optedOut: true,
});

/** Rows per page when a bank is loaded. */
const PAGE_SIZE = 20_000;

export class BankCustomers {
  /** Settles when the bank is loaded (rejects when loading failed: drop the instance). */
  readonly ready: Promise<void>;
  /** Rows read by the initial load (customers with a record that matters, and opt-outs). */
  loadedRows = 0;
  readonly #db: Kysely<Database>;
  readonly #bankId: string;
  readonly #query: <T>(query: () => Promise<T>) => Promise<T>;
  readonly #records = new Map<string, CustomerRecord>();
  readonly #optOuts = new Map<string, string[]>();
  readonly #changed = new Map<string, number>();
  /** Suppression hashes of erased customers; `#hash` is set only when there are some. */
  #suppressed = new Set<string>();
  #hash: UnitHasher | null = null;
  #generation = 0;
  #loaded = false;

  /** `query` runs each database query (the cache counts and tracks them). */
  constructor(
    db: Kysely<Database>,
    bankId: string,
    query: <T>(query: () => Promise<T>) => Promise<T> = (q) => q(),
  ) {
    this.#db = db;
    this.#bankId = bankId;
    this.#query = query;
    this.ready = this.#load();
  }

  /** Units changed since they were last read. */
  get changedCount(): number {
    return this.#changed.size;
  }

  /** A notification said this unit's record or opt-outs changed. */
  markChanged(unit: string): void {
    this.#changed.set(unit, ++this.#generation);
  }

  /**
   * One unit's facts without waiting; undefined while the bank is loading or when the unit
   * changed since it was last read (then use `facts`).
   */
  peek(unit: string, channel: string | null): CustomerFacts | undefined {
    if (!this.#loaded || this.#changed.has(unit)) return undefined;
    if (this.#hash && this.#suppressed.has(this.#hash(this.#bankId, unit))) return SUPPRESSED;
    const record = this.#records.get(unit);
    const channels = this.#optOuts.get(unit);
    if (!record && !channels) return UNKNOWN;
    return customerFacts(record ?? null, channels ?? [], channel);
  }

  /** Eligibility facts of each unit for an experiment on `channel` (null: no campaign). */
  async facts(
    units: readonly string[],
    channel: string | null,
  ): Promise<Map<string, CustomerFacts>> {
    await this.ready;
    const stale = [...new Set(units.filter((u) => this.#changed.has(u)))];
    const fresh = stale.length ? await this.#refresh(stale) : new Map<string, UnitState>();
    const facts = new Map<string, CustomerFacts>();
    for (const unit of units) {
      if (this.#hash && this.#suppressed.has(this.#hash(this.#bankId, unit))) {
        facts.set(unit, SUPPRESSED);
        continue;
      }
      const state = fresh.get(unit) ??
        { record: this.#records.get(unit) ?? null, channels: this.#optOuts.get(unit) ?? [] };
      facts.set(unit, customerFacts(state.record, state.channels, channel));
    }
    return facts;
  }

  /** Reads changed units; keeps what was read unless a newer change came in meanwhile. */
  async #refresh(units: string[]): Promise<Map<string, UnitState>> {
    const generations = new Map(units.map((u) => [u, this.#changed.get(u)]));
    const { customers, optOuts } = await this.#query(() =>
      customerRecords(this.#db, this.#bankId, units)
    );
    const states = new Map<string, UnitState>(
      units.map((u) => [u, { record: null, channels: [] }]),
    );
    for (const c of customers) states.get(c.unit)!.record = c;
    for (const o of optOuts) states.get(o.unit)!.channels.push(o.channel);
    for (const [unit, state] of states) {
      if (this.#changed.get(unit) !== generations.get(unit)) continue;
      this.#changed.delete(unit);
      this.#keep(unit, state);
    }
    return states;
  }

  #keep(unit: string, state: UnitState) {
    if (state.record && (!state.record.consent || !isEmpty(state.record.attributes))) {
      this.#records.set(unit, state.record);
    } else this.#records.delete(unit);
    if (state.channels.length) this.#optOuts.set(unit, state.channels);
    else this.#optOuts.delete(unit);
  }

  async #load(): Promise<void> {
    let after: string | null = null;
    for (;;) {
      const page = await this.#query(() => customerPage(this.#db, this.#bankId, after, PAGE_SIZE));
      for (const r of page) this.#records.set(r.unit, r);
      this.loadedRows += page.length;
      if (page.length < PAGE_SIZE) break;
      after = page[page.length - 1].unit;
    }
    let last: { unit: string; channel: string } | null = null;
    for (;;) {
      const page = await this.#query(() => optOutPage(this.#db, this.#bankId, last, PAGE_SIZE));
      for (const o of page) {
        const channels = this.#optOuts.get(o.unit);
        if (channels) channels.push(o.channel);
        else this.#optOuts.set(o.unit, [o.channel]);
      }
      this.loadedRows += page.length;
      if (page.length < PAGE_SIZE) break;
      last = page[page.length - 1];
    }
    const suppressed = await this.#query(() => suppressionHashes(this.#db, this.#bankId));
    this.loadedRows += suppressed.size;
    if (suppressed.size) {
      this.#hash = await suppressionHasher(this.#db);
      this.#suppressed = suppressed;
    }
    this.#loaded = true;
  }
}

/** `{}`: what `customerPage` leaves out (`attributes <> '{}'`). */
function isEmpty(attributes: CustomerAttributes): boolean {
  return Object.keys(attributes).length === 0;
}

/** A bank's customer records and opt-outs of some units, as stored (for the memory cache). */
export async function customerRecords(
  db: Db,
  bankId: string,
  units: readonly string[],
): Promise<{
  customers: Array<{ unit: string; attributes: CustomerAttributes; consent: boolean }>;
  optOuts: Array<{ unit: string; channel: string }>;
}> {
  const customers = [];
  const optOuts = [];
  for (const part of chunks([...new Set(units)], 5000)) {
    const [c, o] = await Promise.all([
      db.selectFrom("customers")
        .where("bank_id", "=", bankId).where("unit", "in", part)
        .select(["unit", "attributes", "marketing_consent"]).execute(),
      db.selectFrom("opt_outs")
        .where("bank_id", "=", bankId).where("unit", "in", part)
        .select(["unit", "channel"]).execute(),
    ]);
    for (const r of c) {
      customers.push({
        unit: r.unit,
        attributes: r.attributes ?? {},
        consent: r.marketing_consent,
      });
    }
    optOuts.push(...o);
  }
  return { customers, optOuts };
}

/**
 * One page of a bank's customers whose record changes eligibility (no consent, or attributes
 * set), in unit order after `after`: for loading a bank into memory.
 */
export async function customerPage(
  db: Db,
  bankId: string,
  after: string | null,
  limit: number,
): Promise<Array<{ unit: string; attributes: CustomerAttributes; consent: boolean }>> {
  let query = db.selectFrom("customers")
    .where("bank_id", "=", bankId)
    .where((eb) =>
      eb.or([eb("marketing_consent", "=", false), eb(sql`attributes`, "<>", sql`'{}'::jsonb`)])
    )
    .select(["unit", "attributes", "marketing_consent"])
    .orderBy("unit").limit(limit);
  if (after !== null) query = query.where("unit", ">", after);
  const rows = await query.execute();
  return rows.map((r) => ({
    unit: r.unit,
    attributes: r.attributes ?? {},
    consent: r.marketing_consent,
  }));
}

/** One page of a bank's opt-outs in (unit, channel) order after `after`. */
export async function optOutPage(
  db: Db,
  bankId: string,
  after: { unit: string; channel: string } | null,
  limit: number,
): Promise<Array<{ unit: string; channel: string }>> {
  let query = db.selectFrom("opt_outs").where("bank_id", "=", bankId)
    .select(["unit", "channel"]).orderBy("unit").orderBy("channel").limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple("unit", "channel"), ">", eb.tuple(after.unit, after.channel))
    );
  }
  return await query.execute();
}
