/**
 * What the SDK API reads and writes about a bank's experiments and customers: experiments by
 * key, customers' attributes and consent, opt-outs, and the sticky arms of bandit experiments.
 * Every query is scoped by the bank of the SDK key. Assignment itself (eligibility, the A/B
 * formula, bandit picks) is lib/experiments/sdk_assignment.ts; this module is its database source.
 */
import { type Kysely, sql } from "kysely";
import {
  type CustomerAttributes,
  type CustomerFacts,
  customerFacts as factsOf,
} from "../lib/experiments/eligibility.ts";
import type { AssignmentSource, SdkExperiment } from "../lib/experiments/sdk_assignment.ts";
import { chunks } from "../lib/arrays.ts";
import { customerRecords } from "./customer_cache.ts";
import { recordContacts } from "./contacts.ts";
import { suppressedUnits } from "./suppressions.ts";
import { type GovernancePolicy, NO_POLICY } from "../lib/governance/policy.ts";
import type { Database, Db } from "./schema.ts";
// Re-exported for routes/api/v1/events.ts, which imports them from here.
export { assignUnits, type UnitAssignment } from "../lib/experiments/sdk_assignment.ts";
export type { SdkExperiment };
import { findActiveSdkKey, type SdkKey, touchSdkKey } from "./sdk_keys.ts";
import { type ArmLookup, readArms, type StickyArm, storeArms } from "./sticky_arms.ts";

/** A bank's experiments by key, with variants; keys of other banks are simply absent. */
export async function experimentsByKeys(
  db: Db,
  bankId: string,
  keys: readonly string[],
): Promise<Map<string, SdkExperiment>> {
  const found = new Map<string, SdkExperiment>();
  if (keys.length === 0) return found;
  const rows = await db.selectFrom("experiments as e")
    .leftJoin("campaigns as c", "c.id", "e.campaign_id")
    .where("e.bank_id", "=", bankId)
    .where("e.key", "in", [...new Set(keys)])
    .select([
      "e.id",
      "e.bank_id",
      "e.key",
      "e.mode",
      "e.status",
      "e.targeting",
      "e.started_at",
      "e.hash_version",
      "e.layer_key",
      "e.layer_lo",
      "e.layer_hi",
      "e.forced",
      "c.channel",
      "c.segment",
    ])
    .execute();
  if (rows.length === 0) return found;
  const ids = rows.map((r) => r.id);
  const [variants, allocations, policy] = await Promise.all([
    db.selectFrom("variants")
      .where("experiment_id", "in", ids)
      .select(["experiment_id", "name", "weight"])
      .orderBy("experiment_id").orderBy("position")
      .execute(),
    currentAllocations(db, rows.filter((r) => r.mode === "bandit").map((r) => r.id)),
    governancePolicy(db, bankId),
  ]);
  for (const r of rows) {
    const allocation = allocations.get(r.id);
    const arms = variants.filter((v) => v.experiment_id === r.id);
    found.set(r.key, {
      id: r.id,
      bankId: r.bank_id,
      key: r.key,
      mode: r.mode,
      status: r.status,
      hashVersion: r.hash_version,
      targeting: r.targeting ?? {},
      segment: r.segment ?? {},
      startedAt: r.started_at,
      channel: r.channel,
      variants: arms.map((v, i) => ({
        name: v.name,
        weight: allocation?.weights.length === arms.length ? allocation.weights[i] : v.weight,
      })),
      allocation: allocation ? { id: allocation.id, seed: allocation.seed } : null,
      layer: r.layer_key === null
        ? null
        : { key: r.layer_key, range: [Number(r.layer_lo), Number(r.layer_hi)] as const },
      forced: new Map((r.forced ?? []).map((f) => [f.unit, f.variant])),
      policy,
    });
  }
  return found;
}

/** What assignment needs of a bank's contact policy (`NO_POLICY` without one). */
export async function governancePolicy(db: Db, bankId: string): Promise<GovernancePolicy> {
  const row = await db.selectFrom("contact_policies")
    .where("bank_id", "=", bankId)
    .select(["caps", "quiet_hours", "holdout"])
    .executeTakeFirst();
  if (!row) return NO_POLICY;
  return { caps: row.caps ?? [], quietHours: row.quiet_hours, holdout: row.holdout };
}

/** The latest allocation of each bandit experiment that has one. */
async function currentAllocations(
  db: Db,
  experimentIds: readonly string[],
): Promise<Map<string, { id: string; seed: string; weights: number[] }>> {
  if (experimentIds.length === 0) return new Map();
  const rows = await db.selectFrom("allocations")
    .where("experiment_id", "in", experimentIds)
    .distinctOn("experiment_id")
    .select(["experiment_id", "id", "seed", "weights"])
    .orderBy("experiment_id").orderBy("computed_at", "desc").orderBy("id", "desc")
    .execute();
  return new Map(
    rows.map((r) => [r.experiment_id, { id: r.id, seed: r.seed, weights: r.weights }]),
  );
}

/**
 * Eligibility facts for customers of a bank, as seen by an experiment on `channel`: an opt-out
 * of every channel (`*`) or of that channel counts.
 */
export async function customerFacts(
  db: Db,
  bankId: string,
  units: readonly string[],
  channel: string | null,
): Promise<Map<string, CustomerFacts>> {
  const [{ customers, optOuts }, suppressed] = await Promise.all([
    customerRecords(db, bankId, units),
    suppressedUnits(db, bankId, units), // erased customers (db/suppressions.ts)
  ]);
  const records = new Map(customers.map((c) => [c.unit, c]));
  const channels = new Map<string, string[]>();
  for (const o of optOuts) channels.set(o.unit, [...channels.get(o.unit) ?? [], o.channel]);
  return new Map(
    units.map((u) => [
      u,
      suppressed.has(u)
        ? { attributes: null, marketingConsent: false, optedOut: true }
        : factsOf(records.get(u) ?? null, channels.get(u) ?? [], channel),
    ]),
  );
}

/**
 * Where SDK requests read what assignment needs. `directSource` asks the database on every
 * call; `db/config_cache.ts` answers from memory kept current by change notifications. Callers
 * must not hold a transaction open while they call a source (on PGlite the source's queries
 * would wait for the transaction's connection).
 */
export interface SdkSource extends AssignmentSource {
  /** The key with this SHA-256 hash when it is not revoked, or null. */
  sdkKey(keyHash: string): Promise<SdkKey | null>;
  /** Records a key's use (the caller decides how often). */
  touchSdkKey(key: SdkKey, now: Date): Promise<void>;
  /** A bank's experiments by key; keys of other banks and unknown keys are absent. */
  experiments(bankId: string, keys: readonly string[]): Promise<Map<string, SdkExperiment>>;
  /**
   * Returns once every change committed before the call is visible to this source (no-op for
   * the database itself).
   */
  sync(): Promise<void>;
  /**
   * Answers from memory without waiting, for the hot path; `undefined` when memory does not
   * hold the answer right now (then call the async method). Only a cache has them.
   */
  peekSdkKey?(keyHash: string): SdkKey | null | undefined;
  peekExperiment?(bankId: string, key: string): SdkExperiment | null | undefined;
}

/** The database on every call: no memory, so nothing to invalidate. */
export function directSource(db: Kysely<Database>): SdkSource {
  return {
    sdkKey: (keyHash) => findActiveSdkKey(db, keyHash),
    touchSdkKey: (key, now) => touchSdkKey(db, key.id, now),
    experiments: (bankId, keys) => experimentsByKeys(db, bankId, keys),
    customerFacts: (bankId, units, channel) => customerFacts(db, bankId, units, channel),
    storedArms: async (experiment, units) =>
      armsOf(await readArms(db, units.map((unit) => ({ experimentId: experiment.id, unit })))),
    stickArms: async (experiment, picks, now) =>
      armsOf(await storeArms(db, stickyRows(experiment, picks, now))),
    contact: (experiment, units, now) => recordContacts(db, experiment, units, now),
    sync: () => Promise.resolve(),
  };
}

/** Stored arms of one experiment, keyed by unit. */
function armsOf(stored: Map<string, string>): Map<string, string> {
  const arms = new Map<string, string>();
  for (const [key, variant] of stored) arms.set(key.slice(key.indexOf("\u0000") + 1), variant);
  return arms;
}

/** What `storeArms` gets for an experiment's picks: a pick to store, or (null) a look-up. */
export function stickyRows(
  experiment: SdkExperiment,
  picks: ReadonlyMap<string, string | null>,
  now: Date,
): Array<StickyArm | ArmLookup> {
  return [...picks].map(([unit, variant]) =>
    variant === null ? { experimentId: experiment.id, unit, variant } : {
      experimentId: experiment.id,
      bankId: experiment.bankId,
      unit,
      variant,
      assignedAt: now,
      allocationId: experiment.allocation?.id ?? null,
    }
  );
}

/** Records opt-outs (idempotent); returns how many were new. */
export async function insertOptOuts(
  db: Db,
  bankId: string,
  units: readonly string[],
  options: { channel: string; now: Date },
): Promise<number> {
  let inserted = 0;
  for (const part of chunks([...new Set(units)], 1000)) {
    const rows = await db.insertInto("opt_outs")
      .values(part.map((unit) => ({
        bank_id: bankId,
        unit,
        channel: options.channel,
        created_at: options.now,
      })))
      .onConflict((oc) => oc.columns(["bank_id", "unit", "channel"]).doNothing())
      .returning("unit").execute();
    inserted += rows.length;
  }
  return inserted;
}

export interface CustomerUpsert {
  unit: string;
  /** Replaces the stored attributes when given. */
  attributes?: CustomerAttributes;
  /** Replaces the stored consent when given. */
  marketingConsent?: boolean;
}

/**
 * Inserts or updates customers; fields left out keep their stored value (a new customer gets
 * `{}` and consent true). A unit given twice: the last entry wins.
 */
export async function upsertCustomers(
  db: Db,
  bankId: string,
  customers: readonly CustomerUpsert[],
  now: Date,
): Promise<number> {
  const last = new Map(customers.map((c) => [c.unit, c]));
  // One statement per shape, so an update sets only the fields that were given.
  const shapes = new Map<string, CustomerUpsert[]>();
  for (const c of last.values()) {
    const shape = `${c.attributes !== undefined}:${c.marketingConsent !== undefined}`;
    shapes.set(shape, [...shapes.get(shape) ?? [], c]);
  }
  for (const group of shapes.values()) {
    const withAttributes = group[0].attributes !== undefined;
    const withConsent = group[0].marketingConsent !== undefined;
    for (const part of chunks(group, 1000)) {
      await db.insertInto("customers")
        .values(part.map((c) => ({
          bank_id: bankId,
          unit: c.unit,
          attributes: c.attributes ?? {},
          marketing_consent: c.marketingConsent ?? true,
          updated_at: now,
        })))
        .onConflict((oc) =>
          oc.columns(["bank_id", "unit"]).doUpdateSet({
            attributes: withAttributes
              ? sql`excluded.attributes`
              : sql`${sql.ref("customers.attributes")}`,
            marketing_consent: withConsent
              ? sql`excluded.marketing_consent`
              : sql`${sql.ref("customers.marketing_consent")}`,
            updated_at: sql`excluded.updated_at`,
          })
        )
        .execute();
    }
  }
  return last.size;
}
