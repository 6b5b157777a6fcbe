/**
 * Indicators the platform measures itself instead of taking the bank's word:
 * `ab_test_share` (share of the bank's campaigns tested) and `campaign_conversion_uplift`
 * (median relative lift of its decided tests), from the bank's own experiments.
 *
 * The seam for the experiments issue: until decided experiments and their read-outs exist,
 * this returns nothing, and the scorecard shows only self-reported values. When it returns a
 * value, the scorecard marks the indicator "measured" beside the self-reported figure.
 */
import type { Kysely } from "kysely";
import type { Scope } from "../lib/scope.ts";
import type { Database } from "./schema.ts";

/** The indicators that can be measured on the platform. */
export const MEASURABLE_INDICATORS = ["ab_test_share", "campaign_conversion_uplift"] as const;

/** A measured value in the indicator's unit, with how many decided experiments it rests on. */
export interface MeasuredValue {
  indicatorId: (typeof MEASURABLE_INDICATORS)[number];
  value: number;
  decidedExperiments: number;
}

/** Measured values of a bank in scope, by indicator id (none yet: see the module note). */
export function measuredIndicators(
  _db: Kysely<Database>,
  _scope: Scope,
  _bankId: string,
): Promise<Partial<Record<MeasuredValue["indicatorId"], MeasuredValue>>> {
  return Promise.resolve({});
}
