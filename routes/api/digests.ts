import { Hono } from "hono";
import { z } from "zod";
import { type Digest, getDigest, listDigests } from "../../db/digests.ts";
import { bankTimeZone } from "../../db/schedules.ts";
import { AppError, badRequest } from "../../lib/errors.ts";
import { DIGEST_KINDS, SEND_HOUR } from "../../lib/digests/period.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requireRole } from "../../plugins/session.ts";
import { readJson } from "../../plugins/validate.ts";
import { bankOf, UUID } from "../alerts/_bank.ts";
import { saveTimeZone } from "../digests/_settings.ts";

/**
 * Digests (issue 18, part 4), mounted at `/api/digests`: `GET /` the bank's digests
 * (`?bank=`, `?kind=weekly|daily`), `GET /:id` one with its figures. Admins, growth users and
 * executives of the bank read them. The bank's settings are `GET|PUT /api/bank-settings?bank=`
 * (`{"timeZone"}`, growth users and admins change it).
 */
const app = new Hono<AppEnv>();
app.use("*", requireRole("admin", "growth", "executive"));

const view = (d: Digest) => ({
  id: d.id,
  bankId: d.bankId,
  kind: d.kind,
  label: d.label,
  periodStart: d.periodStart.toISOString(),
  periodEnd: d.periodEnd.toISOString(),
  timeZone: d.timeZone,
  createdAt: d.createdAt.toISOString(),
  content: d.content,
});

app.get("/", async (c) => {
  const bankId = await bankOf(c);
  const kind = c.req.query("kind");
  if (kind !== undefined && !(DIGEST_KINDS as readonly string[]).includes(kind)) {
    throw badRequest("VALIDATION_ERROR", '"kind" must be "weekly" or "daily"', {
      key: "error.api.digestKind",
    });
  }
  const digests = await listDigests(c.var.db, {
    bankId,
    kind: kind as (typeof DIGEST_KINDS)[number] | undefined,
  });
  return c.json({ bankId, digests: digests.map(view) });
});

app.get("/:id", async (c) => {
  const id = c.req.param("id");
  const d = UUID.test(id) ? await getDigest(c.var.db, id) : null;
  if (!d || !inScope(c.var.scope, d.bankId)) {
    throw new AppError(404, "DIGEST_NOT_FOUND", "No such digest", {}, {
      key: "error.api.noDigest",
    });
  }
  return c.json({ digest: view(d) });
});

export default app;

/** `GET|PUT /api/bank-settings?bank=`: the bank's time zone (digests, schedules). */
export const bankSettings = new Hono<AppEnv>();
bankSettings.use("*", requireRole("admin", "growth", "executive"));
bankSettings.put("*", requireRole("admin", "growth"));

const settingsSchema = z.strictObject({ timeZone: z.string().min(1).max(64) });

bankSettings.get("/", async (c) => {
  const bankId = await bankOf(c);
  return c.json({ bankId, timeZone: await bankTimeZone(c.var.db, bankId), sendHour: SEND_HOUR });
});

bankSettings.put("/", async (c) => {
  const bankId = await bankOf(c);
  const body = await readJson(c, settingsSchema);
  const timeZone = await saveTimeZone(c, bankId, body.timeZone);
  return c.json({ bankId, timeZone, sendHour: SEND_HOUR });
});
