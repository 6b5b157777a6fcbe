import { Hono } from "hono";
import { experimentReasonCounts } from "../../db/reason_counts.ts";
import { EXPERIMENT_READERS } from "../../lib/roles.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requireRole } from "../../plugins/session.ts";
import { experimentOf } from "../experiments/_service.ts";

/**
 * How many assignment answers each reason gave (issue 17), mounted beside the experiments API:
 * `GET /api/experiments/:key/reasons` → every reason in the order they are checked with its
 * answers (answers, not customers: a customer asked about twice counts twice). The counts reach
 * the database every few seconds from each instance (db/reason_counts.ts).
 */
const app = new Hono<AppEnv>();
app.use("/:key/reasons", requireRole(...EXPERIMENT_READERS));

app.get("/:key/reasons", async (c) => {
  const e = await experimentOf(c);
  const counts = await experimentReasonCounts(c.var.db, e.id);
  return c.json({
    experiment: e.key,
    bankId: e.bankId,
    unit: "answers",
    total: counts.total,
    reasons: counts.reasons,
    updatedAt: counts.updatedAt?.toISOString() ?? null,
  });
});

export default app;
