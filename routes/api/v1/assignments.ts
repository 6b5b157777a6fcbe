import { Hono } from "hono";
import { assignUnits, experimentByKey } from "../../../db/sdk_experiments.ts";
import { notFound } from "../../../lib/errors.ts";
import type { AppEnv } from "../../../plugins/context.ts";
import { parseWith } from "../../../plugins/validate.ts";
import { readBatch } from "./batch.ts";
import { assignmentQuery, assignmentsBody, experimentKey, MAX_UNITS } from "./schemas.ts";

/** Single and batch assignment (`GET /experiments/:key/assignment`, `POST /assignments`). */
const assignments = new Hono<AppEnv>();

async function findExperiment(c: { var: AppEnv["Variables"] }, key: string) {
  const experiment = await experimentByKey(c.var.db, c.var.sdkBankId, key);
  if (!experiment) throw notFound(`Experiment "${key}" not found`);
  return experiment;
}

assignments.get("/experiments/:key/assignment", async (c) => {
  const key = parseWith(experimentKey, c.req.param("key"));
  const { unit } = parseWith(assignmentQuery, { unit: c.req.query("unit") });
  const experiment = await findExperiment(c, key);
  const [assignment] = await assignUnits(c.var.db, experiment, [unit], {
    stick: true,
    now: c.var.now(),
  });
  return c.json({ experiment: key, ...assignment });
});

assignments.post("/assignments", async (c) => {
  const body = await readBatch(c, assignmentsBody, "units", MAX_UNITS);
  const experiment = await findExperiment(c, body.experiment);
  const result = await c.var.db.transaction().execute((trx) =>
    assignUnits(trx, experiment, body.units, { stick: true, now: c.var.now() })
  );
  return c.json({ assignments: result });
});

export default assignments;
