/**
 * Schemas of `GET /api/v1/config` (local evaluation, lib/experiments/local_evaluation.ts): the
 * handler validates the query with them and `routes/api/openapi.ts` documents both.
 */
import { z } from "zod";
import { CHANNELS, experimentKey, hashVersion } from "./schemas.ts";

/** The longest a long poll may wait, in seconds. */
export const MAX_WAIT_SECONDS = 60;

export const configQuery = z.strictObject({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).optional().meta({
    description: "Long poll: with If-None-Match naming the current version, wait up to this " +
      "many seconds for a change before answering 304 (default 0: answer at once)",
    example: 30,
  }),
});

const targeting = z.object({
  stages: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});

export const configExperiment = z.object({
  key: experimentKey,
  mode: z.enum(["ab", "bandit"]).meta({
    description: "bandit: arms are the server's; an eligible customer answers ask_server",
  }),
  status: z.enum(["draft", "running", "stopped", "decided"])
    .meta({ description: "Anything but running answers not_running" }),
  hashVersion,
  variants: z.array(z.object({ name: z.string(), weight: z.number() })),
  targeting: targeting.meta({ description: "The experiment's own targeting" }),
  segment: targeting.meta({ description: "The campaign's segment; both must match" }),
  channel: z.enum(CHANNELS as [string, ...string[]]).nullable(),
  layer: z.object({ key: z.string(), range: z.tuple([z.number(), z.number()]) }).nullable()
    .meta({ description: "The range [from, to) of a mutual-exclusion layer" }),
  forced: z.array(z.object({ unit: z.string(), variant: z.string() }))
    .meta({ description: "QA units and their arms (reason forced)" }),
  capped: z.boolean().meta({
    description: "Contact caps hold on the channel: eligible customers answer ask_server",
  }),
  quietHours: z.object({ start: z.string(), end: z.string(), timeZone: z.string() }).nullable()
    .meta({ description: "The bank's quiet hours on this channel (HH:MM in timeZone)" }),
}).meta({ id: "ConfigExperiment" });

export const configResponse = z.object({
  version: z.string().meta({ description: "Changes with any change below; also the ETag" }),
  holdout: z.object({ percent: z.number(), salt: z.string() }).nullable().meta({
    description: "The global holdout: a customer is in it when " +
      "bucketOf(`holdout/${salt}`, unit, 2) < percent / 100",
  }),
  experiments: z.array(configExperiment),
}).meta({ id: "ConfigPayload" });
