import { useRef } from "preact/hooks";
import type { Locale } from "../lib/i18n/mod.ts";
import { LEGEND_BELOW, PALETTE, translucent, useChart } from "./_chart.ts";
import { ChartTable } from "./_chart_table.tsx";

export interface RadarSeries {
  /** "bank" is drawn filled; "median" and "q3" as outlines. */
  kind: "bank" | "median" | "q3" | "other";
  label: string;
  data: (number | null)[];
}

export interface LensRadarProps {
  [key: string]: unknown;
  locale: Locale;
  title: string;
  testid: string;
  labels: string[];
  series: RadarSeries[];
}

const COLOURS: Record<RadarSeries["kind"], { line: string; fill: string; dash: number[] }> = {
  bank: { line: PALETTE.blue, fill: translucent(PALETTE.blue, 0.18), dash: [] },
  median: { line: PALETTE.grey, fill: "transparent", dash: [6, 4] },
  q3: { line: PALETTE.orange, fill: "transparent", dash: [2, 3] },
  other: { line: PALETTE.green, fill: translucent(PALETTE.green, 0.12), dash: [] },
};

/** A 0–100 radar of a bank against its peers (Chart.js); a table stays for screen readers. */
export default function LensRadar({ locale, title, testid, labels, series }: LensRadarProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useChart(canvas, () => ({
    type: "radar",
    data: {
      labels,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.data,
        borderColor: COLOURS[s.kind].line,
        backgroundColor: COLOURS[s.kind].fill,
        borderDash: COLOURS[s.kind].dash,
        fill: s.kind === "bank" || s.kind === "other",
        pointRadius: 2,
        spanGaps: true,
      })),
    },
    options: {
      locale,
      scales: { r: { min: 0, max: 100, ticks: { stepSize: 20, backdropColor: "transparent" } } },
      plugins: { legend: LEGEND_BELOW },
    },
  }), []);
  return (
    <figure class="radar" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={title}></canvas>
      </div>
      <ChartTable locale={locale} title={title} labels={labels} series={series} />
    </figure>
  );
}
