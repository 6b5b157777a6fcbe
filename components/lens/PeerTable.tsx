import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { type Column, DataTable } from "../DataTable.tsx";
import type { FigureBenchmark } from "../../lib/lens/benchmark.ts";
import { capabilityById, dimensionById, indicatorById } from "../../lib/lens/model.ts";
import { unitLabel } from "../../lib/i18n/unit_messages.ts";
import { groupName, nameOf } from "./names.ts";

interface Props {
  title: string;
  testid: string;
  figures: FigureBenchmark[];
  withBank: boolean;
  locale: Locale;
  t: Translate;
}

function figureName(locale: Locale, f: FigureBenchmark, t: Translate): string {
  if (f.kind === "overall") return t("lens.overall");
  if (f.kind === "dimension") return nameOf(locale, dimensionById(f.id));
  if (f.kind === "capability") return nameOf(locale, capabilityById(f.id));
  const indicator = indicatorById(f.id);
  const unit = indicator?.type === "metric" ? ` (${unitLabel(t, indicator.unit)})` : " (1–5)";
  return nameOf(locale, indicator) + unit;
}

/**
 * Quartiles (and deciles from 10 banks) of each figure, never a minimum or maximum, and the
 * leaders: the better quartile in the figure's direction (the lower one for latency or churn).
 */
export function PeerTable({ title, testid, figures, withBank, locale, t }: Props) {
  const n = (v: number | null | undefined) => formatNumber(locale, v, { maximumFractionDigits: 2 });
  const figure = (
    header: string,
    value: (f: FigureBenchmark) => number | null | undefined,
  ): Column<FigureBenchmark> => ({ header, numeric: true, cell: (f) => n(value(f)) });
  const columns: Column<FigureBenchmark>[] = [
    {
      header: "",
      rowHeader: true,
      cell: (f) => (
        <>
          {figureName(locale, f, t)}
          {f.direction === "lower_better" && (
            <div class="muted small" data-testid="lower-better">{t("lens.lowerBetter")}</div>
          )}
        </>
      ),
    },
    {
      header: t("lens.peerGroup"),
      cell: (f) => (
        <>
          {groupName(locale, t, f.summary.group)}
          {f.summary.reason === "FALLBACK" && <span class="badge muted">↩</span>}
        </>
      ),
    },
    {
      header: t("lens.peerN"),
      numeric: true,
      cell: (f) => f.summary.group === null ? "—" : f.summary.n,
    },
    figure(t("lens.peerP10"), (f) => f.summary.p10),
    figure(t("lens.peerQ1"), (f) => f.summary.q1),
    figure(t("lens.peerMedian"), (f) => f.summary.median),
    figure(t("lens.peerQ3"), (f) => f.summary.q3),
    figure(t("lens.peerP90"), (f) => f.summary.p90),
    {
      ...figure(t("lens.peerLeaders"), (f) => f.summary.leaders),
      cellProps: () => ({ "data-testid": "leaders" }),
    },
    ...(withBank
      ? [
        figure(t("lens.thisBank"), (f) => f.value),
        figure(t("lens.percentile"), (f) => f.percentile),
      ]
      : []),
  ];
  return (
    <section class="card" data-testid={testid}>
      <h2>{title}</h2>
      <DataTable
        columns={columns}
        rows={figures}
        rowKey={(f) => `${f.kind}:${f.id}`}
        rowProps={(f) => ({ "data-figure": f.id, "data-reason": f.summary.reason })}
      />
    </section>
  );
}
