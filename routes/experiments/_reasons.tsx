import type { Context } from "hono";
import { ReasonCounts } from "../../components/governance/ReasonCounts.tsx";
import { experimentReasonCounts } from "../../db/reason_counts.ts";
import type { AppEnv } from "../../plugins/context.ts";

/**
 * How many answers each assignment reason gave, for an experiment's page
 * (routes/experiments/detail.tsx renders `{await experimentReasonsSection(c, e)}`); nothing for
 * drafts.
 */
export async function experimentReasonsSection(
  c: Context<AppEnv>,
  e: { id: string; status: string },
) {
  if (e.status === "draft") return null;
  const counts = await experimentReasonCounts(c.var.db, e.id);
  return <ReasonCounts {...counts} t={c.var.t} locale={c.var.locale} />;
}
