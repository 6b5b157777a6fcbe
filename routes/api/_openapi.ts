/**
 * The pieces the OpenAPI modules share (./openapi.ts and the ./openapi_*.ts parts it spreads in):
 * JSON content, a required JSON body, the session security, and the query and path objects of
 * the signed-in API.
 */
import { z } from "zod";
import { EXPERIMENT_KEY_PATTERN } from "../../lib/patterns.ts";

/** A JSON content entry with this schema. */
export const json = <S extends z.ZodType>(schema: S) => ({ "application/json": { schema } });

/** A required JSON request body with this schema. */
export const body = <S extends z.ZodType>(schema: S) => ({
  body: { required: true, content: json(schema) },
});

/** An answer documented in prose. */
export const anyObject = z.record(z.string(), z.unknown());

/** Signed in with the session cookie. */
export const session = { security: [{ session: [] }] };

/** How descriptions of the signed-in API begin. */
export const SIGNED_IN = "Signed-in users (session cookie), not the SDK key. ";

/** `?bank=`: the bank, for users who reach several. */
export const bankQuery = z.object({
  bank: z.string().optional().meta({
    description: "The bank (default: the user's own; admins name one)",
  }),
});

/** `{key}`: an experiment's key. */
export const experimentKey = z.object({
  key: z.string().regex(EXPERIMENT_KEY_PATTERN).meta({ example: "card-bind-sms" }),
});
