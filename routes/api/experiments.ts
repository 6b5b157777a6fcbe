import { Hono } from "hono";
import type { Experiment } from "../../db/experiments.ts";
import { listExperiments } from "../../db/experiments.ts";
import { resultsToCsv } from "../../lib/experiments/results_csv.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requireRole } from "../../plugins/session.ts";
import { EXPERIMENT_MANAGERS, EXPERIMENT_READERS } from "../../lib/roles.ts";
import { readJson } from "../../plugins/validate.ts";
import { listAllocations } from "../../db/bandits.ts";
import { promote, promoteSchema, reweightNow } from "../experiments/_loop.ts";
import { resultsOf } from "../experiments/_results.ts";
import {
  createDraft,
  decideSchema,
  editDraft,
  experimentOf,
  experimentPatchSchema,
  moveExperiment,
  newExperimentSchema,
} from "../experiments/_service.ts";

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

app.post("/", async (c) => {
  const body = await readJson(c, newExperimentSchema);
  return c.json({ experiment: view(await createDraft(c, body)) }, 201);
});

app.get("/:key", async (c) => c.json({ experiment: view(await experimentOf(c)) }));

app.patch("/:key", async (c) => {
  const experiment = await experimentOf(c);
  const patch = await readJson(c, experimentPatchSchema);
  return c.json({ experiment: view(await editDraft(c, experiment, patch)) });
});

app.post("/:key/start", async (c) => {
  const experiment = await moveExperiment(c, await experimentOf(c), "start");
  return c.json({ experiment: view(experiment) });
});

app.post("/:key/stop", async (c) => {
  const experiment = await moveExperiment(c, await experimentOf(c), "stop");
  return c.json({ experiment: view(experiment) });
});

app.post("/:key/decide", async (c) => {
  const experiment = await experimentOf(c);
  const { winner } = await readJson(c, decideSchema);
  return c.json({ experiment: view(await moveExperiment(c, experiment, "decide", winner)) });
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

export default app;
