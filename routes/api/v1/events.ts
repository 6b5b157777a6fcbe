import { Hono } from "hono";
import { type AcceptedEvent, ingestEventBatch } from "../../../db/events.ts";
import { ingestTrackEvents, type TrackEvent } from "../../../db/track_events.ts";
import { assignUnits, type UnitAssignment } from "../../../db/sdk_experiments.ts";
import { suppressedUnits } from "../../../db/suppressions.ts";
import type { z } from "zod";
import { badRequest } from "../../../lib/errors.ts";
import type { AppEnv } from "../../../plugins/context.ts";
import { validationError } from "../../../plugins/validate.ts";
import { sdkJson } from "../../../plugins/sdk_headers.ts";
import { readBatch } from "./batch.ts";
import { event, eventsEnvelope, FUTURE_TOLERANCE_MS, MAX_EVENTS, trackEvent } from "./schemas.ts";

/**
 * Event ingestion (`POST /events`): per-event validation, idempotent on the event id (one id
 * space per bank, whatever the type). Exposures and conversions pass the experiment's
 * eligibility; `track` events (something a customer did, no experiment) only their own checks,
 * and are stored for opted-out customers too (they are the bank's facts, not a contact), but
 * not for erased customers (db/erasure.ts), whose id must not come back.
 */
const events = new Hono<AppEnv>();

interface Rejection {
  index: number;
  error: { code: string; message: string };
}

/**
 * Why an event of a customer without an arm is refused. Caps and quiet hours are decided when
 * a customer is contacted, not when events report what happened (`assignUnits` with
 * `stick: false` never answers them).
 */
const REASON_CODES: Record<Exclude<UnitAssignment["reason"], "assigned">, [string, string]> = {
  not_running: ["NOT_RUNNING", "is not running"],
  opted_out: ["OPTED_OUT", "has opted out or not consented"],
  forced: ["FORCED_UNIT", "is a QA unit forced into an arm of"],
  holdout: ["HOLDOUT", "is in the bank's global holdout, outside"],
  not_targeted: ["NOT_TARGETED", "is not targeted by"],
  layer_excluded: ["LAYER_EXCLUDED", "is outside the layer range of"],
  frequency_capped: ["FREQUENCY_CAPPED", "was not contacted (contact cap) by"],
  quiet_hours: ["QUIET_HOURS", "was not contacted (quiet hours) by"],
};

events.post("/events", async (c) => {
  const body = await readBatch(c, eventsEnvelope, "events", MAX_EVENTS);
  const bankId = c.var.sdkBankId;
  const now = c.var.now();
  const rejected: Rejection[] = [];
  const reject = (index: number, code: string, message: string) =>
    rejected.push({ index, error: { code, message } });
  const tracked: Array<TrackEvent & { index: number }> = [];
  const valid = body.events.flatMap((raw, index) => {
    if (isTrack(raw)) {
      const parsed = trackEvent.safeParse(raw);
      if (!parsed.success) {
        const error = trackError(parsed.error);
        reject(index, error.code, error.message);
        return [];
      }
      const at = parsed.data.at ? new Date(parsed.data.at) : now;
      if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
        reject(index, "FUTURE_TIMESTAMP", `Event time "${at.toISOString()}" is in the future`);
        return [];
      }
      const { id, event: name, unit, value } = parsed.data;
      tracked.push({ index, id, event: name, unit, value: value ?? null, at });
      return [];
    }
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
  const accepted: Array<AcceptedEvent & { index: number }> = [];
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
      const message = assignment.reason === "opted_out"
        ? `Unit ${unit} ${text}`
        : assignment.reason === "not_running"
        ? `Experiment "${e.experiment}" ${text}`
        : `Unit ${unit} ${text} experiment "${e.experiment}"`;
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
      index: e.index,
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
  // An erased customer's track events are refused (their id must not come back).
  const erased = await suppressedUnits(c.var.db, bankId, tracked.map((e) => e.unit));
  const facts = tracked.filter((e) => {
    if (!erased.has(e.unit)) return true;
    reject(e.index, "OPTED_OUT", `Unit "${e.unit}" ${REASON_CODES.opted_out[1]}`);
    return false;
  });
  // An id given twice in one batch counts once, the first stored, whatever the types.
  const firstIndex = new Map<string, number>();
  for (const e of [...accepted, ...facts].sort((a, b) => a.index - b.index)) {
    if (!firstIndex.has(e.id)) firstIndex.set(e.id, e.index);
  }
  const first = (e: { id: string; index: number }) => firstIndex.get(e.id) === e.index;
  const [experimentCounts, trackCounts] = await Promise.all([
    ingestEventBatch(c.var.db, bankId, accepted.filter(first), now),
    ingestTrackEvents(c.var.db, bankId, facts.filter(first), now),
  ]);
  const stored = experimentCounts.accepted + trackCounts.accepted;
  const counts = { accepted: stored, duplicates: accepted.length + facts.length - stored };
  rejected.sort((a, b) => a.index - b.index);
  return sdkJson({ ...counts, rejected });
});

function isTrack(raw: unknown): boolean {
  return typeof raw === "object" && raw !== null && (raw as { type?: unknown }).type === "track";
}

/** A refused track event: `INVALID_EVENT_NAME` for its name, else as any other event. */
function trackError(error: z.ZodError) {
  if (error.issues.some((issue) => issue.path[0] === "event")) {
    return badRequest(
      "INVALID_EVENT_NAME",
      'Invalid "event": use 1–64 lowercase letters, digits or _ (e.g. "card_bound")',
      { key: "error.api.eventName" },
    );
  }
  return validationError(error); // INVALID_TEXT or VALIDATION_ERROR
}

export default events;
