/**
 * The whole eligibility decision for one customer in one experiment, in the order every caller
 * answers with (single assignment, send lists, bandits; docs/SDK.md):
 *
 *   not_running → opted_out → forced → holdout → not_targeted → layer_excluded →
 *   frequency_capped → quiet_hours → assigned
 *
 * `not_running`, `opted_out` and `not_targeted` are lib/experiments/eligibility.ts's. A QA unit
 * listed in `forced` gets its arm and skips everything after `opted_out`. Everything here is
 * pure but the caps: `preDecision` says whether the ledger must be asked (`checkCaps`), and
 * `settle` turns the ledger's answer into the reason, so that a capped customer is
 * `frequency_capped` even in quiet hours, and quiet hours never record a contact.
 */
import {
  type AssignmentReason,
  type CustomerFacts,
  eligibility,
  type Targeting,
} from "../experiments/eligibility.ts";
import { type GovernancePolicy, inHoldout, inLayerRange, isCapped, quietUntil } from "./policy.ts";

/** What the decision reads of an experiment. */
export interface GovernedExperiment {
  status: string;
  targeting: Targeting;
  segment?: Targeting;
  channel: string | null;
  layer: { key: string; range: readonly [number, number] } | null;
  /** QA units → their arm. */
  forced: ReadonlyMap<string, string>;
  policy: GovernancePolicy;
}

/** The decision before the caps are counted. */
export type PreDecision =
  | { reason: "not_running" | "opted_out" | "holdout" | "not_targeted" | "layer_excluded" }
  | { reason: "forced"; variant: string }
  | {
    reason: "eligible";
    /** The channel is capped: the ledger decides (and records the contact). */
    checkCaps: boolean;
    /** When the quiet hours holding now end (null: none hold). */
    quietUntil: Date | null;
  };

/**
 * Everything but the caps' count. With `contact: false` (event ingestion, which reports facts
 * rather than contacting anyone) caps and quiet hours are not checked.
 */
export function preDecision(
  experiment: GovernedExperiment,
  unit: string,
  customer: CustomerFacts,
  options: { now: Date; contact: boolean },
): PreDecision {
  const base = eligibility(experiment, customer);
  if (base === "not_running" || base === "opted_out") return { reason: base };
  const forced = experiment.forced.get(unit);
  if (forced !== undefined) return { reason: "forced", variant: forced };
  if (inHoldout(experiment.policy.holdout, unit)) return { reason: "holdout" };
  if (base === "not_targeted") return { reason: base };
  if (experiment.layer && !inLayerRange(experiment.layer, unit)) {
    return { reason: "layer_excluded" };
  }
  if (!options.contact) return { reason: "eligible", checkCaps: false, quietUntil: null };
  return {
    reason: "eligible",
    checkCaps: isCapped(experiment.policy, experiment.channel),
    quietUntil: quietUntil(experiment.policy.quietHours, experiment.channel, options.now),
  };
}

/** The final reason of an eligible customer: `capped` is the ledger's answer (false: not asked). */
export function settle(
  pre: { quietUntil: Date | null },
  capped: boolean,
): Extract<AssignmentReason, "frequency_capped" | "quiet_hours" | "assigned"> {
  if (capped) return "frequency_capped";
  if (pre.quietUntil !== null) return "quiet_hours";
  return "assigned";
}
