import { Hono } from "hono";
import { z } from "zod";
import { createLayer, listLayers } from "../../db/layers.ts";
import { conflict } from "../../lib/errors.ts";
import { EXPERIMENT_MANAGERS, EXPERIMENT_READERS } from "../../lib/roles.ts";
import { storableText } from "../../lib/text_schema.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, requireRole } from "../../plugins/session.ts";
import { readJson } from "../../plugins/validate.ts";
import { bankOf } from "../alerts/_bank.ts";
import { layerKey } from "../../lib/experiments/schemas.ts";

/**
 * Mutual-exclusion layers of a bank (issue 17; docs/GOVERNANCE.md "Layers"), mounted at
 * `/api/layers`: growth users and admins create them, experiment readers list them with their
 * experiments' ranges. The bank is the caller's, or `?bank=` (admins).
 */
export const newLayerSchema = z.strictObject({
  key: layerKey(),
  name: storableText().trim().min(1).max(100),
});

const app = new Hono<AppEnv>();
app.use("*", requireRole(...EXPERIMENT_READERS));
app.post("*", requireRole(...EXPERIMENT_MANAGERS));

app.get("/", async (c) => {
  const bankId = await bankOf(c);
  return c.json({ layers: await listLayers(c.var.db, bankId) });
});

app.post("/", async (c) => {
  const bankId = await bankOf(c);
  const body = await readJson(c, newLayerSchema);
  const layer = await createLayerAudited(c, bankId, body);
  return c.json({ layer: { ...layer, experiments: [] } }, 201);
});

/** Creates the layer with its audit entry; 409 `LAYER_EXISTS` when the bank has the key. */
export async function createLayerAudited(
  c: Parameters<typeof bankOf>[0],
  bankId: string,
  body: z.output<typeof newLayerSchema>,
) {
  try {
    return await c.var.db.transaction().execute(async (trx) => {
      const layer = await createLayer(trx, {
        bankId,
        ...body,
        createdBy: currentUser(c).id,
        now: c.var.now(),
      });
      await audit(c, { action: "layer.create", bankId, target: body.key, details: body }, trx);
      return layer;
    });
  } catch (error) {
    if ((error as { code?: string } | null)?.code !== "23505") throw error;
    const refused = conflict("LAYER_EXISTS", `The layer key "${body.key}" is taken`);
    refused.translation = { key: "layer.error.exists", params: { layer: body.key } };
    throw refused;
  }
}

export default app;
