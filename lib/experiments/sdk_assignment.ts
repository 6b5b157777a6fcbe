/**
 * Assignment as the SDK answers it, pure but for the source it reads through: eligibility first
 * (lib/experiments/eligibility.ts), then the A/B formula (`assignVariant`) or, for a bandit, the
 * weighted pick under the allocation in force (`banditArm`), sticky through the source. The
 * source is the database (`db/sdk_experiments.ts` `directSource`) or the memory cache
 * (`db/config_cache.ts`).
 */
import { assignVariant, type HashVersion } from "./assignment.ts";
import { banditArm } from "./bandit.ts";
import {
  type AssignmentReason,
  type CustomerFacts,
  eligibility,
  type Targeting,
} from "./eligibility.ts";
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
}

export interface UnitAssignment {
  unit: string;
  variant: string | null;
  inExperiment: boolean;
  reason: AssignmentReason;
}

/** What assignment reads and writes: customers' facts and bandits' sticky arms. */
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
  /** The facts from memory without waiting, or undefined (then call `customerFacts`). */
  peekFacts?(bankId: string, unit: string, channel: string | null): CustomerFacts | undefined;
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
  source: AssignmentSource,
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
  source: AssignmentSource,
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
  source: AssignmentSource,
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
