import { type Context, Hono } from "hono";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { experimentHref } from "../../components/experiments/links.ts";
import { renderPage } from "../../components/render.tsx";
import { listCampaigns } from "../../db/campaigns.ts";
import { listExperiments } from "../../db/experiments.ts";
import { formatDate } from "../../lib/i18n/mod.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { EXPERIMENT_READERS } from "../../lib/roles.ts";
import { guardPages, requireRole } from "../../plugins/session.ts";
import { parseWith } from "../../plugins/validate.ts";
import { bodyOf, ExperimentForm, type Fields, formError, formLibrary } from "./_form.tsx";
import { createDraft } from "../../db/experiment_commands.ts";
import { newExperimentSchema } from "../../lib/experiments/schemas.ts";
import { asManager, canManage, requireManager, targetBank } from "./_service.ts";
import detail from "./detail.tsx";
import layerForm from "./layer_form.tsx";
import { listLayers } from "../../db/layers.ts";
import scheduleForm, { ScheduleFields, withFormSchedule } from "./schedule_form.tsx";
import { bankTimeZone } from "../../db/schedules.ts";

const app = new Hono<AppEnv>();
guardPages(app, "/experiments", requireRole(...EXPERIMENT_READERS));

type ExperimentRow = Awaited<ReturnType<typeof listExperiments>>[number];

function ExperimentTable(props: {
  c: Context<AppEnv>;
  experiments: ExperimentRow[];
  campaignName: (id: string | null) => string;
  manyBanks: boolean;
}) {
  const { t, locale } = props.c.var;
  const columns: Column<ExperimentRow>[] = [
    {
      header: t("loop.col.name"),
      cell: (e) => (
        <>
          <a href={experimentHref(e)}>{e.name}</a> <code>{e.key}</code>
          {props.manyBanks && <span class="badge" data-testid="bank">{e.bankId}</span>}
          {e.mode === "bandit" && (
            <>
              {" "}
              <span class="badge" data-testid="bandit-badge">{t("bandit.badge")}</span>
            </>
          )}
        </>
      ),
    },
    {
      header: t("loop.col.status"),
      cell: (e) => <span class={`badge status-${e.status}`}>{t(`loop.status.${e.status}`)}</span>,
    },
    {
      header: t("loop.col.campaign"),
      cell: (e) =>
        e.campaignId
          ? <a href={`/campaigns/${e.campaignId}`}>{props.campaignName(e.campaignId)}</a>
          : "—",
    },
    { header: t("loop.col.iteration"), cell: (e) => e.iteration },
    {
      header: t("loop.col.started"),
      cell: (e) => e.startedAt ? formatDate(locale, e.startedAt, true) : "—",
    },
  ];
  return (
    <DataTable
      testid="experiment-list"
      columns={columns}
      rows={props.experiments}
      rowProps={(e) => ({ "data-key": e.key })}
    />
  );
}

app.get("/experiments", async (c) => {
  const { t, db, scope } = c.var;
  const [experiments, campaigns] = await Promise.all([
    listExperiments(db, scope),
    listCampaigns(db, scope),
  ]);
  const campaignName = (id: string | null) => campaigns.find((x) => x.id === id)?.name ?? "—";
  const manyBanks = new Set(experiments.map((e) => e.bankId)).size > 1;
  return renderPage(c, {
    title: t("sections.experiments"),
    body: (
      <>
        <header class="page-head">
          <h1>{t("sections.experiments")}</h1>
          <p class="muted">{t("loop.experiments.intro")}</p>
          {canManage(c) && (
            <p class="page-links">
              <a href="/experiments/new" data-testid="new-experiment">
                {t("loop.experiments.new")}
              </a>
            </p>
          )}
        </header>
        {experiments.length === 0
          ? <p class="muted">{t("loop.experiments.none")}</p>
          : (
            <ExperimentTable
              c={c}
              experiments={experiments}
              campaignName={campaignName}
              manyBanks={manyBanks}
            />
          )}
      </>
    ),
  });
});

async function newPage(c: Context<AppEnv>, fields: Fields, error?: string) {
  const { t, db, scope } = c.var;
  const asked = typeof fields.bankId === "string" ? fields.bankId.trim() : "";
  const bankId = c.var.user?.bankId ?? (asked || c.req.query("bank") || null);
  return renderPage(c, {
    title: t("loop.experiments.new"),
    status: error ? 400 : 200,
    body: (
      <>
        <h1>{t("loop.experiments.new")}</h1>
        <ExperimentForm
          t={t}
          locale={c.var.locale}
          fields={fields}
          campaigns={await listCampaigns(db, scope)}
          library={await formLibrary(db, bankId)}
          layers={bankId ? await listLayers(db, bankId) : []}
          bankId={bankId}
          action="/experiments"
          isNew
          isAdmin={c.var.user?.role === "admin"}
          error={error}
          extra={
            <ScheduleFields
              t={t}
              fields={fields}
              timeZone={await bankTimeZone(db, bankId ?? "")}
            />
          }
        />
      </>
    ),
  });
}

app.get("/experiments/new", (c) => {
  requireManager(c);
  const fields: Fields = {
    "variant-name-0": "control",
    "variant-weight-0": "50",
    "variant-name-1": "treatment",
    "variant-weight-1": "50",
    campaignId: c.req.query("campaign") ?? "",
  };
  return newPage(c, fields);
});

app.post("/experiments", async (c) => {
  requireManager(c);
  const fields = (await c.req.parseBody({ all: true })) as Fields;
  try {
    const bankId = typeof fields.bankId === "string" ? fields.bankId.trim() || null : null;
    const created = await withFormSchedule(
      c,
      fields,
      { bankId, existing: null },
      () => {
        const body = parseWith(newExperimentSchema, bodyOf(fields, true));
        return createDraft(c.var.db, asManager(c), {
          ...body,
          bankId: targetBank(c, body.bankId),
        });
      },
    );
    return c.redirect(experimentHref(created), 303);
  } catch (error) {
    return newPage(c, fields, formError(error, c.var.t));
  }
});

app.route("/", detail);
app.route("/", layerForm);
app.route("/", scheduleForm);

export default app;
