/**
 * Who may be in an experiment, decided before any arm is picked:
 *
 * 1. `not_running` — the experiment's status is not `running`.
 * 2. `opted_out` — the customer opted out (of every channel, or of the campaign's channel), or
 *    their customer record says no marketing consent. Checked before targeting and assignment,
 *    so an opted-out customer never gets an arm.
 * 3. `not_targeted` — the experiment targets stages and/or tags and the customer's attributes
 *    don't match: the stage must be one of `stages`, and the customer must carry at least one of
 *    `tags`. A customer without a record matches only an experiment without targeting.
 * 4. `assigned` — otherwise.
 */

export type AssignmentReason = "assigned" | "opted_out" | "not_targeted" | "not_running";

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

/** The reason code for one customer in one experiment, in the order of the module comment. */
export function eligibility(
  experiment: { status: string; targeting: Targeting },
  customer: CustomerFacts,
): AssignmentReason {
  if (experiment.status !== "running") return "not_running";
  if (customer.optedOut || !customer.marketingConsent) return "opted_out";
  if (!matchesTargeting(experiment.targeting, customer.attributes)) return "not_targeted";
  return "assigned";
}
