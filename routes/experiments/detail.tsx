import { type Context, Hono } from "hono";
import { BanditPanel, PromotePanel } from "../../components/experiments/BanditPanel.tsx";
import { ExperimentResults } from "../../components/experiments/Results.tsx";
import { Island } from "../../components/Island.tsx";
import { renderPage } from "../../components/render.tsx";
import { AppliedTargetingNote } from "../../components/experiments/Targeting.tsx";
import { experimentHref } from "../../components/experiments/links.ts";
import { getCampaign, listCampaigns } from "../../db/campaigns.ts";
import { banksWithKey, type Experiment, promotedTo, TRANSITIONS } from "../../db/experiments.ts";
import { AppError, badRequest, messageIn } from "../../lib/errors.ts";
import { defaultWinner } from "../../lib/experiments/decisions.ts";
import { appliedTargeting, type Targeting } from "../../lib/experiments/eligibility.ts";
import { formatNumber, formatPercent, type MessageKey } from "../../lib/i18n/mod.ts";
import ExperimentTimeline from "../../islands/ExperimentTimeline.tsx";
import type { AppEnv } from "../../plugins/context.ts";
import { parseWith } from "../../plugins/validate.ts";
import { bodyOf, ExperimentForm, type Fields, fieldsOf, formError, formLibrary } from "./_form.tsx";
import { promote, reweightNow } from "./_loop.ts";
import { resultsOf } from "./_results.ts";
import { experimentAlertsSection } from "../alerts/_section.tsx";
import { experimentReasonsSection } from "./_reasons.tsx";
import { experimentLayerSection } from "./layer_form.tsx";
import { listLayers } from "../../db/layers.ts";
import {
  experimentScheduleSection,
  ScheduleFields,
  scheduleFieldsOf,
  withFormSchedule,
} from "./schedule_form.tsx";
import { bankTimeZone } from "../../db/schedules.ts";
import { chooseBankPage, confirmPage, isConfirmed } from "./_confirm.tsx";
import { editDraft, moveExperiment } from "../../db/experiment_commands.ts";
import { experimentPatchSchema } from "../../lib/experiments/schemas.ts";
import { asManager, canManage, experimentOf, requireManager } from "./_service.ts";

const app = new Hono<AppEnv>();

/**
 * Start, stop and decide, each saying what it will do. Stop and decide ask first (the
 * confirmation page); the decide form preselects the recommended arm.
 */
function Actions(
  { c, e, recommended }: { c: Context<AppEnv>; e: Experiment; recommended: string | null },
) {
  const t = c.var.t;
  const manage = canManage(c);
  const post = (move: "start" | "stop", label: MessageKey) => (
    <form method="post" action={experimentHref(e, `/${move}`)} class="inline">
      <button type="submit" data-testid={`action-${move}`}>{t(label)}</button>
    </form>
  );
  const moves = { draft: "start", running: "stop", stopped: "decide" } as const;
  const what = manage && e.status !== "decided" ? moves[e.status] : null;
  return (
    <>
      <div class="experiment-actions">
        {e.status !== "draft" && (["csv", "xlsx"] as const).map((format) => (
          <a
            href={`/api/experiments/${encodeURIComponent(e.key)}/results.${format}?bank=${
              encodeURIComponent(e.bankId)
            }`}
            key={format}
            download
            data-testid={format}
          >
            {t(`loop.action.${format}`)}
          </a>
        ))}
        {manage && e.status === "draft" && (
          <a href={experimentHref(e, "/edit")}>{t("loop.action.edit")}</a>
        )}
        {manage && e.status === "draft" && post("start", "loop.action.start")}
        {manage && e.status === "running" && post("stop", "loop.action.stop")}
        {manage && e.status === "stopped" && (
          <form method="post" action={experimentHref(e, "/decide")} class="inline">
            <select name="winner" aria-label={t("loop.col.winner")} data-testid="decide-winner">
              {e.variants.map((v) => (
                <option key={v.name} value={v.name} selected={v.name === recommended}>
                  {v.name === recommended ? t("act.recommended", { name: v.name }) : v.name}
                </option>
              ))}
            </select>{" "}
            <button type="submit" data-testid="action-decide">{t("loop.action.decide")}</button>
          </form>
        )}
      </div>
      {what && (
        <p class="muted small" data-testid="action-what">
          {t(`act.what.${what}`)}
          {what === "decide" && <>{c.var.locale === "en" && " "}{t("act.defaultNote")}</>}
        </p>
      )}
    </>
  );
}

function Settings(
  { c, e, segment }: { c: Context<AppEnv>; e: Experiment; segment: Targeting | null },
) {
  const { t, locale } = c.var;
  return (
    <section class="card">
      <h2>{t("loop.detail.settings")}</h2>
      <table class="data" data-testid="settings">
        <tbody>
          {e.variants.map((v, i) => (
            <tr>
              <th scope="row">{i === 0 ? `${v.name} (${t("tools.sig.control")})` : v.name}</th>
              <td>{v.description}</td>
              <td class="num">{formatPercent(locale, v.weight, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="small">
        {t("loop.form.metric")}: {e.primaryMetric.name ?? t(
          e.primaryMetric.type === "value" ? "loop.form.metricValue" : "loop.form.metricConversion",
        )} · α = {formatNumber(locale, e.alpha, { maximumFractionDigits: 3 })} ·{" "}
        {t("loop.detail.planned")}: {e.plannedSampleSize
          ? t("loop.detail.plannedValue", { n: formatNumber(locale, e.plannedSampleSize) })
          : t("loop.detail.notPlanned")}
      </p>
      <AppliedTargetingNote applied={appliedTargeting(segment, e.targeting)} locale={locale} />
      <p class="muted small">
        {t(e.sequential ? "loop.detail.sequentialHint" : "loop.detail.fixedHint")}
      </p>
    </section>
  );
}

async function detailPage(c: Context<AppEnv>, e: Experiment, error?: string) {
  const { t, locale } = c.var;
  const results = e.status === "draft" ? null : await resultsOf(c, e);
  const next = e.status === "draft" ? null : await promotedTo(c.var.db, e.id);
  const campaign = e.campaignId ? await getCampaign(c.var.db, c.var.scope, e.campaignId) : null;
  const recommended = results?.readout.recommendation;
  const promotable = canManage(c) && results !== null &&
    (next !== null || e.status === "decided" || recommended?.action !== "keep_running");
  return renderPage(c, {
    title: e.name,
    status: error ? 409 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>
            {e.name}{" "}
            <span class={`badge status-${e.status}`} data-testid="status">
              {t(`loop.status.${e.status}`)}
            </span>
            {e.sequential && (
              <span class="badge" data-testid="sequential-badge">
                {t("loop.detail.sequentialBadge")}
              </span>
            )}
          </h1>
          <p class="muted">
            <code>{e.key}</code>
            {e.campaignId && (
              <>
                {" · "}
                <a href={`/campaigns/${e.campaignId}`}>
                  {campaign?.name ?? t("loop.col.campaign")}
                </a>
              </>
            )}
            {e.winnerVariant && <>· {t("loop.detail.winner", { name: e.winnerVariant })}</>}
          </p>
          <Actions
            c={c}
            e={e}
            recommended={recommended ? defaultWinner(recommended, e.variants[0].name) : null}
          />
          {error && <p class="errors" role="alert" data-testid="action-error">{error}</p>}
        </header>
        <div class="loop-stack">
          {await experimentAlertsSection(c, e)}
          {await experimentScheduleSection(c, e)}
          {await experimentReasonsSection(c, e)}
          {experimentLayerSection(c, e)}
          {results
            ? (
              <>
                {promotable && (
                  <PromotePanel
                    e={e}
                    winner={recommended?.winner ?? null}
                    next={next}
                    locale={locale}
                  />
                )}
                <ExperimentResults readout={results.readout} locale={locale} bankId={e.bankId} />
                {results.readout.bandit && (
                  <BanditPanel
                    e={e}
                    bandit={results.readout.bandit}
                    users={results.readout.variants.map((v) => v.users)}
                    locale={locale}
                    now={c.var.now()}
                    canReweight={canManage(c)}
                  />
                )}
                <section class="card">
                  {results.timeline.days.length > 0
                    ? (
                      <Island
                        component={ExperimentTimeline}
                        props={{
                          locale,
                          days: results.timeline.days,
                          series: results.timeline.series.map((s) => ({
                            name: s.name,
                            rates: s.rates,
                          })),
                        }}
                      />
                    )
                    : <p class="muted">{t("loop.detail.timelineEmpty")}</p>}
                </section>
              </>
            )
            : <p class="muted" data-testid="draft-note">{t("loop.detail.draftNote")}</p>}
          <Settings c={c} e={e} segment={campaign?.segment ?? null} />
        </div>
      </>
    ),
  });
}

app.get("/experiments/:key", async (c) => {
  try {
    return await detailPage(c, await experimentOf(c));
  } catch (error) {
    if (!(error instanceof AppError && error.code === "BANK_REQUIRED")) throw error;
    const key = c.req.param("key");
    return chooseBankPage(c, key, await banksWithKey(c.var.db, c.var.scope, key));
  }
});

/** A refused loop action shows the page again with the reason (409), not an error page. */
async function orPage(c: Context<AppEnv>, e: Experiment, action: () => Promise<Response>) {
  try {
    return await action();
  } catch (error) {
    if (error instanceof AppError && error.status === 409) {
      return detailPage(c, e, messageIn(error, c.var.t));
    }
    throw error;
  }
}

app.post("/experiments/:key/promote", async (c) => {
  const e = await experimentOf(c);
  requireManager(c);
  const form = await c.req.parseBody();
  const winner = typeof form.winner === "string" && form.winner ? form.winner : undefined;
  const abConfirm = form.confirm === "on";
  if (winner !== undefined && !e.variants.some((v) => v.name === winner)) {
    throw badRequest("UNKNOWN_VARIANT", `No variant "${winner}" in "${e.key}"`);
  }
  if (!isConfirmed(form) && e.status !== "draft") {
    return confirmPage(c, e, "promote", { winner, abConfirm });
  }
  return orPage(c, e, async () => {
    const { next } = await promote(c, e, { winner, confirm: abConfirm });
    return c.redirect(experimentHref(next), 303);
  });
});

app.post("/experiments/:key/reweight", async (c) => {
  const e = await experimentOf(c);
  return orPage(c, e, async () => {
    await reweightNow(c, e);
    return c.redirect(experimentHref(e), 303);
  });
});

async function editPage(c: Context<AppEnv>, e: Experiment, fields: Fields, error?: string) {
  const { t, db } = c.var;
  return renderPage(c, {
    title: e.name,
    status: error ? 400 : 200,
    body: (
      <>
        <h1>
          {e.name} <code>{e.key}</code>
        </h1>
        <ExperimentForm
          t={t}
          locale={c.var.locale}
          fields={fields}
          campaigns={(await listCampaigns(db, c.var.scope)).filter((x) => x.bankId === e.bankId)}
          library={await formLibrary(db, e.bankId)}
          layers={await listLayers(db, e.bankId)}
          bankId={e.bankId}
          legacyGuardrails={e.guardrails.map((g) => g.name)}
          action={experimentHref(e, "/edit")}
          isNew={false}
          isAdmin={c.var.user?.role === "admin"}
          error={error}
          extra={
            <ScheduleFields
              t={t}
              fields={fields}
              timeZone={await bankTimeZone(db, e.bankId)}
            />
          }
        />
      </>
    ),
  });
}

app.get("/experiments/:key/edit", async (c) => {
  const e = await experimentOf(c);
  if (!canManage(c) || e.status !== "draft") return c.redirect(experimentHref(e), 303);
  return editPage(c, e, { ...fieldsOf(e, e.metrics), ...await scheduleFieldsOf(c, e) });
});

app.post("/experiments/:key/edit", async (c) => {
  const e = await experimentOf(c);
  const fields = (await c.req.parseBody({ all: true })) as Fields;
  try {
    await withFormSchedule(
      c,
      fields,
      { bankId: e.bankId, existing: e },
      () => {
        const patch = parseWith(experimentPatchSchema, bodyOf(fields, false));
        return editDraft(c.var.db, asManager(c), { experiment: e, patch, now: c.var.now() });
      },
    );
    return c.redirect(experimentHref(e), 303);
  } catch (error) {
    return editPage(c, e, fields, formError(error, c.var.t));
  }
});

/** Start acts at once; stop and decide, which cannot be undone, ask first (`confirmPage`). */
for (const move of ["start", "stop", "decide"] as const) {
  app.post(`/experiments/:key/${move}`, async (c) => {
    const e = await experimentOf(c);
    requireManager(c);
    const form = await c.req.parseBody();
    const winner = typeof form.winner === "string" ? form.winner : undefined;
    if (move === "decide" && !e.variants.some((v) => v.name === winner)) {
      throw badRequest("UNKNOWN_VARIANT", `No variant "${winner}" in "${e.key}"`);
    }
    if (move !== "start" && !isConfirmed(form) && e.status === TRANSITIONS[move].from) {
      return confirmPage(c, e, move, { winner });
    }
    return orPage(c, e, async () => {
      await moveExperiment(c.var.db, asManager(c), {
        experiment: e,
        move,
        winner,
        now: c.var.now(),
      });
      return c.redirect(experimentHref(e), 303);
    });
  });
}

export default app;
