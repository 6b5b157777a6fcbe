import { Hono } from "hono";
import { EXPERIMENT_READERS } from "../../lib/roles.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requireRole } from "../../plugins/session.ts";
import { bankOf } from "../alerts/_bank.ts";
import { bankHoldout, holdoutMetrics, holdoutReport } from "../holdout/_report.ts";

/**
 * The global holdout's report (issue 17; docs/GOVERNANCE.md), mounted at `/api/holdout`:
 * `GET /api/holdout?metrics=a,b[&bank=]` → the holdout against the rest of the bank's customers
 * on each metric, over the holdout's life (`holdout: null` and no metrics when the bank has no
 * holdout). Executives, growth users and admins.
 */
const app = new Hono<AppEnv>();
app.use("*", requireRole(...EXPERIMENT_READERS));

app.get("/", async (c) => {
  const bankId = await bankOf(c);
  const metrics = await holdoutMetrics(c, bankId, c.req.query("metrics"));
  return c.json(await holdoutReport(c, bankId, await bankHoldout(c, bankId), metrics));
});

export default app;
