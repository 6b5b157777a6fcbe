import { useRef } from "preact/hooks";
import { formatDate, type Locale, translator } from "../lib/i18n/mod.ts";
import { percentTick, seriesColour, translucent, useLineChart } from "./_chart.ts";

export interface AllocationChartProps {
  [key: string]: unknown;
  locale: Locale;
  arms: string[];
  /**
   * The weights in force from each moment on (ms since the epoch, ascending): the start with
   * the configured weights, then every stored reweighting, then "now" repeating the last.
   */
  steps: { at: number; weights: number[] }[];
}

/** A bandit's traffic shares over time, stacked to 100 %: one band per arm. */
export default function AllocationChart({ locale, arms, steps }: AllocationChartProps) {
  const t = translator(locale);
  const canvas = useRef<HTMLCanvasElement>(null);
  useLineChart(canvas, () => ({
    type: "line",
    data: {
      datasets: arms.map((name, i) => ({
        label: name,
        data: steps.map((s) => ({ x: s.at, y: s.weights[i] })),
        stepped: "before",
        fill: i === 0 ? "origin" : "-1",
        borderColor: seriesColour(i),
        backgroundColor: translucent(seriesColour(i), 0.6),
        pointRadius: 0,
      })),
    },
    options: {
      interaction: { mode: "nearest", axis: "x", intersect: false },
      scales: {
        x: {
          type: "linear",
          min: steps[0]?.at,
          max: steps.at(-1)?.at,
          ticks: {
            maxTicksLimit: 6,
            callback: (v) => formatDate(locale, new Date(Number(v)), true),
          },
          title: { display: true, text: t("bandit.chart.x") },
        },
        y: {
          stacked: true,
          min: 0,
          max: 1,
          ticks: { callback: percentTick },
          title: { display: true, text: t("bandit.chart.y") },
        },
      },
    },
  }), [arms, steps]);
  return (
    <figure class="tool-chart" data-testid="allocation-chart">
      <figcaption>{t("bandit.chart.title")}</figcaption>
      <div class="tool-chart-box">
        <canvas ref={canvas} role="img" aria-label={t("bandit.chart.title")} />
      </div>
    </figure>
  );
}
