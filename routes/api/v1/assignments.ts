import { Hono } from "hono";
import type { SdkSource } from "../../../db/sdk_experiments.ts";
import { raiseCapPressureOf } from "../../../db/cap_pressure.ts";
import { assignUnit, assignUnits } from "../../../lib/experiments/sdk_assignment.ts";
import { notFound } from "../../../lib/errors.ts";
import type { AppEnv } from "../../../plugins/context.ts";
import { parseWith } from "../../../plugins/validate.ts";
import { sdkJson } from "../../../plugins/sdk_headers.ts";
import { readBatch } from "./batch.ts";
import { assignmentQuery, assignmentsBody, experimentKey, MAX_UNITS } from "./schemas.ts";

/**
 * Single and batch assignment (`GET /experiments/:key/assignment`, `POST /assignments`).
 * The single call is the hot path: it answers from the config cache's memory without waiting
 * when it can (`peek…`, `assignUnit`), and reads variables with `c.get`, since every `c.var`
 * read builds a new object. Each answer's reason is counted in memory (`deps.reasonCounter`).
 */
const assignments = new Hono<AppEnv>();

async function findExperiment(sdk: SdkSource, bankId: string, key: string) {
  const experiment = (await sdk.experiments(bankId, [key])).get(key);
  if (!experiment) {
    throw notFound(`Experiment "${key}" not found`, {
      key: "error.api.experimentNotFound",
      params: { key },
    });
  }
  return experiment;
}

assignments.get("/experiments/:key/assignment", async (c) => {
  const key = parseWith(experimentKey, c.req.param("key"));
  const { unit } = parseWith(assignmentQuery, { unit: c.req.query("unit") });
  const sdk = c.get("sdk");
  const bankId = c.get("sdkBankId");
  const experiment = sdk.peekExperiment?.(bankId, key) ?? await findExperiment(sdk, bankId, key);
  const pending = assignUnit(sdk, experiment, unit, { stick: true, now: c.get("now")() });
  const assignment = pending instanceof Promise ? await pending : pending;
  c.get("deps").reasonCounter?.count(experiment, assignment.reason);
  return sdkJson({ experiment: key, ...assignment, hashVersion: experiment.hashVersion });
});

assignments.post("/assignments", async (c) => {
  const body = await readBatch(c, assignmentsBody, "units", MAX_UNITS);
  const sdk = c.get("sdk");
  const experiment = await findExperiment(sdk, c.get("sdkBankId"), body.experiment);
  const result = await assignUnits(sdk, experiment, body.units, {
    stick: true,
    now: c.get("now")(),
  });
  c.get("deps").reasonCounter?.countAll(experiment, result);
  await raiseCapPressureOf(c.get("db"), experiment, result, c.get("now")());
  return sdkJson({ assignments: result });
});

export default assignments;
