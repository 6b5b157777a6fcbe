import { useRef } from "preact/hooks";
import { type Locale, translator } from "../lib/i18n/mod.ts";
import { seriesColour, useLineChart } from "./_chart.ts";

export interface ExperimentTimelineProps {
  [key: string]: unknown;
  locale: Locale;
  /** `YYYY-MM-DD` days with data, ascending. */
  days: string[];
  /** Cumulative conversion rate per arm on each day (null before the arm's first user). */
  series: { name: string; rates: (number | null)[] }[];
}

/** The results page's cumulative daily chart: one line per arm, x = day of the experiment. */
export default function ExperimentTimeline({ locale, days, series }: ExperimentTimelineProps) {
  const t = translator(locale);
  const canvas = useRef<HTMLCanvasElement>(null);
  useLineChart(canvas, () => ({
    type: "line",
    data: {
      datasets: series.map((s, i) => ({
        label: s.name,
        data: s.rates.flatMap((y, day) => (y === null ? [] : [{ x: day + 1, y }])),
        borderColor: seriesColour(i),
        pointRadius: days.length > 30 ? 0 : 3,
      })),
    },
    options: {
      scales: {
        x: {
          type: "linear",
          min: 1,
          max: Math.max(2, days.length),
          ticks: { stepSize: 1, callback: (v) => days[Number(v) - 1] ?? "" },
          title: { display: true, text: t("loop.detail.timelineX") },
        },
        y: {
          min: 0,
          ticks: { callback: (v) => `${(Number(v) * 100).toFixed(1)}%` },
          title: { display: true, text: t("loop.detail.timelineY") },
        },
      },
    },
  }), [days, series]);
  return (
    <figure class="tool-chart" data-testid="timeline">
      <figcaption>{t("loop.detail.timeline")}</figcaption>
      <div class="tool-chart-box">
        <canvas ref={canvas} role="img" aria-label={t("loop.detail.timeline")} />
      </div>
    </figure>
  );
}
