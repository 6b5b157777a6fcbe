import { useRef } from "preact/hooks";
import type { Plugin } from "chart.js";
import { LEGEND_BELOW, PALETTE, seriesColour, useChart } from "./_chart.ts";
import { ChartTable } from "./_chart_table.tsx";
import type { Locale } from "../lib/i18n/mod.ts";

export interface TrendChartProps {
  [key: string]: unknown;
  locale: Locale;
  title: string;
  /** Says that the shaded bands are the levels (under the chart, for readers without colour). */
  note: string;
  testid: string;
  periods: string[];
  /** The first is the overall score (drawn heavier), then one per dimension. */
  series: { label: string; data: (number | null)[] }[];
  /** Level names, L1 first: bands 0–20, 20–40, … 80–100. */
  levels: string[];
  /** Printed report: a fixed box and a sharper bitmap. */
  print?: boolean;
}

const SHADES = [PALETTE.bandLight, PALETTE.bandDark];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];
const POINTS = ["circle", "rect", "triangle", "rectRot"] as const;

/** Grey level bands 0–20 … 80–100 behind the lines, each named at its left edge. */
function levelBands(levels: string[]): Plugin<"line"> {
  return {
    id: "levelBands",
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales } = chart;
      const y = scales.y;
      ctx.save();
      levels.forEach((name, k) => {
        const top = y.getPixelForValue((k + 1) * 20);
        const bottom = y.getPixelForValue(k * 20);
        ctx.fillStyle = SHADES[k % SHADES.length];
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        ctx.fillStyle = PALETTE.label;
        ctx.font = "11px system-ui, 'Noto Sans CJK SC', sans-serif";
        ctx.textBaseline = "top";
        ctx.fillText(name, area.left + 4, top + 3);
      });
      ctx.restore();
    },
  };
}

/** Overall and dimension scores per period over the five level bands (Chart.js). */
export default function TrendChart(props: TrendChartProps) {
  const { locale, title, note, testid, periods, series, levels, print } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  useChart(canvas, () => ({
    type: "line",
    data: {
      labels: periods,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: i === 0 ? PALETTE.ink : seriesColour(i - 1),
        backgroundColor: i === 0 ? PALETTE.ink : seriesColour(i - 1),
        borderWidth: i === 0 ? 3 : 2,
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: i === 0 ? 5 : 4,
        spanGaps: true,
      })),
    },
    plugins: [levelBands(levels)],
    options: {
      responsive: !print,
      devicePixelRatio: print ? 3 : undefined,
      locale,
      scales: {
        x: { type: "category", offset: true, grid: { display: false } },
        y: { min: 0, max: 100, ticks: { stepSize: 20 } },
      },
      plugins: { legend: { ...LEGEND_BELOW, labels: { usePointStyle: true } } },
    },
  }), []);
  return (
    <figure class={print ? "trend-chart print-chart" : "trend-chart"} data-testid={testid}>
      <figcaption>{title}</figcaption>
      <div class="chart-box">
        <canvas
          ref={canvas}
          role="img"
          aria-label={title}
          width={print ? 720 : undefined}
          height={print ? 300 : undefined}
        >
        </canvas>
      </div>
      <p class="muted small">{note}</p>
      <ChartTable locale={locale} title={title} labels={periods} series={series} />
    </figure>
  );
}
