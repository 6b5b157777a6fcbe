/**
 * What the SDK API reads and writes about a bank's experiments and customers: experiments by
 * key, customers' attributes and consent, opt-outs, and the sticky arms of bandit experiments.
 * Every query is scoped by the bank of the SDK key.
 */
import { type Kysely, sql } from "kysely";
import { assignVariant, type HashVersion } from "../lib/experiments/assignment.ts";
import { banditArm } from "../lib/experiments/bandit.ts";
import {
  type AssignmentReason,
  type CustomerAttributes,
  type CustomerFacts,
  customerFacts as factsOf,
  eligibility,
  type Targeting,
} from "../lib/experiments/eligibility.ts";
import { chunks } from "../lib/arrays.ts";
import { customerRecords } from "./customer_cache.ts";
import type { Channel, Database, Db, ExperimentStatus } from "./schema.ts";
import { findActiveSdkKey, type SdkKey, touchSdkKey } from "./sdk_keys.ts";
import { type ArmLookup, readArms, type StickyArm, storeArms } from "./sticky_arms.ts";

export interface SdkExperiment {
  id: string;
  bankId: string;
  key: string;
  mode: "ab" | "bandit";
  status: ExperimentStatus;
  /** The A/B assignment rule (`assignVariant`); bandit arms do not depend on it (`banditArm`). */
  hashVersion: HashVersion;
  /** The experiment's own targeting; it only narrows `segment` (lib/experiments/eligibility.ts). */
  targeting: Targeting;
  /** The campaign's target segment (`{}` without a campaign or segment): it applies too. */
  segment: Targeting;
  startedAt: Date | null;
  /** The campaign's channel (opt-outs of that channel apply), or null without a campaign. */
  channel: Channel | null;
  /**
   * In position order; the first is the control. For a bandit with a stored reweighting the
   * weights are that allocation's, not the configured ones.
   */
  variants: Array<{ name: string; weight: number }>;
  /** Bandits: the allocation in force (its id and seed), or null before the first one. */
  allocation: { id: string; seed: string } | null;
}

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
      "c.channel",
      "c.segment",
    ])
    .execute();
  if (rows.length === 0) return found;
  const ids = rows.map((r) => r.id);
  const [variants, allocations] = await Promise.all([
    db.selectFrom("variants")
      .where("experiment_id", "in", ids)
      .select(["experiment_id", "name", "weight"])
      .orderBy("experiment_id").orderBy("position")
      .execute(),
    currentAllocations(db, rows.filter((r) => r.mode === "bandit").map((r) => r.id)),
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
    });
  }
  return found;
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

/** One experiment of the bank by key, or null (unknown, or another bank's). */
export async function experimentByKey(
  db: Db,
  bankId: string,
  key: string,
): Promise<SdkExperiment | null> {
  return (await experimentsByKeys(db, bankId, [key])).get(key) ?? null;
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
  const { customers, optOuts } = await customerRecords(db, bankId, units);
  const records = new Map(customers.map((c) => [c.unit, c]));
  const channels = new Map<string, string[]>();
  for (const o of optOuts) channels.set(o.unit, [...channels.get(o.unit) ?? [], o.channel]);
  return new Map(
    units.map((u) => [u, factsOf(records.get(u) ?? null, channels.get(u) ?? [], channel)]),
  );
}

export interface UnitAssignment {
  unit: string;
  variant: string | null;
  inExperiment: boolean;
  reason: AssignmentReason;
}

/**
 * Where SDK requests read what assignment needs. `directSource` asks the database on every
 * call; `db/config_cache.ts` answers from memory kept current by change notifications. Callers
 * must not hold a transaction open while they call a source (on PGlite the source's queries
 * would wait for the transaction's connection).
 */
export interface SdkSource {
  /** The key with this SHA-256 hash when it is not revoked, or null. */
  sdkKey(keyHash: string): Promise<SdkKey | null>;
  /** Records a key's use (the caller decides how often). */
  touchSdkKey(key: SdkKey, now: Date): Promise<void>;
  /** A bank's experiments by key; keys of other banks and unknown keys are absent. */
  experiments(bankId: string, keys: readonly string[]): Promise<Map<string, SdkExperiment>>;
  /** Eligibility facts of each unit as an experiment on `channel` sees them. */
  customerFacts(
    bankId: string,
    units: readonly string[],
    channel: string | null,
  ): Promise<Map<string, CustomerFacts>>;
  /** The stored bandit arm of each unit that has one. */
  storedArms(experiment: SdkExperiment, units: readonly string[]): Promise<Map<string, string>>;
  /**
   * Stores each pick (unit → arm; null: no arm to give) for units without a stored arm; the
   * first stored arm wins. Answers the stored arm of every unit that has one afterwards.
   */
  stickArms(
    experiment: SdkExperiment,
    picks: ReadonlyMap<string, string | null>,
    now: Date,
  ): Promise<Map<string, string>>;
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
  peekFacts?(bankId: string, unit: string, channel: string | null): CustomerFacts | undefined;
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

/**
 * The assignment of each unit (in the given order; repeated units answer the same).
 * Eligibility is decided first, so an ineligible unit never gets an arm. A/B arms come from
 * `assignVariant` and nothing is stored. Bandit arms are sticky: the stored arm is kept; a unit
 * without one gets the weighted pick under the allocation in force (hashed with the
 * allocation's seed, so each period draws afresh and can be replayed) and, when `stick` is
 * true, it is stored with the allocation's id (the first stored arm wins, so concurrent first
 * calls agree). With `stick: false` (event ingestion) a bandit unit without a stored arm is not
 * in the experiment and gets `variant: null` with reason `assigned`, which callers must treat
 * as "not assigned".
 */
export async function assignUnits(
  source: SdkSource,
  experiment: SdkExperiment,
  units: readonly string[],
  options: { stick: boolean; now: Date },
): Promise<UnitAssignment[]> {
  const decided = new Map<string, { variant: string | null; reason: AssignmentReason }>();
  const facts = experiment.status === "running"
    ? await source.customerFacts(experiment.bankId, units, experiment.channel)
    : new Map<string, CustomerFacts>();
  for (const unit of units) {
    if (!decided.has(unit)) {
      decided.set(unit, decide(experiment, unit, facts.get(unit) ?? UNKNOWN_CUSTOMER));
    }
  }
  if (experiment.mode === "bandit") {
    const picks = new Map<string, string | null>();
    for (const [unit, d] of decided) if (d.reason === "assigned") picks.set(unit, d.variant);
    const arms = options.stick
      ? await source.stickArms(experiment, picks, options.now)
      : await source.storedArms(experiment, [...picks.keys()]);
    for (const unit of picks.keys()) decided.get(unit)!.variant = arms.get(unit) ?? null;
  }
  return units.map((unit) => {
    const { variant, reason } = decided.get(unit)!;
    return { unit, variant, inExperiment: variant !== null, reason };
  });
}

/**
 * One unit's assignment (see `assignUnits`), without waiting when the source holds everything
 * in memory: an A/B experiment and the customer's facts. The hot path of the SDK.
 */
export function assignUnit(
  source: SdkSource,
  experiment: SdkExperiment,
  unit: string,
  options: { stick: boolean; now: Date },
): UnitAssignment | Promise<UnitAssignment> {
  return peekAssignment(source, experiment, unit) ??
    assignUnits(source, experiment, [unit], options).then(([assignment]) => assignment);
}

/**
 * One unit's A/B assignment from what the source holds in memory right now, or undefined (a
 * bandit, whose pick is only its answer once stored, or facts not in memory).
 */
export function peekAssignment(
  source: SdkSource,
  experiment: SdkExperiment,
  unit: string,
): UnitAssignment | undefined {
  if (experiment.mode !== "ab") return undefined;
  const facts = experiment.status === "running"
    ? source.peekFacts?.(experiment.bankId, unit, experiment.channel)
    : UNKNOWN_CUSTOMER;
  if (!facts) return undefined;
  const { variant, reason } = decide(experiment, unit, facts);
  return { unit, variant, inExperiment: variant !== null, reason };
}

/**
 * Eligibility first; only an eligible unit gets a pick: the A/B formula, or for a bandit the
 * weighted pick under the allocation in force (`banditArm`, salted with its seed).
 */
function decide(
  experiment: SdkExperiment,
  unit: string,
  facts: CustomerFacts,
): { variant: string | null; reason: AssignmentReason } {
  const reason = eligibility(experiment, facts);
  const variant = reason !== "assigned"
    ? null
    : experiment.mode === "bandit"
    ? banditArm(experiment.key, experiment.allocation?.seed ?? "", unit, experiment.variants)
    : assignVariant(experiment.key, unit, experiment.variants, experiment.hashVersion);
  return { variant, reason };
}

/** A customer the bank never told us about: consenting, no attributes, no opt-out. */
export const UNKNOWN_CUSTOMER: CustomerFacts = Object.freeze({
  attributes: null,
  marketingConsent: true,
  optedOut: false,
});

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
