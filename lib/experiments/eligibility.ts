/**
 * Who may be in an experiment, decided before any arm is picked:
 *
 * 1. `not_running` — the experiment's status is not `running`.
 * 2. `opted_out` — the customer opted out (of every channel, or of the campaign's channel), or
 *    their customer record says no marketing consent. Checked before targeting and assignment,
 *    so an opted-out customer never gets an arm.
 * 3. `not_targeted` — the customer is outside the targeting that applies (`appliedTargeting`):
 *    the campaign's segment and the experiment's own targeting must both match. Each sets stages
 *    and/or tags: the stage must be one of `stages`, and the customer must carry at least one of
 *    `tags`. A customer without a record matches only when neither sets a condition.
 * 4. `assigned` — otherwise.
 *
 * Traffic governance (lib/governance/decide.ts) adds its reasons around these: `forced` and
 * `holdout` after `opted_out`, then `layer_excluded`, `frequency_capped` and `quiet_hours`
 * after `not_targeted` (`ASSIGNMENT_REASONS` gives the whole order).
 *
 * An experiment inherits its campaign's segment and may only narrow it: its customers are the
 * intersection of the campaign's segment and its own targeting, never anyone outside the
 * segment. Its stages must be among the segment's (`stagesOutside` names the others).
 */

/**
 * Every reason an assignment answers with, in the order they are checked (the traffic
 * governance reasons are lib/governance/decide.ts's; docs/SDK.md lists them all).
 */
export const ASSIGNMENT_REASONS = [
  "not_running",
  "opted_out",
  "forced",
  "holdout",
  "not_targeted",
  "layer_excluded",
  "frequency_capped",
  "quiet_hours",
  "assigned",
] as const;
export type AssignmentReason = typeof ASSIGNMENT_REASONS[number];

/** The reasons `eligibility()` itself decides. */
export type BaseReason = "assigned" | "opted_out" | "not_targeted" | "not_running";

export interface Targeting {
  stages?: string[];
  tags?: string[];
}

export interface CustomerAttributes {
  stage?: string;
  tags?: string[];
}

/** What is known about one customer, as far as eligibility goes. */
export interface CustomerFacts {
  /** null: the bank never sent attributes or consent for this unit. */
  attributes: CustomerAttributes | null;
  /** false only when the bank said so; an unknown customer is taken as consenting. */
  marketingConsent: boolean;
  optedOut: boolean;
}

/** A customer record as stored: attributes and consent (absent for a unit the bank never sent). */
export interface CustomerRecord {
  attributes: CustomerAttributes;
  consent: boolean;
}

/**
 * A unit's facts for an experiment on `channel` (null: no campaign) from its record and the
 * channels it opted out of: an opt-out of every channel (`*`) or of that channel counts.
 */
export function customerFacts(
  record: CustomerRecord | null,
  optedOutChannels: readonly string[],
  channel: string | null,
): CustomerFacts {
  return {
    attributes: record?.attributes ?? null,
    marketingConsent: record?.consent ?? true,
    optedOut: optedOutChannels.some((c) => c === "*" || c === channel),
  };
}

/** True when the targeting sets no condition on stage nor tags. */
export function isUntargeted(targeting: Targeting): boolean {
  return !targeting.stages?.length && !targeting.tags?.length;
}

/** Whether a customer's attributes satisfy the targeting (see the module comment). */
export function matchesTargeting(
  targeting: Targeting,
  attributes: CustomerAttributes | null,
): boolean {
  if (isUntargeted(targeting)) return true;
  if (!attributes) return false;
  if (targeting.stages?.length) {
    if (!attributes.stage || !targeting.stages.includes(attributes.stage)) return false;
  }
  if (targeting.tags?.length) {
    const tags = attributes.tags ?? [];
    if (!targeting.tags.some((tag) => tags.includes(tag))) return false;
  }
  return true;
}

/** Where the targeting that applies to an experiment comes from. */
export type TargetingSource = "everyone" | "campaign" | "experiment" | "narrowed";

/** The targeting that applies: the campaign's segment and the experiment's own, both to match. */
export interface AppliedTargeting {
  /**
   * `everyone`: neither sets a condition; `campaign`: the campaign's segment alone;
   * `experiment`: the experiment's own (its campaign sets none, or it has no campaign);
   * `narrowed`: the campaign's segment narrowed by the experiment's own.
   */
  source: TargetingSource;
  segment: Targeting;
  own: Targeting;
}

/** The merge rule: the campaign's segment (null without a campaign) narrowed by `own`. */
export function appliedTargeting(segment: Targeting | null, own: Targeting): AppliedTargeting {
  const fromCampaign = !isUntargeted(segment ?? {});
  const fromOwn = !isUntargeted(own);
  const source = fromCampaign
    ? (fromOwn ? "narrowed" : "campaign")
    : (fromOwn ? "experiment" : "everyone");
  return { source, segment: segment ?? {}, own };
}

/** The experiment's stages that its campaign's segment leaves out (they would reach nobody). */
export function stagesOutside(segment: Targeting | null, own: Targeting): string[] {
  const allowed = segment?.stages ?? [];
  if (allowed.length === 0) return [];
  return (own.stages ?? []).filter((stage) => !allowed.includes(stage));
}

/**
 * The reason code for one customer in one experiment, in the order of the module comment.
 * `segment` is the campaign's (absent or `{}`: no campaign, or one without a segment).
 */
export function eligibility(
  experiment: { status: string; targeting: Targeting; segment?: Targeting },
  customer: CustomerFacts,
): BaseReason {
  if (experiment.status !== "running") return "not_running";
  if (customer.optedOut || !customer.marketingConsent) return "opted_out";
  if (
    (experiment.segment && !matchesTargeting(experiment.segment, customer.attributes)) ||
    !matchesTargeting(experiment.targeting, customer.attributes)
  ) return "not_targeted";
  return "assigned";
}
