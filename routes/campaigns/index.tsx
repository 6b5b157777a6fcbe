import { type Context, Hono } from "hono";
import { DataTable } from "../../components/DataTable.tsx";
import { renderPage } from "../../components/render.tsx";
import { type Campaign, listCampaigns } from "../../db/campaigns.ts";
import type { Translate } from "../../lib/i18n/mod.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import { parseWith } from "../../plugins/validate.ts";
import { type Fields, formError } from "../experiments/_form.tsx";
import { canManage, requireManager } from "../experiments/_service.ts";
import { CHANNELS, STAGES } from "../../lib/experiments/settings.ts";
import {
  addCampaign,
  campaignOf,
  campaignPatchSchema,
  editCampaign,
  newCampaignSchema,
} from "./_service.ts";
import { lineageOf, LineageSection } from "./_lineage.tsx";

const app = new Hono<AppEnv>();
guardPage(app, "/campaigns");

const one = (f: Fields, k: string) => (Array.isArray(f[k]) ? f[k][0] : f[k] as string) ?? "";

function bodyOf(f: Fields, withBank: boolean) {
  const stages = f.stage === undefined ? [] : Array.isArray(f.stage) ? f.stage : [f.stage];
  const tags = one(f, "tags").split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  return {
    name: one(f, "name").trim(),
    channel: one(f, "channel"),
    segment: { stages, tags },
    description: one(f, "description"),
    ...(withBank && one(f, "bankId") ? { bankId: one(f, "bankId") } : {}),
  };
}

function segmentText(t: Translate, segment: Campaign["segment"]) {
  const stages = (segment.stages ?? []).map((s) => t(`loop.stage.${s}`));
  return [...stages, ...(segment.tags ?? [])].join(" · ") || "—";
}

function CampaignForm(
  { t, action, campaign, isAdmin, error }: {
    t: Translate;
    action: string;
    campaign?: Campaign;
    isAdmin: boolean;
    error?: string;
  },
) {
  return (
    <form method="post" action={action} class="card loop-form" data-testid="campaign-form">
      <h2>{t(campaign ? "loop.campaigns.edit" : "loop.campaigns.new")}</h2>
      {error && <p class="errors" role="alert">{t("loop.form.error", { message: error })}</p>}
      <div class="form-row">
        <label>
          {t("loop.form.name")}
          <input type="text" name="name" required maxLength={200} value={campaign?.name ?? ""} />
        </label>
        <label>
          {t("loop.form.channel")}
          <select name="channel">
            {CHANNELS.map((ch) => (
              <option value={ch} selected={campaign?.channel === ch}>
                {t(`loop.channel.${ch}`)}
              </option>
            ))}
          </select>
        </label>
        {isAdmin && !campaign && (
          <label>
            {t("loop.form.bank")}
            <input type="text" name="bankId" />
          </label>
        )}
      </div>
      <div class="form-row">
        {STAGES.map((s) => (
          <label class="check">
            <input
              type="checkbox"
              name="stage"
              value={s}
              checked={campaign?.segment.stages?.includes(s)}
            />
            {t(`loop.stage.${s}`)}
          </label>
        ))}
      </div>
      <div class="form-row">
        <label>
          {t("loop.form.tags")}
          <input type="text" name="tags" value={(campaign?.segment.tags ?? []).join(", ")} />
        </label>
        <label>
          {t("loop.form.description")}
          <input type="text" class="wide" name="description" value={campaign?.description ?? ""} />
        </label>
      </div>
      <button type="submit">{t(campaign ? "loop.form.save" : "loop.form.createCampaign")}</button>
    </form>
  );
}

async function listPage(c: Context<AppEnv>, error?: string) {
  const { t, db, scope } = c.var;
  const campaigns = await listCampaigns(db, scope);
  return renderPage(c, {
    title: t("sections.campaigns"),
    status: error ? 400 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>{t("sections.campaigns")}</h1>
          <p class="muted">{t("loop.campaigns.intro")}</p>
        </header>
        {campaigns.length === 0 ? <p class="muted">{t("loop.campaigns.none")}</p> : (
          <DataTable
            testid="campaign-list"
            rows={campaigns}
            rowKey={(x) => x.id}
            columns={[
              {
                header: t("loop.col.name"),
                cell: (x) => <a href={`/campaigns/${x.id}`}>{x.name}</a>,
              },
              {
                header: t("loop.col.channel"),
                cell: (x) => t(`loop.channel.${x.channel}`),
              },
              { header: t("loop.col.segment"), cell: (x) => segmentText(t, x.segment) },
            ]}
          />
        )}
        {canManage(c) && (
          <CampaignForm
            t={t}
            action="/campaigns"
            isAdmin={c.var.user?.role === "admin"}
            error={error}
          />
        )}
      </>
    ),
  });
}

app.get("/campaigns", (c) => listPage(c));

app.post("/campaigns", async (c) => {
  requireManager(c);
  const fields = (await c.req.parseBody({ all: true })) as Fields;
  try {
    const campaign = await addCampaign(c, parseWith(newCampaignSchema, bodyOf(fields, true)));
    return c.redirect(`/campaigns/${campaign.id}`, 303);
  } catch (error) {
    return listPage(c, formError(error, c.var.t));
  }
});

async function detailPage(c: Context<AppEnv>, id: string, error?: string) {
  const { t, locale } = c.var;
  const { campaign, lineage } = await lineageOf(c, id);
  return renderPage(c, {
    title: campaign.name,
    status: error ? 400 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>{campaign.name}</h1>
          <p class="muted">
            {t(`loop.channel.${campaign.channel}`)} · {segmentText(t, campaign.segment)}
          </p>
          {campaign.description && <p>{campaign.description}</p>}
        </header>
        <LineageSection lineage={lineage} locale={locale} t={t} bankId={campaign.bankId}>
          {canManage(c) && (
            <p>
              <a href={`/experiments/new?campaign=${campaign.id}`}>
                {t("loop.campaigns.newIteration")}
              </a>
            </p>
          )}
        </LineageSection>
        {canManage(c) && (
          <CampaignForm
            t={t}
            action={`/campaigns/${campaign.id}`}
            campaign={campaign}
            isAdmin={false}
            error={error}
          />
        )}
      </>
    ),
  });
}

app.get("/campaigns/:id", (c) => detailPage(c, c.req.param("id")));

app.post("/campaigns/:id", async (c) => {
  const campaign = await campaignOf(c);
  requireManager(c);
  const fields = (await c.req.parseBody({ all: true })) as Fields;
  try {
    await editCampaign(c, campaign, parseWith(campaignPatchSchema, bodyOf(fields, false)));
    return c.redirect(`/campaigns/${campaign.id}`, 303);
  } catch (error) {
    return detailPage(c, campaign.id, formError(error, c.var.t));
  }
});

export default app;
