/**
 * Assignment as the SDK answers it, pure but for the source it reads through: eligibility and
 * traffic governance first (lib/governance/decide.ts: opt-outs, QA units, the holdout,
 * targeting, layers, contact caps, quiet hours), then the A/B formula (`assignVariant`) or, for
 * a bandit, the weighted pick under the allocation in force (`banditArm`), sticky through the
 * source. The source is the database (`db/sdk_experiments.ts` `directSource`) or the memory
 * cache (`db/config_cache.ts`).
 */
import { assignVariant, type HashVersion } from "./assignment.ts";
import { banditArm } from "./bandit.ts";
import type { AssignmentReason, CustomerFacts, Targeting } from "./eligibility.ts";
import { preDecision, settle } from "../governance/decide.ts";
import type { GovernancePolicy } from "../governance/policy.ts";
import type { Channel, ExperimentStatus } from "./settings.ts";

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
  /** The range [from, to) the experiment takes of a mutual-exclusion layer, or null. */
  layer: { key: string; range: readonly [number, number] } | null;
  /** QA units → their arm (reason `forced`; never counted in results). */
  forced: ReadonlyMap<string, string>;
  /** The bank's contact policy (caps, quiet hours, holdout) as it stood when loaded. */
  policy: GovernancePolicy;
}

export interface UnitAssignment {
  unit: string;
  variant: string | null;
  inExperiment: boolean;
  reason: AssignmentReason;
  /** With reason `quiet_hours`: when they end (ISO 8601, UTC). */
  quietUntil?: string;
}

/** What assignment reads and writes: customers' facts, the contact ledger, sticky arms. */
export interface AssignmentSource {
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
   * The contact caps: for each unit (→ whether to record a contact when it is not capped),
   * whether one more contact by `experiment` now would exceed a cap of its policy; records the
   * contacts of the units that are not capped, atomically with the check, across instances.
   * Answers the capped units.
   */
  contact(
    experiment: SdkExperiment,
    units: ReadonlyMap<string, boolean>,
    now: Date,
  ): Promise<Set<string>>;
  /** The facts from memory without waiting, or undefined (then call `customerFacts`). */
  peekFacts?(bankId: string, unit: string, channel: string | null): CustomerFacts | undefined;
}

/**
 * The assignment of each unit (in the given order; repeated units answer the same).
 * Eligibility and governance are decided first (lib/governance/decide.ts), so an ineligible unit
 * never gets an arm; a capped channel's units ask the ledger, which records their contacts.
 * A/B arms come from `assignVariant` and nothing is stored. Bandit arms are sticky: the stored
 * arm is kept; a unit without one gets the weighted pick under the allocation in force (hashed
 * with the allocation's seed, so each period draws afresh and can be replayed) and, when `stick`
 * is true, it is stored with the allocation's id (the first stored arm wins, so concurrent first
 * calls agree). With `stick: false` (event ingestion, which reports facts and contacts nobody)
 * caps and quiet hours are not checked, and a bandit unit without a stored arm is not in the
 * experiment: `variant: null` with reason `assigned`, which callers must treat as "not assigned".
 */
export async function assignUnits(
  source: AssignmentSource,
  experiment: SdkExperiment,
  units: readonly string[],
  options: { stick: boolean; now: Date },
): Promise<UnitAssignment[]> {
  const decided = new Map<string, Decided>();
  const facts = experiment.status === "running"
    ? await source.customerFacts(experiment.bankId, units, experiment.channel)
    : new Map<string, CustomerFacts>();
  const capChecks = new Map<string, boolean>();
  const pending = new Map<string, Date | null>();
  for (const unit of units) {
    if (decided.has(unit) || pending.has(unit)) continue;
    const pre = preDecision(experiment, unit, facts.get(unit) ?? UNKNOWN_CUSTOMER, {
      now: options.now,
      contact: options.stick,
    });
    if (pre.reason !== "eligible") {
      decided.set(unit, {
        variant: pre.reason === "forced" ? pre.variant : null,
        reason: pre.reason,
      });
    } else if (pre.checkCaps) {
      pending.set(unit, pre.quietUntil);
      capChecks.set(unit, pre.quietUntil === null);
    } else decided.set(unit, settled(experiment, unit, pre.quietUntil, false));
  }
  if (capChecks.size) {
    const capped = await source.contact(experiment, capChecks, options.now);
    for (const [unit, quiet] of pending) {
      decided.set(unit, settled(experiment, unit, quiet, capped.has(unit)));
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
  return units.map((unit) => answer(unit, decided.get(unit)!));
}

/**
 * One unit's assignment (see `assignUnits`), without waiting when the source holds everything
 * in memory: an A/B experiment, no capped channel, and the customer's facts. The hot path.
 */
export function assignUnit(
  source: AssignmentSource,
  experiment: SdkExperiment,
  unit: string,
  options: { stick: boolean; now: Date },
): UnitAssignment | Promise<UnitAssignment> {
  return peekAssignment(source, experiment, unit, options.now) ??
    assignUnits(source, experiment, [unit], options).then(([assignment]) => assignment);
}

/**
 * One unit's A/B assignment from what the source holds in memory right now, or undefined (a
 * bandit, whose pick is only its answer once stored; a channel whose caps the ledger must
 * count; or facts not in memory).
 */
export function peekAssignment(
  source: AssignmentSource,
  experiment: SdkExperiment,
  unit: string,
  now: Date,
): UnitAssignment | undefined {
  if (experiment.mode !== "ab") return undefined;
  const facts = experiment.status === "running"
    ? source.peekFacts?.(experiment.bankId, unit, experiment.channel)
    : UNKNOWN_CUSTOMER;
  if (!facts) return undefined;
  const pre = preDecision(experiment, unit, facts, { now, contact: true });
  if (pre.reason !== "eligible") {
    return answer(unit, {
      variant: pre.reason === "forced" ? pre.variant : null,
      reason: pre.reason,
    });
  }
  if (pre.checkCaps) return undefined;
  return answer(unit, settled(experiment, unit, pre.quietUntil, false));
}

interface Decided {
  variant: string | null;
  reason: AssignmentReason;
  quietUntil?: Date;
}

/**
 * An eligible unit's answer once the caps are known: only an `assigned` unit gets a pick, the
 * A/B formula or, for a bandit, the weighted pick under the allocation in force (`banditArm`,
 * salted with its seed).
 */
function settled(
  experiment: SdkExperiment,
  unit: string,
  quiet: Date | null,
  capped: boolean,
): Decided {
  const reason = settle({ quietUntil: quiet }, capped);
  if (reason === "quiet_hours") return { variant: null, reason, quietUntil: quiet! };
  if (reason !== "assigned") return { variant: null, reason };
  const variant = experiment.mode === "bandit"
    ? banditArm(experiment.key, experiment.allocation?.seed ?? "", unit, experiment.variants)
    : assignVariant(experiment.key, unit, experiment.variants, experiment.hashVersion);
  return { variant, reason };
}

function answer(unit: string, d: Decided): UnitAssignment {
  const result: UnitAssignment = {
    unit,
    variant: d.variant,
    inExperiment: d.variant !== null,
    reason: d.reason,
  };
  if (d.quietUntil) result.quietUntil = d.quietUntil.toISOString();
  return result;
}

/** A customer the bank never told us about: consenting, no attributes, no opt-out. */
export const UNKNOWN_CUSTOMER: CustomerFacts = Object.freeze({
  attributes: null,
  marketingConsent: true,
  optedOut: false,
});
