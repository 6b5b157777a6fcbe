/**
 * What the SDK API reads and writes about a bank's experiments and customers: experiments by
 * key, customers' attributes and consent, opt-outs, and the sticky arms of bandit experiments.
 * Every query is scoped by the bank of the SDK key.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { assignVariant } from "../lib/experiments/assignment.ts";
import {
  type AssignmentReason,
  type CustomerAttributes,
  type CustomerFacts,
  eligibility,
  type Targeting,
} from "../lib/experiments/eligibility.ts";
import type { Channel, Database, ExperimentStatus } from "./schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface SdkExperiment {
  id: string;
  bankId: string;
  key: string;
  mode: "ab" | "bandit";
  status: ExperimentStatus;
  targeting: Targeting;
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
      "c.channel",
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
      targeting: r.targeting ?? {},
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
  return new Map(rows.map((r) => [r.experiment_id, { id: r.id, seed: r.seed, weights: r.weights }]));
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
  const unique = [...new Set(units)];
  const facts = new Map<string, CustomerFacts>(
    unique.map((u) => [u, { attributes: null, marketingConsent: true, optedOut: false }]),
  );
  for (const part of chunks(unique, 5000)) {
    const [customers, optOuts] = await Promise.all([
      db.selectFrom("customers")
        .where("bank_id", "=", bankId).where("unit", "in", part)
        .select(["unit", "attributes", "marketing_consent"]).execute(),
      db.selectFrom("opt_outs")
        .where("bank_id", "=", bankId).where("unit", "in", part)
        .where("channel", "in", channel ? ["*", channel] : ["*"])
        .select("unit").distinct().execute(),
    ]);
    for (const c of customers) {
      const f = facts.get(c.unit)!;
      f.attributes = c.attributes ?? {};
      f.marketingConsent = c.marketing_consent;
    }
    for (const o of optOuts) facts.get(o.unit)!.optedOut = true;
  }
  return facts;
}

export interface UnitAssignment {
  unit: string;
  variant: string | null;
  inExperiment: boolean;
  reason: AssignmentReason;
}

/**
 * The assignment of each unit (in the given order; repeated units answer the same).
 * Eligibility is decided first, so an ineligible unit never gets an arm. A/B arms come from
 * `assignVariant` and nothing is stored. Bandit arms are sticky: the arm in `assignments` is
 * kept; a unit without one gets the weighted pick under the allocation in force (hashed with
 * the allocation's seed, so each period draws afresh and can be replayed) and, when `stick` is
 * true, it is stored with the allocation's id
 * (`on conflict do nothing`, so concurrent first calls agree on the first stored arm). With
 * `stick: false` (event ingestion) a bandit unit without a stored arm is not in the experiment
 * and gets `variant: null` with reason `assigned`, which callers must treat as "not assigned".
 */
export async function assignUnits(
  db: Db,
  experiment: SdkExperiment,
  units: readonly string[],
  options: { stick: boolean; now: Date },
): Promise<UnitAssignment[]> {
  const decided = new Map<string, { variant: string | null; reason: AssignmentReason }>();
  const facts = experiment.status === "running"
    ? await customerFacts(db, experiment.bankId, units, experiment.channel)
    : new Map<string, CustomerFacts>();
  const none: CustomerFacts = { attributes: null, marketingConsent: true, optedOut: false };
  const hashKey = experiment.mode === "bandit" && experiment.allocation
    ? `${experiment.key}#${experiment.allocation.seed}`
    : experiment.key;
  for (const unit of units) {
    if (decided.has(unit)) continue;
    const reason = eligibility(experiment, facts.get(unit) ?? none);
    const variant = reason === "assigned"
      ? assignVariant(hashKey, unit, experiment.variants)
      : null;
    decided.set(unit, { variant, reason });
  }
  if (experiment.mode === "bandit") {
    await applyStickyArms(db, experiment, decided, options);
  }
  return units.map((unit) => {
    const { variant, reason } = decided.get(unit)!;
    return { unit, variant, inExperiment: variant !== null, reason };
  });
}

async function applyStickyArms(
  db: Db,
  experiment: SdkExperiment,
  decided: Map<string, { variant: string | null; reason: AssignmentReason }>,
  options: { stick: boolean; now: Date },
): Promise<void> {
  const eligible = [...decided].filter(([, d]) => d.reason === "assigned").map(([u]) => u);
  for (const part of chunks(eligible, 5000)) {
    if (options.stick) {
      const fresh = part.filter((u) => decided.get(u)!.variant !== null).map((unit) => ({
        experiment_id: experiment.id,
        bank_id: experiment.bankId,
        unit,
        variant: decided.get(unit)!.variant!,
        assigned_at: options.now,
        allocation_id: experiment.allocation?.id ?? null,
      }));
      for (const rows of chunks(fresh, 1000)) {
        await db.insertInto("assignments").values(rows)
          .onConflict((oc) => oc.columns(["experiment_id", "unit"]).doNothing()).execute();
      }
    }
    const stored = await db.selectFrom("assignments")
      .where("experiment_id", "=", experiment.id).where("unit", "in", part)
      .select(["unit", "variant"]).execute();
    const arms = new Map(stored.map((s) => [s.unit, s.variant]));
    for (const unit of part) decided.get(unit)!.variant = arms.get(unit) ?? null;
  }
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

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
