import { Hono } from "hono";
import { DataTable } from "../../components/DataTable.tsx";
import { Island } from "../../components/Island.tsx";
import { IndicatorTable } from "../../components/lens/IndicatorTable.tsx";
import { Magnifier, Telescope } from "../../components/lens/Insights.tsx";
import { groupName, levelLabel, nameOf } from "../../components/lens/names.ts";
import { PeerNote } from "../../components/lens/PeerNote.tsx";
import { radarProps } from "../../components/lens/radar.ts";
import { RadarSvg } from "../../components/lens/RadarSvg.tsx";
import { trendProps } from "../../components/lens/trend.ts";
import { TrendTable } from "../../components/lens/TrendTable.tsx";
import { renderPage } from "../../components/render.tsx";
import { ScoreBar } from "../../components/ScoreBar.tsx";
import PrintButton from "../../islands/PrintButton.tsx";
import TrendChart from "../../islands/TrendChart.tsx";
import { formatNumber, type Locale, type MessageKey, type Translate } from "../../lib/i18n/mod.ts";
import type { FigureBenchmark } from "../../lib/lens/benchmark.ts";
import { cappingIndicators } from "../../components/lens/OverallCard.tsx";
import { indicatorById, levelOf, MODEL } from "../../lib/lens/model.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { requestedScorecard } from "./_data.ts";
import { loadPlan } from "./_plan.ts";
import { PlanSection } from "../../components/lens/Roadmap.tsx";
import { confidenceParams } from "../../components/lens/Confidence.tsx";
import { confidenceShares } from "../../lib/lens/evidence.ts";

const app = new Hono<AppEnv>();

const levelOrNull = (score: number | null) => score === null ? null : levelOf(score);

interface Row {
  name: string;
  score: number | null;
  level: number | null;
  bench: FigureBenchmark | undefined;
  weight?: number;
  strong?: boolean;
}

/** Score, level and the gaps to the peer median and the leaders, one figure per row. */
function GapTable(
  { rows, locale, t, first, testid }: {
    rows: Row[];
    locale: Locale;
    t: Translate;
    first: string;
    testid: string;
  },
) {
  const n = (v: number | null | undefined) => formatNumber(locale, v);
  const signed = { maximumFractionDigits: 1, signDisplay: "exceptZero" } as const;
  const gap = (own: number | null, to: number | null | undefined) =>
    formatNumber(locale, own === null || to == null ? null : own - to, signed);
  const hasWeight = rows.some((r) => r.weight !== undefined);
  return (
    <DataTable
      class="report-table"
      testid={testid}
      columns={[
        {
          header: first,
          rowHeader: true,
          cell: (r) => (
            <>
              {r.name}
              <ScoreBar score={r.score} />
            </>
          ),
        },
        ...(hasWeight
          ? [{
            header: t("report.weight"),
            numeric: true,
            cell: (r: Row) =>
              r.weight === undefined ? "" : `${formatNumber(locale, r.weight * 100)}%`,
          }]
          : []),
        {
          header: t("lens.score"),
          numeric: true,
          cell: (r) => <strong>{r.score === null ? t("lens.insufficient") : n(r.score)}</strong>,
        },
        { header: t("lens.level"), cell: (r) => levelLabel(t, r.level) },
        { header: t("lens.peerMedian"), numeric: true, cell: (r) => n(r.bench?.summary.median) },
        {
          header: t("lens.gapMedian"),
          numeric: true,
          cell: (r) => gap(r.score, r.bench?.summary.median),
        },
        { header: t("lens.peerLeaders"), numeric: true, cell: (r) => n(r.bench?.summary.leaders) },
        {
          header: t("lens.gapQ3"),
          numeric: true,
          cell: (r) => gap(r.score, r.bench?.summary.leaders),
        },
        { header: t("lens.percentile"), numeric: true, cell: (r) => n(r.bench?.percentile) },
      ]}
      rows={rows}
      rowProps={(r) => ({ class: r.strong ? "total-row" : undefined })}
    />
  );
}

/**
 * The board report of one bank: the scorecard as a multi-page A4 document (cover, summary,
 * radars, capabilities, indicators, entry points, trend, method), printed from a Print button.
 * Same data and the same authorisation as the scorecard: other banks' → 404.
 */
app.get("/banks/:id/report", async (c) => {
  const { t, locale } = c.var;
  const card = await requestedScorecard(c);
  const plan = await loadPlan(c, card);
  const { bank } = card;
  const { score, current, benchmarks } = card;
  const bankName = locale === "zh-CN" ? bank.nameZh : bank.nameEn;
  const title = `${bankName} · ${t("report.title")}`;
  const overall = benchmarks.get("overall:overall");
  const confidence = score && current ? confidenceShares(score, current.valueEvidence) : null;
  const scorecardHref = `/banks/${bank.id}${current ? `?period=${current.period}` : ""}`;
  const sections: MessageKey[] = [
    "report.summary",
    "report.radars",
    "lens.telescope",
    ...(plan.plan ? ["plan.report" as const] : []),
    "lens.capabilities",
    "lens.indicators",
    "lens.trend",
    "report.method",
  ];
  const weights = MODEL.dimensions.map((d) =>
    `${nameOf(locale, d)} ${formatNumber(locale, d.weight * 100)}%`
  ).join(locale === "zh-CN" ? "、" : ", ");
  return renderPage(c, {
    title,
    body: (
      <article class="report" data-testid="report">
        <div class="report-actions">
          <a href={scorecardHref}>{t("report.back")}</a>
          <Island component={PrintButton} props={{ label: t("lens.print") }} />
          <span class="muted small">{t("report.printHelp")}</span>
        </div>
        <section class="report-page report-cover" data-testid="report-cover">
          <p class="report-kicker">{t("report.subtitle")}</p>
          <h1>{t("report.title")}</h1>
          <p class="report-bank">{bankName}</p>
          <dl class="facts">
            <dt>{t("lens.period")}</dt>
            <dd>
              {current ? `${current.period} · ${t(`lens.status.${current.status}`)}` : "—"}
            </dd>
            <dt>{t("lens.peerGroup")}</dt>
            <dd>{groupName(locale, t, bank.peerGroup)}</dd>
            <dt>{t("report.model")}</dt>
            <dd>{MODEL.model_id} {MODEL.version}</dd>
            {current && (
              <>
                <dt>{t("lens.updatedAt")}</dt>
                <dd>{current.updatedAt.toISOString().slice(0, 10)}</dd>
              </>
            )}
          </dl>
          {score && current && (
            <>
              <h2>{t("report.contents")}</h2>
              <ol class="report-contents">
                {sections.map((key) => <li key={key}>{t(key)}</li>)}
              </ol>
            </>
          )}
          <p class="muted small">{t("report.confidential")}</p>
        </section>
        {!score || !current ? <p class="muted">{t("lens.noAssessment")}</p> : (
          <>
            <section class="report-page" data-testid="report-summary">
              <h2>{t("report.summary")}</h2>
              {current.status === "draft" && <p class="notice">{t("lens.draftNote")}</p>}
              <div class="report-headline">
                <p class="big-number" data-testid="overall-score">
                  {formatNumber(locale, score.overall.score)}
                </p>
                <p>
                  {t("lens.level")}:{" "}
                  <strong data-testid="overall-level">
                    {levelLabel(t, score.overall.level)}
                  </strong>
                </p>
              </div>
              {score.overall.capped && (
                <p class="warning">
                  {t("lens.capped", {
                    names: cappingIndicators(score).map((id) => nameOf(locale, indicatorById(id)))
                      .join("、"),
                  })}
                </p>
              )}
              <GapTable
                testid="summary-table"
                first={t("report.figure")}
                locale={locale}
                t={t}
                rows={[
                  {
                    name: t("lens.overall"),
                    score: score.overall.score,
                    level: score.overall.level,
                    bench: overall,
                    strong: true,
                  },
                  ...MODEL.dimensions.map((d, k) => ({
                    name: nameOf(locale, d),
                    score: score.dimensions[k].score,
                    level: levelOrNull(score.dimensions[k].score),
                    bench: benchmarks.get(`dimension:${d.id}`),
                    weight: d.weight,
                  })),
                ]}
              />
              {overall && <PeerNote summary={overall.summary} locale={locale} t={t} />}
              <RadarSvg {...radarProps("dimension", score, benchmarks, { locale, t, bankName })} />
              <Magnifier score={score} locale={locale} t={t} />
            </section>
            <section class="report-page report-radars" data-testid="report-radars">
              <h2>{t("report.radars")}</h2>
              <RadarSvg {...radarProps("capability", score, benchmarks, { locale, t, bankName })} />
              <Telescope score={score} locale={locale} t={t} />
              <PlanSection view={plan} locale={locale} t={t} short />
            </section>
            <section class="report-page" data-testid="report-capabilities">
              <h2>{t("lens.capabilities")}</h2>
              {MODEL.dimensions.map((d, k) => (
                <div class="report-block">
                  <h3>{t("report.capabilitiesOf", { dimension: nameOf(locale, d) })}</h3>
                  <GapTable
                    testid={`capabilities-${d.id}`}
                    first={t("lens.capabilities")}
                    locale={locale}
                    t={t}
                    rows={d.capabilities.map((cap, j) => ({
                      name: nameOf(locale, cap),
                      score: score.dimensions[k].capabilities[j].score,
                      level: levelOrNull(score.dimensions[k].capabilities[j].score),
                      bench: benchmarks.get(`capability:${cap.id}`),
                      weight: cap.weight,
                    }))}
                  />
                </div>
              ))}
            </section>
            <section class="report-page report-indicators">
              <IndicatorTable {...{ score, benchmarks, locale, t }} measured={card.measured} />
            </section>
            <section class="report-page report-trend" data-testid="report-trend">
              <h2>{t("lens.trend")}</h2>
              <Island
                component={TrendChart}
                props={trendProps(card.trend, { locale, t, print: true })}
              />
              <TrendTable
                trend={card.trend}
                bankId={bank.id}
                locale={locale}
                t={t}
                heading={false}
              />
            </section>
            <section class="report-method" data-testid="report-method">
              <h2>{t("report.method")}</h2>
              <p>{t("report.methodScore", { weights })}</p>
              <p>{t("report.methodLevels")}</p>
              <p>{t("report.methodPeers")}</p>
              <p>{t("lens.privacy", { k: MODEL.peer_statistics.k_min })}</p>
              <p>{t("report.methodEntry")}</p>
              {confidence && (
                <p data-testid="report-confidence">
                  {t("evidence.methodConfidence", confidenceParams(locale, confidence))}
                </p>
              )}
              <p class="muted small">{t("lens.basis")}</p>
            </section>
          </>
        )}
      </article>
    ),
  });
});

export default app;
