/**
 * The SDK API's request and response schemas: the handlers validate with them and
 * `routes/api/openapi.ts` documents them, so the two cannot drift.
 */
import { z } from "zod";
import { ASSIGNMENT_REASONS } from "../../../lib/experiments/eligibility.ts";
import { CHANNELS as CAMPAIGN_CHANNELS } from "../../../lib/experiments/settings.ts";
import { EXPERIMENT_KEY_PATTERN } from "../../../lib/patterns.ts";
import { storableText } from "../../../lib/text_schema.ts";

/** Largest batch of units (assignments, opt-outs, customers) per request. */
export const MAX_UNITS = 10_000;
/** Largest batch of events per request. */
export const MAX_EVENTS = 5_000;
/** How far ahead of the server's clock an event's `at` may be (clock skew). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** The channels a campaign runs on (lib/experiments/settings.ts). */
export const CHANNELS: string[] = [...CAMPAIGN_CHANNELS];

/** What an experiment key looks like (also read by the assignment fast path). */
export const EXPERIMENT_KEY = EXPERIMENT_KEY_PATTERN;

export const experimentKey = z.string().regex(EXPERIMENT_KEY, "Not an experiment key")
  .meta({ description: "The experiment's key (slug)", example: "welcome-sms" });

export const unitId = storableText().min(1).max(128)
  .meta({ description: "The bank's customer id (any stable string)", example: "C000123" });

export const reason = z.enum(ASSIGNMENT_REASONS).meta({
  id: "AssignmentReason",
  description: "Why the customer has an arm or not, in the order the reasons are checked " +
    "(docs/SDK.md): not_running, opted_out, forced, holdout, not_targeted, layer_excluded, " +
    "frequency_capped, quiet_hours, assigned",
});

export const assignmentQuery = z.object({ unit: unitId });

export const unitAssignment = z.object({
  unit: unitId,
  variant: z.string().nullable(),
  inExperiment: z.boolean(),
  reason,
  quietUntil: z.iso.datetime().optional().meta({
    description: "With reason quiet_hours: when the quiet hours end (UTC)",
  }),
}).meta({ id: "UnitAssignment" });

export const hashVersion = z.union([z.literal(1), z.literal(2)]).meta({
  description: "The experiment's A/B assignment rule (docs/SDK.md), for computing arms locally " +
    "with the SDK module's `assignVariant(key, unit, variants, hashVersion)`: 1 = FNV-1a, " +
    "2 = FNV-1a then MurmurHash3 fmix32 (every experiment created since version 2 exists)",
  example: 2,
});

export const assignmentResponse = unitAssignment.extend({ experiment: experimentKey, hashVersion })
  .meta({ id: "Assignment" });

export const assignmentsBody = z.strictObject({
  experiment: experimentKey,
  units: z.array(unitId).min(1).max(MAX_UNITS),
}).meta({ id: "AssignmentsRequest" });

export const assignmentsResponse = z.object({ assignments: z.array(unitAssignment) })
  .meta({ id: "AssignmentsResponse" });

/** One event; each is validated on its own, so one bad event rejects only itself. */
export const event = z.strictObject({
  id: storableText().min(1).max(128).meta({ description: "Client-made id; idempotency key" }),
  type: z.enum(["exposure", "conversion"]),
  experiment: experimentKey,
  unit: unitId,
  value: z.number().min(-1e12).max(1e12).optional()
    .meta({ description: "Conversion value (e.g. deposit amount); conversions only" }),
  covariate: z.number().min(-1e12).max(1e12).optional().meta({
    description: "Exposures only: the customer's pre-period value of the metric (e.g. deposits " +
      "in the 30 days before), for CUPED variance reduction. Send it for every exposure or none; " +
      "a customer without one counts as 0",
  }),
  at: z.iso.datetime({ offset: true }).optional()
    .meta({ description: "When it happened (ISO 8601); default: when received" }),
}).refine((e) => e.type === "conversion" || e.value === undefined, {
  message: "validation.custom.valueOnConversion",
  path: ["value"],
}).refine((e) => e.type === "exposure" || e.covariate === undefined, {
  message: "validation.custom.covariateOnExposure",
  path: ["covariate"],
}).meta({ id: "Event" });

/** Event names of `track` events: 1–64 of `[a-z0-9_]` (the metric library's). */
export const EVENT_NAME = /^[a-z0-9_]{1,64}$/;

/**
 * Something a customer did, tied to no experiment (`type: "track"`, issue 16): what the bank's
 * metric library measures. No eligibility applies: opted-out customers' events are stored too.
 */
export const trackEvent = z.strictObject({
  id: storableText().min(1).max(128).meta({
    description: "Client-made id; idempotency key, shared with exposures and conversions",
  }),
  type: z.literal("track"),
  event: z.string().regex(EVENT_NAME, "Use 1–64 lowercase letters, digits or _")
    .meta({ description: "What happened: 1–64 of `[a-z0-9_]`", example: "card_bound" }),
  unit: unitId,
  value: z.number().min(-1e12).max(1e12).optional()
    .meta({ description: "An amount (e.g. a deposit; negative allowed), summed by metrics" }),
  at: z.iso.datetime({ offset: true }).optional()
    .meta({ description: "When it happened (ISO 8601); default: when received" }),
}).meta({ id: "TrackEvent" });

/**
 * One entry of `events`, as documented: an exposure or conversion (`Event`) or a customer
 * event (`TrackEvent`), whose fields it merges (the handler validates each entry with the
 * schema of its `type`; both are in the document's components).
 */
const anyEvent = z.object({
  ...event.shape,
  type: z.enum(["exposure", "conversion", "track"]),
  experiment: event.shape.experiment.optional()
    .meta({ description: "Exposures and conversions (required there): the experiment's key" }),
  event: trackEvent.shape.event.optional().meta({
    description: '`"type": "track"` (required there): what the customer did, 1–64 of `[a-z0-9_]`',
    example: "card_bound",
  }),
  value: event.shape.value.meta({
    description: "Conversions: their value (e.g. deposit amount); track events: an amount, " +
      "negative allowed",
  }),
}).meta({ id: "AnyEvent" });

export const eventsBody = z.strictObject({ events: z.array(anyEvent).max(MAX_EVENTS) })
  .meta({ id: "EventsRequest" });

/** The envelope the handler checks before validating each event with `event`. */
export const eventsEnvelope = z.strictObject({ events: z.array(z.unknown()).max(MAX_EVENTS) });

export const errorObject = z.object({ code: z.string(), message: z.string() });

export const errorResponse = z.object({ error: errorObject }).meta({ id: "Error" });

export const eventsResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), error: errorObject })),
}).meta({ id: "EventsResponse" });

export const optOutsBody = z.strictObject({
  units: z.array(unitId).min(1).max(MAX_UNITS),
  channel: z.enum(["*", ...CHANNELS]).optional()
    .meta({ description: "`*` (default): every channel; otherwise the campaigns of one channel" }),
}).meta({ id: "OptOutsRequest" });

export const optOutsResponse = z.object({
  channel: z.string(),
  units: z.number().int(),
  inserted: z.number().int().meta({ description: "Opt-outs not recorded before" }),
}).meta({ id: "OptOutsResponse" });

const label = storableText().min(1).max(64);

export const customersBody = z.strictObject({
  customers: z.array(z.strictObject({
    unit: unitId,
    attributes: z.strictObject({
      stage: label.optional(),
      tags: z.array(label).max(50).optional(),
    }).optional().meta({ description: "Replaces the stored attributes when given" }),
    marketingConsent: z.boolean().optional()
      .meta({ description: "Replaces the stored consent when given (new customers: true)" }),
  })).min(1).max(MAX_UNITS),
}).meta({ id: "CustomersRequest" });

export const customersResponse = z.object({
  upserted: z.number().int(),
  unsuppressed: z.number().int().optional().meta({
    description: "Erased customers re-imported with `marketingConsent: true`, whose " +
      "suppression was lifted (present when any was)",
  }),
}).meta({ id: "CustomersResponse" });

export const customerPath = z.object({ unit: unitId });

export const erasureResponse = z.object({
  erased: z.literal(true),
  token: z.string().meta({
    description: "What replaced the id in every table (`erased:` and a random UUID); the same " +
      "token in the audit entry",
    example: "erased:3f0c1a52-8d7e-4c1b-9a51-2b7f4e0d9c11",
  }),
  rows: z.record(z.string(), z.number().int()).meta({
    description: "Rows changed per table (0 for each when the unit was unknown or erased " +
      "already)",
  }),
  changed: z.number().int().meta({ description: "The sum of `rows`" }),
  suppressed: z.boolean().meta({
    description: "Whether the suppression record is new (false: it was suppressed already)",
  }),
}).meta({ id: "ErasureResponse" });
