import type { Context } from "hono";
import { ExperimentAlerts } from "../../components/alerts/AlertList.tsx";
import { listAlerts } from "../../db/alerts.ts";
import type { AppEnv } from "../../plugins/context.ts";

/**
 * The alerts of an experiment for its page (routes/experiments/detail.tsx renders
 * `{await experimentAlertsSection(c, e)}`); nothing for drafts or when it has none.
 */
export async function experimentAlertsSection(
  c: Context<AppEnv>,
  e: { id: string; key: string; bankId: string; status: string },
) {
  if (e.status === "draft") return null;
  const alerts = await listAlerts(c.var.db, { bankId: e.bankId, experimentId: e.id, limit: 50 });
  if (alerts.length === 0) return null;
  const role = c.var.user?.role;
  const back = role === "consultant" ? null : `/experiments/${e.key}?bank=${e.bankId}`;
  return <ExperimentAlerts alerts={alerts} t={c.var.t} locale={c.var.locale} back={back} />;
}
