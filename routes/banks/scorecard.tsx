import { Hono } from "hono";
import { Island } from "../../components/Island.tsx";
import { IndicatorTable } from "../../components/lens/IndicatorTable.tsx";
import { InvalidValues } from "../../components/lens/InvalidValues.tsx";
import { Magnifier, Telescope } from "../../components/lens/Insights.tsx";
import { OverallCard } from "../../components/lens/OverallCard.tsx";
import { PlanSection } from "../../components/lens/Roadmap.tsx";
import { ScenarioColumn } from "../../components/lens/ScenarioColumn.tsx";
import { scenarioById } from "../../lib/lens/scenarios.ts";
import { radarProps } from "../../components/lens/radar.ts";
import { trendProps } from "../../components/lens/trend.ts";
import { TrendTable } from "../../components/lens/TrendTable.tsx";
import { renderPage } from "../../components/render.tsx";
import LensRadar from "../../islands/LensRadar.tsx";
import TrendChart from "../../islands/TrendChart.tsx";
import WhatIf from "../../islands/WhatIf.tsx";
import { MODEL } from "../../lib/lens/model.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requestedScorecard } from "./_data.ts";
import { loadClusters, loadPlan } from "./_plan.ts";
import { Clusters } from "../../components/lens/Clusters.tsx";
import { groupName } from "../../components/lens/names.ts";
import { ConfidenceCard } from "../../components/lens/Confidence.tsx";
import { confidenceShares } from "../../lib/lens/evidence.ts";

const app = new Hono<AppEnv>();

/** The scorecard of one bank: the executive's board page. Other banks' → 404. */
app.get("/banks/:id", async (c) => {
  const { t, locale } = c.var;
  const card = await requestedScorecard(c);
  const plan = await loadPlan(c, card);
  const clusters = await loadClusters(c, card);
  const { bank } = card;
  const { score, current, benchmarks } = card;
  const bankName = locale === "zh-CN" ? bank.nameZh : bank.nameEn;
  const title = `${bankName} · ${t("lens.scorecard")}`;
  const firstWeak = score?.entryPoints[0]?.weakestIndicators[0]?.id ?? "app_mau_penetration";
  return renderPage(c, {
    title,
    body: (
      <div class="scorecard">
        <header class="page-head">
          <h1>{title}</h1>
          {current && (
            <form method="get" class="inline period-pick">
              <label>
                {t("lens.period")}{" "}
                <select name="period">
                  {card.assessments.map((a) => (
                    <option value={a.period} selected={a.period === current.period}>
                      {a.period} · {t(`lens.status.${a.status}`)}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <button type="submit">{t("lens.periodPick")}</button>
            </form>
          )}
          <p class="page-links">
            <a href={`/banks/${bank.id}/assessments`}>{t("lens.assessments")}</a>
            {" · "}
            <a href={`/peers?group=${bank.peerGroup}&bank=${bank.id}`}>{t("lens.peers")}</a>
            {current && (
              <>
                {" · "}
                <a
                  href={`/banks/${bank.id}/report?period=${current.period}`}
                  data-testid="report-link"
                >
                  {t("report.open")}
                </a>
              </>
            )}
          </p>
        </header>
        {!score || !current ? <p class="muted">{t("lens.noAssessment")}</p> : (
          <>
            {current.status === "draft" && <p class="notice">{t("lens.draftNote")}</p>}
            <InvalidValues
              score={score}
              editHref={`/banks/${bank.id}/assessments/${current.period}`}
              {...{ locale, t }}
            />
            <div class="grid top-grid">
              <OverallCard
                score={score}
                overall={benchmarks.get("overall:overall")}
                {...{ locale, t }}
              />
              <Island
                component={LensRadar}
                props={radarProps("dimension", score, benchmarks, { locale, t, bankName })}
              />
            </div>
            <ConfidenceCard
              shares={confidenceShares(score, current.valueEvidence)}
              {...{ locale, t }}
            />
            <Island
              component={LensRadar}
              props={radarProps("capability", score, benchmarks, { locale, t, bankName })}
            />
            <ScenarioColumn
              score={score}
              scenario={scenarioById(c.req.query("scenario") ?? "")}
              period={current.period}
              {...{ locale, t }}
            />
            <div class="grid">
              <Magnifier score={score} locale={locale} t={t} />
              <Telescope score={score} locale={locale} t={t} />
            </div>
            <Clusters view={clusters} groupLabel={groupName(locale, t, clusters.group)} t={t} />
            <PlanSection view={plan} locale={locale} t={t} />
            <Island component={TrendChart} props={trendProps(card.trend, { locale, t })} />
            <TrendTable trend={card.trend} bankId={bank.id} locale={locale} t={t} />
            <IndicatorTable {...{ score, benchmarks, locale, t }} measured={card.measured} />
            <Island
              component={WhatIf}
              props={{
                locale,
                values: current.values,
                notApplicable: current.notApplicable,
                initialId: firstWeak,
              }}
            />
            <p class="muted small">
              {t("lens.basis")} {t("lens.privacy", { k: MODEL.peer_statistics.k_min })}
            </p>
          </>
        )}
      </div>
    ),
  });
});

export default app;
