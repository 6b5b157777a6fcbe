/** A custom peer group's view for the peers page and `/api/peers?custom=<id>`. */
import type { Context } from "hono";
import { type Bank, getBank, listBanks } from "../../db/banks.ts";
import { getPeerGroup, listPeerGroups, type PeerGroup } from "../../db/peer_groups.ts";
import { FIGURES } from "../../lib/lens/benchmark.ts";
import {
  customBenchmark,
  type CustomFigure,
  customRanking,
  standardGroups,
} from "../../lib/lens/custom_groups.ts";
import { NO_BANK, notFound } from "../../lib/errors.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canUseCustomGroups } from "../api/peer_groups.ts";
import { scoredPeers } from "../banks/_data.ts";
import type { PeerView } from "./_data.ts";

export interface CustomPeerView extends PeerView {
  custom: PeerGroup;
  figures: CustomFigure[];
}

/** The caller's live custom groups (none for roles that do not use them). */
export async function customGroupsOf(c: Context<AppEnv>): Promise<PeerGroup[]> {
  const user = c.var.user;
  return canUseCustomGroups(user) ? await listPeerGroups(c.var.db, user!.id) : [];
}

/**
 * The figures of the caller's custom group `id` (another user's or a deleted one → 404), with
 * `?bankId=` a bank in scope to place in it. No fallback: too few banks with data → refused.
 */
export async function loadCustomPeerView(c: Context<AppEnv>, id: string): Promise<CustomPeerView> {
  const { db, scope, user } = c.var;
  const group = canUseCustomGroups(user) ? await getPeerGroup(db, user!.id, id) : null;
  if (!group) throw notFound("No such peer group", { key: "error.api.noPeerGroup" });
  const bankId = c.req.query("bankId") || c.req.query("bank") || "";
  const bank = bankId ? await getBank(db, scope, bankId) : null;
  if (bankId && !bank) throw notFound("No such bank", NO_BANK);
  const [all, peers, own] = await Promise.all([
    listBanks(db),
    scoredPeers(db),
    listPeerGroups(db, user!.id, { includeDeleted: true }),
  ]);
  const others = [
    ...standardGroups(all),
    ...own.filter((g) => g.id !== group.id).map((g) => ({
      id: `custom:${g.id}`,
      bankIds: new Set(g.bankIds),
    })),
  ];
  const members = new Set(group.bankIds);
  const self = bank ? peers.find((p) => p.bankId === bank.id) : undefined;
  const figures = customBenchmark(peers, { label: group.name, bankIds: members }, FIGURES, {
    others,
    bank: self,
  });
  const ranked = customRanking(peers, figures[0], members, (b) => inScope(scope, b));
  const byId = new Map<string, Bank>(all.map((b) => [b.id, b]));
  return {
    group: group.name,
    custom: group,
    bank,
    choices: all.filter((b) => inScope(scope, b.id)),
    figures,
    ranking: {
      summary: figures[0].summary,
      n: ranked.n,
      entries: ranked.entries.map((e) => ({ ...e, bank: byId.get(e.bankId)! })),
    },
  };
}
