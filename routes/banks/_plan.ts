/** The target and roadmap a scorecard or board report shows (issue 19 part 3). */
import type { Context } from "hono";
import { getTarget, type StoredTarget } from "../../db/targets.ts";
import { type TargetPlan, targetPlan } from "../../lib/lens/targets.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canSetTarget, todayOf } from "../api/targets.ts";
import { type Scorecard, scoredPeers } from "./_data.ts";
import { type ClusterView, peerClusters } from "../../lib/lens/clusters.ts";

export interface PlanView {
  target: StoredTarget | null;
  plan: TargetPlan | null;
  /** The form's address when the reader may set the target. */
  editHref?: string;
}

export async function loadPlan(c: Context<AppEnv>, card: Scorecard): Promise<PlanView> {
  const target = await getTarget(c.var.db, c.var.scope, card.bank.id);
  const plan = target && card.score ? targetPlan(card.score, card.trend, target, todayOf(c)) : null;
  const editHref = canSetTarget(c.var.user, card.bank.id)
    ? `/banks/${card.bank.id}/targets`
    : undefined;
  return { target, plan, editHref };
}

/** The bank's place among its peer group's clusters (counts only; no other bank named). */
export async function loadClusters(c: Context<AppEnv>, card: Scorecard): Promise<ClusterView> {
  const peers = await scoredPeers(c.var.db);
  const self = card.score
    ? { bankId: card.bank.id, peerGroup: card.bank.peerGroup, score: card.score }
    : undefined;
  return peerClusters(peers, card.bank.peerGroup, self);
}
