import { Hono } from "hono";
import { Island } from "../components/Island.tsx";
import { experimentHref } from "../components/experiments/links.ts";
import { latestAssessments } from "../db/assessments.ts";
import { getBank, listBanks } from "../db/banks.ts";
import { listExperiments } from "../db/experiments.ts";
import { formatNumber } from "../lib/i18n/mod.ts";
import { levelLabel } from "../components/lens/names.ts";
import { capabilityById, dimensionById } from "../lib/lens/model.ts";
import { invalidIndicators, scoreStoredAssessment } from "../lib/lens/scoring.ts";
import { NO_BANK, notFound } from "../lib/errors.ts";
import { bankScope, EVERY_BANK, inScope } from "../lib/scope.ts";
import DimensionExplorer from "../islands/DimensionExplorer.tsx";
import { renderPage } from "../components/render.tsx";
import type { AppEnv } from "../plugins/context.ts";
import { currentUser } from "../plugins/session.ts";

const app = new Hono<AppEnv>();

app.get("/", async (c) => {
  const { t, locale, db } = c.var;
  const user = currentUser(c);
  // The banks the user may pick: their own first, then the rest of their scope.
  const inReach = (await listBanks(db)).filter((b) => inScope(c.var.scope, b.id))
    .sort((a, b) => Number(b.id === user.bankId) - Number(a.id === user.bankId));
  const requested = c.req.query("bank");
  if (requested && !inReach.some((b) => b.id === requested)) {
    throw notFound("No such bank", NO_BANK);
  }
  const bankId = requested ?? inReach[0]?.id ?? "";
  const scope = bankScope(bankId);
  const [bank, own, experiments, all] = await Promise.all([
    getBank(db, scope, bankId),
    latestAssessments(db, scope),
    listExperiments(db, scope, { status: "running" }),
    latestAssessments(db, EVERY_BANK),
  ]);
  const assessment = own[0];
  const score = assessment
    ? scoreStoredAssessment({
      values: assessment.values,
      notApplicable: assessment.notApplicable,
    })
    : null;
  const name = (o: { name_zh: string; name_en: string } | undefined) =>
    o ? (locale === "zh-CN" ? o.name_zh : o.name_en) : "";
  const dimensions = score?.dimensions.map((d) => ({
    id: d.id,
    name: name(dimensionById(d.id)),
    score: d.score,
    capabilities: d.capabilities.map((cap) => ({
      id: cap.id,
      name: name(capabilityById(cap.id)),
      score: cap.score,
    })),
  })) ?? [];
  const level = score?.overall.level;
  return renderPage(c, {
    title: t("dashboard.title"),
    body: (
      <>
        <header class="page-head">
          <h1>{t("dashboard.title")}</h1>
          <p class="muted">{t("app.tagline")}</p>
          {inReach.length > 1 && (
            <form method="get" action="/" class="inline" data-testid="bank-picker">
              <label>
                {t("dashboard.pickBank")}{" "}
                <select name="bank">
                  {inReach.map((b) => (
                    <option key={b.id} value={b.id} selected={b.id === bankId}>
                      {b.id} {locale === "zh-CN" ? b.nameZh : b.nameEn}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">{t("dashboard.show")}</button>
            </form>
          )}
        </header>
        <div class="grid">
          <section class="card overall" data-testid="overall">
            <h2>
              {t("dashboard.bank")}: {bank ? (locale === "zh-CN" ? bank.nameZh : bank.nameEn) : "—"}
            </h2>
            {score
              ? (
                <>
                  <p class="big-number">{formatNumber(locale, score.overall.score)}</p>
                  <p>
                    {t("dashboard.level")}: {levelLabel(t, level ?? null)}
                  </p>
                  {score.overall.capped && <p class="warning">{t("dashboard.capped")}</p>}
                  {invalidIndicators(score).length > 0 && (
                    <p class="warning" data-testid="invalid-values">
                      <a href={`/banks/${assessment.bankId}?period=${assessment.period}`}>
                        {t("lens.invalidCount", { count: invalidIndicators(score).length })}
                      </a>
                    </p>
                  )}
                  <p class="muted">{t("dashboard.period")}: {assessment.period}</p>
                </>
              )
              : <p>{t("dashboard.noAssessment")}</p>}
          </section>
          <section class="card">
            <h2>{t("dashboard.experiments")}</h2>
            {experiments.length === 0
              ? <p class="muted">{t("dashboard.noExperiments")}</p>
              : (
                <ul class="plain">
                  {experiments.map((e) => (
                    <li>
                      {c.var.user?.role === "consultant"
                        ? e.name // a consultant may not open experiment pages (403)
                        : <a href={experimentHref(e)}>{e.name}</a>}{" "}
                      <span class="badge">{t(`loop.status.${e.status}`)}</span>
                      <div class="muted small">{e.variants.map((v) => v.name).join(" / ")}</div>
                    </li>
                  ))}
                </ul>
              )}
          </section>
          <section class="card">
            <h2>{t("dashboard.peerBanks")}</h2>
            <p>{t("dashboard.peerBanksCount", { count: all.length })}</p>
          </section>
        </div>
        {dimensions.length > 0 && (
          <Island component={DimensionExplorer} props={{ locale, dimensions }} />
        )}
      </>
    ),
  });
});

export default app;
