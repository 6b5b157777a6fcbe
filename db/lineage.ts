/**
 * A campaign's chain of iterations with each iteration's arm totals, the input of
 * `lib/experiments/lineage.ts`. Scoped like the campaign itself: another bank's campaign (or a
 * malformed id) reads as null.
 *
 * Arm totals are the same sums as `variantStats` (db/results.ts): exposed users and converters
 * per variant from `daily_stats`, every variant present (zeros when nobody was exposed), in
 * variant order — here for many experiments in one query.
 */
import { sql } from "kysely";
import type { LineageArm, LineageIterationInput } from "../lib/experiments/lineage.ts";
import type { Scope } from "../lib/scope.ts";
import { type Campaign, getCampaign } from "./campaigns.ts";
import { listExperiments } from "./experiments.ts";
import type { Db } from "./schema.ts";

/** Users and converters per variant of each experiment, control first; ids without variants are absent. */
export async function armTotals(
  db: Db,
  experimentIds: readonly string[],
): Promise<Map<string, LineageArm[]>> {
  const totals = new Map<string, LineageArm[]>();
  if (experimentIds.length === 0) return totals;
  const rows = await db.selectFrom("variants as v")
    .leftJoin(
      "daily_stats as d",
      (join) =>
        join.onRef("d.experiment_id", "=", "v.experiment_id").onRef("d.variant", "=", "v.name"),
    )
    .where("v.experiment_id", "in", [...experimentIds])
    .groupBy(["v.experiment_id", "v.position", "v.name"])
    .orderBy("v.experiment_id").orderBy("v.position")
    .select([
      "v.experiment_id as experimentId",
      "v.name as variant",
      sql<string>`coalesce(sum(d.users), 0)`.as("users"),
      sql<string>`coalesce(sum(d.converters), 0)`.as("conversions"),
    ])
    .execute();
  for (const r of rows) {
    const list = totals.get(r.experimentId) ?? [];
    list.push({ variant: r.variant, users: Number(r.users), conversions: Number(r.conversions) });
    totals.set(r.experimentId, list);
  }
  return totals;
}

/** The campaign in scope and its iterations in iteration order, or null. */
export async function campaignChain(
  db: Db,
  scope: Scope,
  campaignId: string,
): Promise<{ campaign: Campaign; iterations: LineageIterationInput[] } | null> {
  const campaign = await getCampaign(db, scope, campaignId);
  if (!campaign) return null;
  const experiments = (await listExperiments(db, scope, { campaignId: campaign.id }))
    .filter((e) => e.bankId === campaign.bankId)
    .sort((a, b) => a.iteration - b.iteration || a.createdAt.getTime() - b.createdAt.getTime());
  const totals = await armTotals(db, experiments.map((e) => e.id));
  const keyOf = new Map(experiments.map((e) => [e.id, e.key]));
  return {
    campaign,
    iterations: experiments.map((e) => ({
      key: e.key,
      name: e.name,
      iteration: e.iteration,
      mode: e.mode,
      status: e.status,
      winnerVariant: e.winnerVariant,
      parentKey: e.parentExperimentId ? keyOf.get(e.parentExperimentId) ?? null : null,
      arms: totals.get(e.id) ?? [],
    })),
  };
}

/** Position of an experiment in its promotion chain: 1 for one not promoted from another. */
export async function chainDepth(db: Db, experimentId: string): Promise<number> {
  const row = await sql<{ depth: string }>`
    with recursive up(id, parent, depth) as (
      select id, parent_experiment_id, 1 from experiments where id = ${experimentId}
      union all
      select e.id, e.parent_experiment_id, up.depth + 1
      from experiments e join up on e.id = up.parent
      where up.depth < 10000
    )
    select max(depth) as depth from up`.execute(db);
  return Number(row.rows[0]?.depth ?? 1);
}

/** Which of `keys` a bank already uses. */
export async function takenKeys(
  db: Db,
  bankId: string,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom("experiments").select("key")
    .where("bank_id", "=", bankId).where("key", "in", [...keys]).execute();
  return new Set(rows.map((r) => r.key));
}
