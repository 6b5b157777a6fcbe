import { type Context, Hono } from "hono";
import type { Experiment } from "../../db/experiments.ts";
import { scheduleSchema } from "../../lib/experiments/schedule.ts";
import { listExperiments } from "../../db/experiments.ts";
import { resultsToCsv, resultsToXlsx } from "../../lib/experiments/results_csv.ts";
import { XLSX_TYPE } from "../../lib/xlsx.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requireRole } from "../../plugins/session.ts";
import { EXPERIMENT_MANAGERS, EXPERIMENT_READERS } from "../../lib/roles.ts";
import { readJson } from "../../plugins/validate.ts";
import { listAllocations } from "../../db/bandits.ts";
import { promote, reweightNow } from "../experiments/_loop.ts";
import { resultsOf } from "../experiments/_results.ts";
import {
  checkedSchedule,
  clearSchedule,
  saveSchedule,
  scheduleOf,
} from "../experiments/_schedule.ts";
import { createDraft, editDraft, moveExperiment } from "../../db/experiment_commands.ts";
import {
  decideSchema,
  experimentPatchSchema,
  newExperimentSchema,
  promoteSchema,
} from "../../lib/experiments/schemas.ts";
import { asManager, experimentOf, targetBank } from "../experiments/_service.ts";

/**
 * Experiments of the caller's bank, mounted at `/api/experiments`. Growth users and admins
 * manage them; executives read; consultants have no access (403).
 */
const app = new Hono<AppEnv>();
app.use("*", requireRole(...EXPERIMENT_READERS));
app.on(["POST", "PATCH"], "*", requireRole(...EXPERIMENT_MANAGERS));

const view = ({ id: _id, ...e }: Experiment) => e;

app.get("/", async (c) => {
  const experiments = await listExperiments(c.var.db, c.var.scope);
  return c.json({ experiments: experiments.map(view) });
});

/** With its `schedule` (routes/experiments/_schedule.ts), as one experiment is answered. */
const fullView = async (c: Context<AppEnv>, e: Experiment) => ({
  ...view(e),
  schedule: await scheduleOf(c.var.db, e),
});
// A `schedule` may come with the settings: checked before anything is stored.
const withSchedule = { schedule: scheduleSchema.nullable().optional() };
const plannedBy = (body: { plannedSampleSize?: number | null; plan?: unknown }) =>
  body.plannedSampleSize !== undefined ? body.plannedSampleSize : body.plan ? 1 : undefined;

app.post("/", async (c) => {
  const { schedule, ...body } = await readJson(c, newExperimentSchema.extend(withSchedule));
  const draft = { id: "", status: "draft" as const, plannedSampleSize: null };
  if (schedule) await checkedSchedule(c, draft, schedule, { plannedSampleSize: plannedBy(body) });
  const experiment = await createDraft(c.var.db, asManager(c), {
    ...body,
    bankId: targetBank(c, body.bankId),
  });
  if (schedule) await saveSchedule(c, experiment, schedule);
  return c.json({ experiment: await fullView(c, experiment) }, 201);
});

app.get("/:key", async (c) => c.json({ experiment: await fullView(c, await experimentOf(c)) }));

app.patch("/:key", async (c) => {
  const experiment = await experimentOf(c);
  const { schedule, ...patch } = await readJson(c, experimentPatchSchema.extend(withSchedule));
  const planned = plannedBy(patch);
  if (schedule) await checkedSchedule(c, experiment, schedule, { plannedSampleSize: planned });
  const edited = schedule !== undefined && Object.keys(patch).length === 0
    ? experiment
    : await editDraft(c.var.db, asManager(c), { experiment, patch, now: c.var.now() });
  if (schedule === null) await clearSchedule(c, edited);
  else if (schedule) await saveSchedule(c, edited, schedule);
  return c.json({ experiment: await fullView(c, edited) });
});

app.post("/:key/start", async (c) => {
  const experiment = await experimentOf(c);
  const moved = await moveExperiment(c.var.db, asManager(c), {
    experiment,
    move: "start",
    now: c.var.now(),
  });
  return c.json({ experiment: view(moved) });
});

app.post("/:key/stop", async (c) => {
  const experiment = await experimentOf(c);
  const moved = await moveExperiment(c.var.db, asManager(c), {
    experiment,
    move: "stop",
    now: c.var.now(),
  });
  return c.json({ experiment: view(moved) });
});

app.post("/:key/decide", async (c) => {
  const experiment = await experimentOf(c);
  const { winner } = await readJson(c, decideSchema);
  const decided = await moveExperiment(c.var.db, asManager(c), {
    experiment,
    move: "decide",
    winner,
    now: c.var.now(),
  });
  return c.json({ experiment: view(decided) });
});

/** Ends a decided iteration and drafts the next one with the winner as control. */
app.post("/:key/promote", async (c) => {
  const experiment = await experimentOf(c);
  const body = await readJson(c, promoteSchema);
  const { decided, next, winner, plan } = await promote(c, experiment, body);
  return c.json({ decided: view(decided), next: view(next), winner, plan }, 201);
});

/** Reweights a running bandit now (after burn-in). */
app.post("/:key/reweight", async (c) => {
  const allocation = await reweightNow(c, await experimentOf(c));
  return c.json({ allocation }, 201);
});

/** Every stored reweighting, oldest first, with its inputs and seed (enough to replay it). */
app.get("/:key/allocations", async (c) => {
  const experiment = await experimentOf(c);
  return c.json({ allocations: await listAllocations(c.var.db, experiment.id) });
});

app.get("/:key/results", async (c) => {
  const experiment = await experimentOf(c);
  const { readout, timeline } = await resultsOf(c, experiment);
  return c.json({
    ...readout,
    experiment: { key: experiment.key, status: experiment.status, mode: experiment.mode },
    timeline,
  });
});

app.get("/:key/results.csv", async (c) => {
  const experiment = await experimentOf(c);
  const { readout } = await resultsOf(c, experiment);
  c.header("Content-Disposition", `attachment; filename="${experiment.key}-results.csv"`);
  return c.body(resultsToCsv(readout), 200, { "Content-Type": "text/csv; charset=utf-8" });
});

/** The same rows as the CSV in an Excel workbook: sheets `results` and `metrics`. */
app.get("/:key/results.xlsx", async (c) => {
  const experiment = await experimentOf(c);
  const { readout } = await resultsOf(c, experiment);
  const workbook = await resultsToXlsx(readout, { created: new Date() });
  c.header("Content-Disposition", `attachment; filename="${experiment.key}-results.xlsx"`);
  return c.body(workbook.slice().buffer, 200, { "Content-Type": XLSX_TYPE });
});

export default app;
