import { requestedBank } from "../alerts/_bank.ts";
import { Hono } from "hono";
import type { Context } from "hono";
import { getBank } from "../../db/banks.ts";
import {
  builtinMetricError,
  createMetric,
  experimentsUsingMetric,
  getMetric,
  type LibraryMetric,
  listMetrics,
  metricVersions,
  reviseMetric,
  unknownMetric,
} from "../../db/metrics.ts";
import { badRequest, BANK_REQUIRED, noBankNamed, notFound } from "../../lib/errors.ts";
import {
  builtinMetric,
  mergeDefinition,
  METRIC_KEY_PATTERN,
  metricDefinitionSchema,
  metricPatchSchema,
  newMetricSchema,
  storedDefinition,
} from "../../lib/metrics/definition.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, requireRole } from "../../plugins/session.ts";
import { parseWith, readJson } from "../../plugins/validate.ts";
import { targetBank } from "../experiments/_service.ts";

/**
 * The metric library of a bank (issue 16), mounted at `/api/metrics`: anyone with the bank in
 * scope reads it (`?bank=` picks one when the scope spans several); growth users and admins
 * define metrics (`POST`) and edit them (`PATCH`, a new version each time). Built-in metrics
 * are listed but cannot be edited (409 `BUILTIN_METRIC`).
 */
const app = new Hono<AppEnv>();
type Ctx = Context<AppEnv>;
app.use("*", requireRole("admin", "growth", "executive", "consultant"));
app.on(["POST", "PATCH"], "*", requireRole("admin", "growth"));

/**
 * The bank a request reads or edits: `?bank=` when given (404 outside the scope), else the
 * user's own, else the only bank in scope; otherwise 400 `BANK_REQUIRED`.
 */
async function bankOf(c: Ctx): Promise<string> {
  const bank = await requestedBank(c);
  if (bank === null) {
    throw badRequest("BANK_REQUIRED", 'Say which bank with "?bank="', BANK_REQUIRED);
  }
  return bank;
}

const view = (bankId: string, m: LibraryMetric) => ({ bankId, ...m });

function actorOf(c: Ctx) {
  const user = currentUser(c);
  return { actorUserId: user.id, actor: user.email };
}

function keyOf(c: Ctx): string {
  const key = c.req.param("key") ?? "";
  if (!METRIC_KEY_PATTERN.test(key)) throw unknownMetric(key.slice(0, 64));
  return key;
}

app.get("/", async (c) => {
  const bankId = await bankOf(c);
  const metrics = await listMetrics(c.var.db, bankId);
  return c.json({ bankId, metrics: metrics.map((m) => view(bankId, m)) });
});

app.post("/", async (c) => {
  const body = await readJson(c, newMetricSchema);
  const bankId = targetBank(c, body.bankId);
  if (!await getBank(c.var.db, c.var.scope, bankId)) {
    throw notFound(`No bank "${bankId}"`, noBankNamed(bankId));
  }
  const metric = await createMetric(
    c.var.db,
    actorOf(c),
    bankId,
    body.key,
    storedDefinition(body),
  );
  return c.json({ metric: view(bankId, metric) }, 201);
});

app.get("/:key", async (c) => {
  const key = keyOf(c);
  const bankId = await bankOf(c);
  const metric = await getMetric(c.var.db, bankId, key);
  if (!metric) throw unknownMetric(key);
  const [versions, usedBy] = await Promise.all([
    metricVersions(c.var.db, bankId, key),
    experimentsUsingMetric(c.var.db, bankId, key),
  ]);
  return c.json({
    metric: view(bankId, metric),
    versions: versions.map((m) => view(bankId, m)),
    usedBy,
  });
});

app.patch("/:key", async (c) => {
  const key = keyOf(c);
  const bankId = await bankOf(c);
  if (builtinMetric(key)) throw builtinMetricError(key);
  const patch = await readJson(c, metricPatchSchema);
  const current = await getMetric(c.var.db, bankId, key);
  if (!current) throw unknownMetric(key);
  const merged = parseWith(metricDefinitionSchema, mergeDefinition(current, patch));
  const { metric, changed } = await reviseMetric(
    c.var.db,
    actorOf(c),
    bankId,
    key,
    storedDefinition(merged),
  );
  return c.json({ metric: view(bankId, metric), changed });
});

export default app;
