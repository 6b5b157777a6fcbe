import { Hono } from "hono";
import { listCampaigns } from "../../db/campaigns.ts";
import { listExperiments } from "../../db/experiments.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requireRole } from "../../plugins/session.ts";
import { EXPERIMENT_MANAGERS, EXPERIMENT_READERS } from "../../lib/roles.ts";
import { readJson } from "../../plugins/validate.ts";
import {
  addCampaign,
  campaignOf,
  campaignPatchSchema,
  editCampaign,
  newCampaignSchema,
} from "../campaigns/_service.ts";
import { lineageOf } from "../campaigns/_lineage.tsx";

/** Campaigns of the caller's bank, mounted at `/api/campaigns` (roles as for experiments). */
const app = new Hono<AppEnv>();
app.use("*", requireRole(...EXPERIMENT_READERS));
app.on(["POST", "PATCH"], "*", requireRole(...EXPERIMENT_MANAGERS));

app.get("/", async (c) => c.json({ campaigns: await listCampaigns(c.var.db, c.var.scope) }));

app.post("/", async (c) => {
  const body = await readJson(c, newCampaignSchema);
  return c.json({ campaign: await addCampaign(c, body) }, 201);
});

app.get("/:id", async (c) => {
  const campaign = await campaignOf(c);
  const iterations = await listExperiments(c.var.db, c.var.scope, { campaignId: campaign.id });
  return c.json({
    campaign,
    iterations: iterations.sort((a, b) => a.iteration - b.iteration).map((e) => ({
      key: e.key,
      name: e.name,
      iteration: e.iteration,
      status: e.status,
      winnerVariant: e.winnerVariant,
    })),
  });
});

app.get("/:id/lineage", async (c) => {
  const { campaign, lineage } = await lineageOf(c, c.req.param("id"));
  return c.json({ campaign: { id: campaign.id, name: campaign.name }, ...lineage });
});

app.patch("/:id", async (c) => {
  const campaign = await campaignOf(c);
  const patch = await readJson(c, campaignPatchSchema);
  return c.json({ campaign: await editCampaign(c, campaign, patch) });
});

export default app;
