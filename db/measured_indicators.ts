/**
 * Indicators the platform measures itself instead of taking the bank's word, from the bank's own
 * campaigns and their iterations (experiments with a campaign). The scorecard shows them marked
 * "measured" beside the self-reported figure.
 *
 * - `ab_test_share` (unit %): 100 × campaigns with at least one decided iteration / all the
 *   bank's campaigns. No campaigns → no value (0 % is a value: campaigns, none decided yet).
 * - `campaign_conversion_uplift` (unit % relative): 100 × the median over the bank's decided
 *   iterations of the winner's relative conversion lift over that iteration's control
 *   (lib/experiments/lineage.ts `stepLift`; a kept control counts as 0 %). Iterations whose lift
 *   is unknown (e.g. a control rate of 0) are left out; none left → no value.
 *
 * Only the bank's own rows count: campaigns and experiments are filtered by `bank_id`, and a
 * bank outside the caller's scope gets nothing.
 */
import type { Kysely } from "kysely";
import { programFigures, stepLift } from "../lib/experiments/lineage.ts";
import { inScope, type Scope } from "../lib/scope.ts";
import { armTotals } from "./lineage.ts";
import type { Database } from "./schema.ts";

/** The indicators that can be measured on the platform. */
export const MEASURABLE_INDICATORS = ["ab_test_share", "campaign_conversion_uplift"] as const;

/** A measured value in the indicator's unit, with how many decided experiments it rests on. */
export interface MeasuredValue {
  indicatorId: (typeof MEASURABLE_INDICATORS)[number];
  value: number;
  decidedExperiments: number;
}

/** Measured values of a bank in scope, by indicator id; absent where there is nothing to measure. */
export async function measuredIndicators(
  db: Kysely<Database>,
  scope: Scope,
  bankId: string,
): Promise<Partial<Record<MeasuredValue["indicatorId"], MeasuredValue>>> {
  if (!inScope(scope, bankId)) return {};
  const campaigns = await db.selectFrom("campaigns").select("id").where("bank_id", "=", bankId)
    .execute();
  const decided = await db.selectFrom("experiments as e")
    .innerJoin("campaigns as c", "c.id", "e.campaign_id")
    .where("e.bank_id", "=", bankId).where("c.bank_id", "=", bankId)
    .where("e.status", "=", "decided")
    .select(["e.id", "e.campaign_id as campaignId", "e.winner_variant as winner"])
    .execute();
  const totals = await armTotals(db, decided.map((e) => e.id));
  const figures = programFigures({
    campaigns: campaigns.length,
    testedCampaigns: new Set(decided.map((e) => e.campaignId)).size,
    decidedLifts: decided.map((e) => stepLift(totals.get(e.id) ?? [], e.winner).lift),
  });
  const measured: Partial<Record<MeasuredValue["indicatorId"], MeasuredValue>> = {};
  if (figures.abTestShare !== null) {
    measured.ab_test_share = {
      indicatorId: "ab_test_share",
      value: figures.abTestShare,
      decidedExperiments: decided.length,
    };
  }
  if (figures.medianUplift !== null) {
    measured.campaign_conversion_uplift = {
      indicatorId: "campaign_conversion_uplift",
      value: figures.medianUplift,
      decidedExperiments: figures.liftsCounted,
    };
  }
  return measured;
}
