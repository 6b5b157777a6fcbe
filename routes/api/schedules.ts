import { Hono } from "hono";
import type { AppEnv } from "../../plugins/context.ts";
import { scheduleSchema } from "../../lib/experiments/schedule.ts";
import { EXPERIMENT_MANAGERS, EXPERIMENT_READERS } from "../../lib/roles.ts";
import { requireRole } from "../../plugins/session.ts";
import { readJson } from "../../plugins/validate.ts";
import { experimentOf } from "../experiments/_service.ts";
import { clearSchedule, saveSchedule, scheduleOf } from "../experiments/_schedule.ts";

/**
 * An experiment's scheduled start and stop (issue 18, part 5), mounted beside the experiments
 * API: `GET|PUT|DELETE /api/experiments/:key/schedule`. `PUT` takes
 * `{"startAt"?, "stopAt"?, "stopWhenSampleReached"?}` (ISO 8601 with an offset) and answers the
 * stored schedule; refusals are lib/experiments/schedule.ts's codes. The same `schedule` is
 * accepted by `POST /api/experiments` and `PATCH /api/experiments/:key`.
 */
const app = new Hono<AppEnv>();
app.use("/:key/schedule", requireRole(...EXPERIMENT_READERS));
app.on(["PUT", "DELETE"], "/:key/schedule", requireRole(...EXPERIMENT_MANAGERS));

app.get("/:key/schedule", async (c) => {
  const e = await experimentOf(c);
  return c.json({ experiment: e.key, bankId: e.bankId, schedule: await scheduleOf(c.var.db, e) });
});

app.put("/:key/schedule", async (c) => {
  const e = await experimentOf(c);
  const body = await readJson(c, scheduleSchema);
  await saveSchedule(c, e, body);
  return c.json({ experiment: e.key, bankId: e.bankId, schedule: await scheduleOf(c.var.db, e) });
});

app.delete("/:key/schedule", async (c) => {
  const e = await experimentOf(c);
  await clearSchedule(c, e);
  return c.json({ experiment: e.key, bankId: e.bankId, schedule: null });
});

export default app;
