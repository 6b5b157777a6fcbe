import {
  formatPercent,
  formatPStatement,
  formatPValue,
  type Locale,
  translator,
} from "../../lib/i18n/mod.ts";
import type { ProportionsAnalysis } from "../../lib/stats/analysis.ts";
import { LiftIntervals } from "./LiftIntervals.tsx";
import { levelText, liftOf, verdict } from "./significance.ts";

/** The read-out of the significance calculator: SRM banner, verdicts, interval plot, table. */
export function SignificanceResults(
  { analysis, locale }: { analysis: ProportionsAnalysis; locale: Locale },
) {
  const t = translator(locale);
  const level = formatPercent(locale, 1 - analysis.alpha, 0);
  const rows = analysis.comparisons.map((row) => ({
    row,
    figure: liftOf(row),
    ...verdict(row, analysis, { locale, t }),
  }));
  const holmLevels = [
    ...new Set(
      analysis.comparisons.filter((r) => r.ciLevel !== 1 - analysis.alpha)
        .map((r) => levelText(locale, r.ciLevel)),
    ),
  ];
  const interval = (ci: number[] | undefined, relative: boolean) =>
    ci ? ci.map((v) => formatPercent(locale, v, relative ? 1 : 2)).join(" ～ ") : "—";
  return (
    <div class="results" aria-live="polite">
      {analysis.srm.mismatch && (
        <p class="tool-banner tool-banner-bad" role="alert" data-testid="srm-warning">
          {t("tools.sig.srm", { p: formatPStatement(locale, analysis.srm.pValue) })}
        </p>
      )}
      <ul class="verdicts" data-testid="verdicts">
        {rows.map((r) => (
          <li key={r.row.variant} class={`verdict verdict-${r.tone}`} data-tone={r.tone}>
            {r.text}
          </li>
        ))}
      </ul>
      <figure class="tool-chart">
        <figcaption>{t("tools.sig.chartTitle")}</figcaption>
        <LiftIntervals
          locale={locale}
          label={t("tools.sig.chartTitle")}
          rows={rows.flatMap((r) =>
            r.figure ? [{ name: r.row.variant, tone: r.tone, ...r.figure }] : []
          )}
        />
      </figure>
      <div class="table-scroll">
        <table class="data" data-testid="significance-table">
          <thead>
            <tr>
              <th scope="col">{t("tools.sig.arm")}</th>
              <th scope="col" class="num">{t("tools.sig.rate")}</th>
              <th scope="col" class="num">{t("tools.sig.lift")}</th>
              <th scope="col">
                {t(analysis.sequential ? "tools.sig.cs" : "tools.sig.ci", { level })}
              </th>
              <th scope="col" class="num">
                {t(analysis.sequential ? "tools.sig.avPValue" : "tools.sig.pValue")}
              </th>
              <th scope="col" class="num">{t("tools.sig.adjusted")}</th>
              <th scope="col" class="num">{t("tools.sig.chance")}</th>
              <th scope="col" class="num" title={t("tools.sig.lossHint")}>{t("tools.sig.loss")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ row, figure }) => (
              <tr data-variant={row.variant}>
                <th scope="row">{row.variant}</th>
                <td class="num">{formatPercent(locale, row.rate, 2)}</td>
                <td class="num">
                  {figure ? formatPercent(locale, figure.lift, figure.relative ? 1 : 2) : "—"}
                </td>
                <td>
                  {interval(figure?.ci, figure?.relative ?? true)}
                  {row.ciLevel !== 1 - analysis.alpha && (
                    <span class="muted small">{` (${levelText(locale, row.ciLevel)})`}</span>
                  )}
                </td>
                <td class="num">{formatPValue(locale, row.pValue)}</td>
                <td class="num">{formatPValue(locale, row.adjustedPValue)}</td>
                <td class="num">{formatPercent(locale, row.chanceToBeatControl, 1)}</td>
                <td class="num">{formatPercent(locale, row.expectedLoss, 3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {holmLevels.length > 0 && (
        <p class="muted small" data-testid="ci-levels">
          {t("stats.ciLevels", { levels: holmLevels.join(" / ") })}
        </p>
      )}
      <p class="muted small">{t("tools.sig.lossHint")}</p>
    </div>
  );
}
