import { Hono } from "hono";
import type { Context } from "hono";
import { toCsv } from "../../lib/lens/csv.ts";
import { writeXlsx, XLSX_TYPE } from "../../lib/xlsx.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { loadPeerView, type PeerView } from "../peers/_data.ts";
import { loadCustomPeerView } from "../peers/_custom.ts";

/** Peer aggregates, mounted at `/api/peers`: never a figure of a single bank out of scope. */
const app = new Hono<AppEnv>();

function json(view: PeerView) {
  return {
    group: view.group,
    bankId: view.bank?.id ?? null,
    figures: view.figures,
    ranking: {
      group: view.ranking.summary.group,
      reason: view.ranking.summary.reason,
      n: view.ranking.n,
      entries: view.ranking.entries.map(({ bank: _b, ...e }) => e),
    },
  };
}

/**
 * The figures table as shown on /peers, one row per figure: `q1`/`q3` are the raw quartiles,
 * `leaders` the better of them in the figure's `direction`.
 */
export function peersCsv(view: PeerView): string {
  return toCsv(peersRows(view));
}

/** The cells of `peersCsv`, the header first; also the workbook's (`/export.xlsx`). */
export function peersRows(view: PeerView): (string | number | null)[][] {
  const header = [
    "kind",
    "id",
    "requested_group",
    "group",
    "reason",
    "n",
    "q1",
    "median",
    "q3",
    "p10",
    "p90",
    "direction",
    "leaders",
    ...(view.bank ? ["bank_id", "bank_value", "bank_percentile"] : []),
  ];
  const rows = view.figures.map((f) => [
    f.kind,
    f.id,
    f.summary.requestedGroup,
    f.summary.group,
    f.summary.reason,
    f.summary.n,
    f.summary.q1,
    f.summary.median,
    f.summary.q3,
    f.summary.p10,
    f.summary.p90,
    f.direction,
    f.summary.leaders,
    ...(view.bank ? [view.bank.id, f.value, f.percentile] : []),
  ]);
  return [header, ...rows];
}

/** `?custom=<id>`: one of the caller's custom groups (no fallback), else a standard group. */
async function viewOf(c: Context<AppEnv>): Promise<PeerView> {
  const custom = c.req.query("custom");
  return custom ? await loadCustomPeerView(c, custom) : await loadPeerView(c);
}

app.get("/", async (c) => c.json(json(await viewOf(c))));

app.get("/export.csv", async (c) => {
  const view = await viewOf(c);
  const file = "custom" in view ? "custom" : view.group;
  c.header("Content-Disposition", `attachment; filename="peers-${file}.csv"`);
  return c.body(peersCsv(view), 200, { "Content-Type": "text/csv; charset=utf-8" });
});

app.get("/export.xlsx", async (c) => {
  const view = await viewOf(c);
  const file = "custom" in view ? "custom" : view.group;
  const workbook = await writeXlsx("peers", peersRows(view), { created: c.var.now() });
  c.header("Content-Disposition", `attachment; filename="peers-${file}.xlsx"`);
  return c.body(workbook.slice().buffer, 200, { "Content-Type": XLSX_TYPE });
});

export default app;
