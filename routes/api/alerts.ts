import { Hono } from "hono";
import { z } from "zod";
import {
  ackAlert,
  alertBank,
  type AlertView,
  getAutoStop,
  getNoExposureHours,
  listAlerts,
  setAutoStop,
  setNoExposureHours,
} from "../../db/alerts.ts";
import { AppError, badRequest, forbidden, notFound, ROLE_EXPERIMENTS } from "../../lib/errors.ts";
import { inScope } from "../../lib/scope.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, requireRole } from "../../plugins/session.ts";
import { readJson } from "../../plugins/validate.ts";
import { experimentOf } from "../experiments/_service.ts";
import { bankOf, canManage, UUID } from "../alerts/_bank.ts";

/**
 * Alerts (issue 18), mounted at `/api/alerts`: `GET` the caller's bank's alerts (`?bank=` for
 * admins and consultants; `?experiment=<key>`, `?open=1`), `POST /:id/ack`.
 */
const app = new Hono<AppEnv>();
app.use("*", requireRole("admin", "growth", "executive", "consultant"));
app.post("*", requireRole("admin", "growth", "executive"));

export const alertView = (a: AlertView) => ({
  id: a.id,
  bankId: a.bankId,
  type: a.type,
  cause: a.cause,
  experiment: { key: a.experimentKey, name: a.experimentName },
  summary: a.summary,
  details: a.details,
  createdAt: a.createdAt.toISOString(),
  ackedAt: a.ackedAt?.toISOString() ?? null,
});

function noAlert(): AppError {
  return new AppError(404, "ALERT_NOT_FOUND", "No such alert", {}, { key: "error.api.noAlert" });
}

app.get("/", async (c) => {
  const bankId = await bankOf(c);
  const key = c.req.query("experiment");
  const open = c.req.query("open");
  if (open !== undefined && open !== "1" && open !== "0") {
    throw badRequest("VALIDATION_ERROR", '"open" must be 1 or 0', { key: "error.api.openFlag" });
  }
  let experimentId: string | undefined;
  if (key !== undefined) {
    const experiment = await experimentOf(c, key);
    if (experiment.bankId !== bankId) {
      throw notFound(`No experiment "${key}"`, { key: "error.api.noExperiment", params: { key } });
    }
    experimentId = experiment.id;
  }
  const alerts = await listAlerts(c.var.db, { bankId, experimentId, open: open === "1" });
  return c.json({ bankId, alerts: alerts.map(alertView) });
});

app.post("/:id/ack", async (c) => {
  const id = c.req.param("id");
  if (!UUID.test(id)) throw noAlert();
  const bankId = await alertBank(c.var.db, id);
  if (!bankId || !inScope(c.var.scope, bankId)) throw noAlert();
  const user = currentUser(c);
  const { ackedAt } = await ackAlert(c.var.db, id, user.id, c.var.now());
  await audit(c, { action: "alert.ack", bankId, target: id });
  return c.json({ id, ackedAt: ackedAt.toISOString() });
});

export default app;

/**
 * Per-experiment alert settings, mounted beside the experiments API: `GET|PUT
 * /api/experiments/:key/auto-stop` (the circuit breaker, `{"onGuardrail", "onSrm"}`) and
 * `GET|PUT /api/experiments/:key/alert-settings` (`{"noExposureHours"}`, 1–720, default 24).
 * Reading: anyone with the bank in scope; changing: growth users and admins (audited).
 */
export const experimentAlertSettings = new Hono<AppEnv>();
experimentAlertSettings.use(
  "/:key/auto-stop",
  requireRole("admin", "growth", "executive", "consultant"),
);
experimentAlertSettings.use(
  "/:key/alert-settings",
  requireRole("admin", "growth", "executive", "consultant"),
);

const autoStopSchema = z.strictObject({ onGuardrail: z.boolean(), onSrm: z.boolean() });
const alertSettingsSchema = z.strictObject({ noExposureHours: z.int().min(1).max(720) });

experimentAlertSettings.get("/:key/auto-stop", async (c) => {
  const e = await experimentOf(c);
  return c.json({
    experiment: e.key,
    bankId: e.bankId,
    autoStop: await getAutoStop(c.var.db, e.id),
  });
});

experimentAlertSettings.put("/:key/auto-stop", async (c) => {
  if (!canManage(c)) throw forbidden("Your role may not change experiments", ROLE_EXPERIMENTS);
  const body = await readJson(c, autoStopSchema);
  const e = await experimentOf(c);
  await c.var.db.transaction().execute(async (trx) => {
    await setAutoStop(trx, e, body, currentUser(c).id, c.var.now());
    await audit(c, {
      action: "experiment.auto_stop",
      bankId: e.bankId,
      target: e.key,
      details: body,
    }, trx);
  });
  return c.json({ experiment: e.key, bankId: e.bankId, autoStop: body });
});

experimentAlertSettings.get("/:key/alert-settings", async (c) => {
  const e = await experimentOf(c);
  return c.json({
    experiment: e.key,
    bankId: e.bankId,
    noExposureHours: await getNoExposureHours(c.var.db, e.id),
  });
});

experimentAlertSettings.put("/:key/alert-settings", async (c) => {
  if (!canManage(c)) throw forbidden("Your role may not change experiments", ROLE_EXPERIMENTS);
  const body = await readJson(c, alertSettingsSchema);
  const e = await experimentOf(c);
  await c.var.db.transaction().execute(async (trx) => {
    await setNoExposureHours(trx, e, body.noExposureHours, c.var.now());
    await audit(c, {
      action: "experiment.alert_settings",
      bankId: e.bankId,
      target: e.key,
      details: body,
    }, trx);
  });
  return c.json({ experiment: e.key, bankId: e.bankId, noExposureHours: body.noExposureHours });
});
