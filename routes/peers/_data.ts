/** What the peers page and `/api/peers` show: aggregates only, banks named only in scope. */
import type { Context } from "hono";
import { type Bank, getBank, listBanks } from "../../db/banks.ts";
import {
  benchmarkAll,
  type FigureBenchmark,
  type RankingEntry,
  rankingOf,
} from "../../lib/lens/benchmark.ts";
import { MODEL } from "../../lib/lens/model.ts";
import type { PeerSummary } from "../../lib/lens/peers.ts";
import { badRequest, NO_BANK, notFound } from "../../lib/errors.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { scoredPeers } from "../banks/_data.ts";

/** The model's peer groups and the aggregates they fall back to. */
export const GROUP_IDS: readonly string[] = [
  ...MODEL.peer_groups.map((g) => g.id),
  "national",
  "regional",
  "all",
];

export interface PeerView {
  group: string;
  bank: Bank | null;
  /** Banks the viewer may pick (in scope). */
  choices: Bank[];
  figures: FigureBenchmark[];
  ranking: { summary: PeerSummary; n: number; entries: (RankingEntry & { bank: Bank })[] };
}

/**
 * Reads `group` and `bankId` from the query. A bank outside the viewer's scope is 404; an
 * unknown group 400. Default group: the chosen bank's, else the viewer's own bank's, else "all".
 */
export async function loadPeerView(c: Context<AppEnv>): Promise<PeerView> {
  const { db, scope, user } = c.var;
  const bankId = c.req.query("bankId") || c.req.query("bank") || "";
  const bank = bankId ? await getBank(db, scope, bankId) : null;
  if (bankId && !bank) throw notFound("No such bank", NO_BANK);
  const all = await listBanks(db);
  const choices = all.filter((b) => inScope(scope, b.id));
  const own = all.find((b) => b.id === user?.bankId);
  const group = c.req.query("group") || bank?.peerGroup || own?.peerGroup || "all";
  if (!GROUP_IDS.includes(group)) {
    throw badRequest("UNKNOWN_GROUP", `Unknown peer group "${group}"`, {
      key: "error.api.unknownPeerGroup",
      params: { group },
    });
  }
  const peers = await scoredPeers(db);
  const self = bank ? peers.find((p) => p.bankId === bank.id) : undefined;
  const figures = benchmarkAll(peers, group, self);
  const ranked = rankingOf(peers, group, (id) => inScope(scope, id));
  const byId = new Map(all.map((b) => [b.id, b]));
  return {
    group,
    bank,
    choices,
    figures,
    ranking: {
      ...ranked,
      entries: ranked.entries.map((e) => ({ ...e, bank: byId.get(e.bankId)! })),
    },
  };
}
