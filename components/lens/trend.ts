/** Props of the `TrendChart` island: overall and dimension scores per assessment period. */
import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import { MODEL } from "../../lib/lens/model.ts";
import type { LensScore } from "../../lib/lens/scoring.ts";
import type { TrendChartProps } from "../../islands/TrendChart.tsx";
import { levelLabel, nameOf } from "./names.ts";

export function trendProps(
  trend: { period: string; score: LensScore }[],
  options: { locale: Locale; t: Translate; print?: boolean; testid?: string },
): TrendChartProps {
  const { locale, t } = options;
  return {
    locale,
    title: t("trend.chart"),
    note: t("trend.bands"),
    testid: options.testid ?? "trend-chart",
    periods: trend.map((row) => row.period),
    series: [
      { label: t("lens.overall"), data: trend.map((row) => row.score.overall.score) },
      ...MODEL.dimensions.map((d, k) => ({
        label: nameOf(locale, d),
        data: trend.map((row) => row.score.dimensions[k]?.score ?? null),
      })),
    ],
    levels: MODEL.levels.map((l) => levelLabel(t, l.level)),
    ...(options.print ? { print: true } : {}),
  };
}
