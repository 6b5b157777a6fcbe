import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../../../lib/errors.ts";
import { parseWith, readJson } from "../../../plugins/validate.ts";

/**
 * Reads a batch body: more than `limit` items in `field` → 413 `BATCH_TOO_LARGE` (the request
 * is too large, not malformed); otherwise validated with `schema` (400 on failure).
 */
export async function readBatch<S extends z.ZodType>(
  c: Context,
  schema: S,
  field: string,
  limit: number,
): Promise<z.output<S>> {
  const body = await readJson(c, z.unknown());
  const items = body && typeof body === "object" ? (body as Record<string, unknown>)[field] : null;
  if (Array.isArray(items) && items.length > limit) {
    throw new AppError(
      413,
      "BATCH_TOO_LARGE",
      `At most ${limit.toLocaleString("en")} ${field} per request, got ${
        items.length.toLocaleString("en")
      }`,
      {},
      {
        key: "error.api.batchTooLarge",
        params: {
          limit: limit.toLocaleString("en"),
          field,
          count: items.length.toLocaleString("en"),
        },
      },
    );
  }
  return parseWith(schema, body);
}
