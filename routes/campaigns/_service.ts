import type { Context } from "hono";
import { z } from "zod";
import { type Campaign, createCampaign, getCampaign, updateCampaign } from "../../db/campaigns.ts";
import { notFound } from "../../lib/errors.ts";
import { CHANNELS } from "../../lib/experiments/settings.ts";
import { BANK_ID_PATTERN } from "../../lib/patterns.ts";
import { storableText } from "../../lib/text_schema.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";
import { requireManager, targetBank } from "../experiments/_service.ts";
import { targetingSchema } from "../../lib/experiments/schemas.ts";

type Ctx = Context<AppEnv>;

const fields = {
  name: storableText().trim().min(1).max(200),
  channel: z.enum(CHANNELS),
  segment: targetingSchema.optional(),
  description: storableText().max(4000).optional(),
};

export const newCampaignSchema = z.strictObject({
  bankId: z.string().regex(BANK_ID_PATTERN).optional(),
  ...fields,
});
export const campaignPatchSchema = z.strictObject(fields).partial();

export async function campaignOf(c: Ctx, id = c.req.param("id") ?? ""): Promise<Campaign> {
  const campaign = await getCampaign(c.var.db, c.var.scope, id);
  if (!campaign) throw notFound("No such campaign", { key: "error.api.noCampaign" });
  return campaign;
}

/** Creates a campaign in the caller's bank (admins name the bank), audited. */
export async function addCampaign(c: Ctx, body: z.output<typeof newCampaignSchema>) {
  requireManager(c);
  const bankId = targetBank(c, body.bankId);
  return await c.var.db.transaction().execute(async (trx) => {
    const campaign = await createCampaign(trx, {
      bankId,
      name: body.name,
      channel: body.channel,
      segment: body.segment ?? {},
      description: body.description ?? "",
      createdBy: currentUser(c).id,
    });
    await audit(c, {
      action: "campaign.create",
      bankId,
      target: campaign.id,
      details: { name: body.name, channel: body.channel },
    }, trx);
    return campaign;
  });
}

/** Changes a campaign, audited. */
export async function editCampaign(
  c: Ctx,
  campaign: Campaign,
  patch: z.output<typeof campaignPatchSchema>,
): Promise<Campaign> {
  requireManager(c);
  const next = {
    name: patch.name ?? campaign.name,
    channel: patch.channel ?? campaign.channel,
    segment: patch.segment ?? campaign.segment,
    description: patch.description ?? campaign.description,
  };
  await c.var.db.transaction().execute(async (trx) => {
    if (!await updateCampaign(trx, c.var.scope, campaign.id, next, c.var.now())) {
      throw notFound("No such campaign", { key: "error.api.noCampaign" });
    }
    await audit(c, {
      action: "campaign.update",
      bankId: campaign.bankId,
      target: campaign.id,
      details: { patch },
    }, trx);
  });
  return { ...campaign, ...next };
}
