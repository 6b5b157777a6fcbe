import type { HoldoutMetric } from "../../lib/governance/holdout_report.ts";
import {
  formatDate,
  formatNumber,
  formatPercent,
  formatPValue,
  type Locale,
  type Translate,
} from "../../lib/i18n/mod.ts";

/** What the report component shows (routes/holdout/_report.ts `HoldoutReport`). */
export interface HoldoutReportView {
  holdout: { percent: number; startedAt: string };
  window: { from: string; to: string };
  population: { total: number; holdout: number; rest: number } | null;
  alpha: number;
  metrics: HoldoutMetric[];
}

/** A metric's value in its unit: proportions in percent, means and ratios as numbers. */
function value(m: HoldoutMetric, locale: Locale, v: number | null) {
  return m.kind === "proportion"
    ? formatPercent(locale, v, 2)
    : formatNumber(locale, v, { maximumFractionDigits: 3 });
}

function interval(ci: [number, number] | null, show: (v: number) => string) {
  return ci ? ` [${show(ci[0])}, ${show(ci[1])}]` : "";
}

/** The holdout against the rest on each metric, with intervals (the `/holdout` page). */
export function HoldoutReport(
  { report, t, locale }: { report: HoldoutReportView; t: Translate; locale: Locale },
) {
  const p = report.population;
  const days = Math.floor(
    (Date.parse(report.window.to) - Date.parse(report.window.from)) / 86_400_000,
  );
  return (
    <section class="card" data-testid="holdout-report">
      <p data-testid="holdout-since">
        {t("holdout.since", {
          at: formatDate(locale, report.holdout.startedAt, true),
          days,
          percent: formatNumber(locale, report.holdout.percent, { maximumFractionDigits: 2 }),
        })}
      </p>
      {p && (
        <p data-testid="holdout-population">
          {t("holdout.population", {
            total: formatNumber(locale, p.total),
            holdout: formatNumber(locale, p.holdout),
            rest: formatNumber(locale, p.rest),
            share: formatPercent(locale, p.total ? p.holdout / p.total : null, 2),
          })}
        </p>
      )}
      <p class="muted small">
        {t("holdout.window", { end: formatDate(locale, report.window.to, true) })}
      </p>
      <div class="table-scroll">
        <table class="data" data-testid="holdout-metrics">
          <thead>
            <tr>
              <th scope="col">{t("holdout.col.metric")}</th>
              <th scope="col" class="num">{t("holdout.col.holdout")}</th>
              <th scope="col" class="num">{t("holdout.col.rest")}</th>
              <th scope="col" class="num">{t("holdout.col.difference")}</th>
              <th scope="col" class="num">{t("holdout.col.lift")}</th>
              <th scope="col" class="num">{t("holdout.col.p")}</th>
            </tr>
          </thead>
          <tbody>
            {report.metrics.map((m) => {
              const c = m.comparison;
              const diff = (v: number) =>
                m.kind === "proportion"
                  ? formatPercent(locale, v, 2)
                  : formatNumber(locale, v, { maximumFractionDigits: 3 });
              const pct = (v: number) => formatPercent(locale, v, 1);
              return (
                <tr data-testid="holdout-metric" data-key={m.key}>
                  <th scope="row">
                    {m.name[locale]} <code class="small">{m.key}</code>
                  </th>
                  <td class="num">
                    {value(m, locale, m.variants[0]?.mean ?? null)}
                    <br />
                    <span class="muted small">
                      n = {formatNumber(locale, m.variants[0]?.units)}
                    </span>
                  </td>
                  <td class="num">
                    {value(m, locale, m.variants[1]?.mean ?? null)}
                    <br />
                    <span class="muted small">
                      n = {formatNumber(locale, m.variants[1]?.units)}
                    </span>
                  </td>
                  <td class="num" data-testid="difference">
                    {c && c.absoluteLift !== null ? diff(c.absoluteLift) : "—"}
                    <span class="muted small">{interval(c?.ci ?? null, diff)}</span>
                  </td>
                  <td class="num" data-testid="lift">
                    {c && c.relativeLift !== null ? pct(c.relativeLift) : "—"}
                    <span class="muted small">{interval(c?.relativeCi ?? null, pct)}</span>
                  </td>
                  <td class="num">
                    {formatPValue(locale, c?.pValue)}
                    {c && c.pValue !== null && c.pValue !== undefined && (
                      <>
                        <br />
                        <span class={c.significant ? "badge" : "muted small"}>
                          {t(c.significant ? "holdout.significant" : "holdout.notSignificant")}
                        </span>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="muted small" data-testid="holdout-ci-note">
        {t("holdout.ciNote", { level: formatPercent(locale, 1 - report.alpha, 0) })}
      </p>
    </section>
  );
}
