import { Hono } from "hono";
import { type AcceptedEvent, ingestEventBatch } from "../../../db/events.ts";
import { assignUnits, type UnitAssignment } from "../../../db/sdk_experiments.ts";
import type { AppEnv } from "../../../plugins/context.ts";
import { validationError } from "../../../plugins/validate.ts";
import { sdkJson } from "../../../plugins/sdk_headers.ts";
import { readBatch } from "./batch.ts";
import { event, eventsEnvelope, FUTURE_TOLERANCE_MS, MAX_EVENTS } from "./schemas.ts";

/** Event ingestion (`POST /events`): per-event validation, idempotent on the event id. */
const events = new Hono<AppEnv>();

interface Rejection {
  index: number;
  error: { code: string; message: string };
}

const REASON_CODES = {
  not_running: ["NOT_RUNNING", "is not running"],
  opted_out: ["OPTED_OUT", "has opted out or not consented"],
  not_targeted: ["NOT_TARGETED", "is not targeted by"],
} as const;

events.post("/events", async (c) => {
  const body = await readBatch(c, eventsEnvelope, "events", MAX_EVENTS);
  const bankId = c.var.sdkBankId;
  const now = c.var.now();
  const rejected: Rejection[] = [];
  const reject = (index: number, code: string, message: string) =>
    rejected.push({ index, error: { code, message } });
  const valid = body.events.flatMap((raw, index) => {
    const parsed = event.safeParse(raw);
    if (!parsed.success) {
      const error = validationError(parsed.error); // INVALID_TEXT or VALIDATION_ERROR
      reject(index, error.code, error.message);
      return [];
    }
    return [{ index, ...parsed.data, at: parsed.data.at ? new Date(parsed.data.at) : now }];
  });

  // Eligibility comes from the SDK source (memory when the instance has a config cache); the
  // answer is sent only after the transactions storing the events commit, so an accepted event
  // is durably stored.
  const experiments = await c.var.sdk.experiments(bankId, valid.map((e) => e.experiment));
  const assigned = new Map<string, Map<string, UnitAssignment>>();
  for (const experiment of experiments.values()) {
    const units = valid.filter((e) => e.experiment === experiment.key).map((e) => e.unit);
    const result = await assignUnits(c.var.sdk, experiment, units, { stick: false, now });
    assigned.set(experiment.key, new Map(result.map((a) => [a.unit, a])));
  }
  const accepted: AcceptedEvent[] = [];
  for (const e of valid) {
    const experiment = experiments.get(e.experiment);
    const unit = `"${e.unit}"`;
    if (!experiment) {
      reject(e.index, "UNKNOWN_EXPERIMENT", `Experiment "${e.experiment}" not found`);
      continue;
    }
    if (e.at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      reject(e.index, "FUTURE_TIMESTAMP", `Event time "${e.at.toISOString()}" is in the future`);
      continue;
    }
    const assignment = assigned.get(e.experiment)!.get(e.unit)!;
    if (assignment.reason !== "assigned") {
      const [code, text] = REASON_CODES[assignment.reason];
      const message = assignment.reason === "not_targeted"
        ? `Unit ${unit} ${text} experiment "${e.experiment}"`
        : assignment.reason === "opted_out"
        ? `Unit ${unit} ${text}`
        : `Experiment "${e.experiment}" ${text}`;
      reject(e.index, code, message);
      continue;
    }
    if (!assignment.variant) {
      reject(e.index, "NOT_ASSIGNED", `Unit ${unit} has no arm in "${e.experiment}" yet`);
      continue;
    }
    if (experiment.startedAt && e.at < experiment.startedAt) {
      reject(e.index, "BEFORE_START", `Event time "${e.at.toISOString()}" is before the start`);
      continue;
    }
    accepted.push({
      id: e.id,
      experimentId: experiment.id,
      unit: e.unit,
      variant: assignment.variant,
      type: e.type,
      value: e.value ?? null,
      covariate: e.covariate ?? null,
      at: e.at,
    });
  }
  const counts = await ingestEventBatch(c.var.db, bankId, accepted, now);
  rejected.sort((a, b) => a.index - b.index);
  return sdkJson({ ...counts, rejected });
});

export default events;
