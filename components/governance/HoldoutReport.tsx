import { type Column, DataTable } from "../DataTable.tsx";
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

/** A group's mean, with its number of units under it. */
function GroupValue(
  { m, locale, index }: { m: HoldoutMetric; locale: Locale; index: number },
) {
  return (
    <>
      {value(m, locale, m.variants[index]?.mean ?? null)}
      <br />
      <span class="muted small">
        n = {formatNumber(locale, m.variants[index]?.units)}
      </span>
    </>
  );
}

/** The p-value, and whether it is significant. */
function PValue({ m, t, locale }: { m: HoldoutMetric; t: Translate; locale: Locale }) {
  const c = m.comparison;
  return (
    <>
      {formatPValue(locale, c?.pValue)}
      {c && c.pValue !== null && c.pValue !== undefined && (
        <>
          <br />
          <span class={c.significant ? "badge" : "muted small"}>
            {t(c.significant ? "holdout.significant" : "holdout.notSignificant")}
          </span>
        </>
      )}
    </>
  );
}

function metricColumns(t: Translate, locale: Locale): Column<HoldoutMetric>[] {
  const diff = (m: HoldoutMetric) => (v: number) =>
    m.kind === "proportion"
      ? formatPercent(locale, v, 2)
      : formatNumber(locale, v, { maximumFractionDigits: 3 });
  const pct = (v: number) => formatPercent(locale, v, 1);
  return [
    {
      header: t("holdout.col.metric"),
      rowHeader: true,
      cell: (m) => (
        <>
          {m.name[locale]} <code class="small">{m.key}</code>
        </>
      ),
    },
    {
      header: t("holdout.col.holdout"),
      numeric: true,
      cell: (m) => <GroupValue m={m} locale={locale} index={0} />,
    },
    {
      header: t("holdout.col.rest"),
      numeric: true,
      cell: (m) => <GroupValue m={m} locale={locale} index={1} />,
    },
    {
      header: t("holdout.col.difference"),
      numeric: true,
      cellProps: () => ({ "data-testid": "difference" }),
      cell: (m) => {
        const c = m.comparison;
        return (
          <>
            {c && c.absoluteLift !== null ? diff(m)(c.absoluteLift) : "—"}
            <span class="muted small">{interval(c?.ci ?? null, diff(m))}</span>
          </>
        );
      },
    },
    {
      header: t("holdout.col.lift"),
      numeric: true,
      cellProps: () => ({ "data-testid": "lift" }),
      cell: (m) => {
        const c = m.comparison;
        return (
          <>
            {c && c.relativeLift !== null ? pct(c.relativeLift) : "—"}
            <span class="muted small">{interval(c?.relativeCi ?? null, pct)}</span>
          </>
        );
      },
    },
    {
      header: t("holdout.col.p"),
      numeric: true,
      cell: (m) => <PValue m={m} t={t} locale={locale} />,
    },
  ];
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
        <DataTable
          testid="holdout-metrics"
          columns={metricColumns(t, locale)}
          rows={report.metrics}
          rowProps={(m) => ({ "data-testid": "holdout-metric", "data-key": m.key })}
        />
      </div>
      <p class="muted small" data-testid="holdout-ci-note">
        {t("holdout.ciNote", { level: formatPercent(locale, 1 - report.alpha, 0) })}
      </p>
    </section>
  );
}
