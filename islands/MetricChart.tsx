import { useRef } from "preact/hooks";
import { formatNumber, formatPercent, type Locale, translator } from "../lib/i18n/mod.ts";
import { PALETTE, useLineChart } from "./_chart.ts";

export interface MetricChartRow {
  variant: string;
  estimate: number;
  lo: number;
  hi: number;
  /** better / worse: significant in the metric's good / bad direction. */
  tone: "better" | "worse" | "neutral";
}

export interface MetricChartProps {
  [key: string]: unknown;
  locale: Locale;
  /** The metric's name in the reader's language. */
  name: string;
  /** Relative lifts (fractions, shown as %) or absolute differences in the metric's unit. */
  relative: boolean;
  /** Absolute differences of a proportion are shares: shown as percent too. */
  percentUnit: boolean;
  rows: MetricChartRow[];
}

const TONE_COLOR = { better: PALETTE.green, worse: PALETTE.red, neutral: PALETTE.blue };
/** Shapes as well as colours, so the chart reads in black and white. */
const TONE_POINT = { better: "triangle", worse: "crossRot", neutral: "circle" } as const;

/**
 * One metric's lift over the control for each challenger: the estimate as a point and its
 * interval as a bar, with a dashed line at zero (the table beside it has the same numbers).
 */
export default function MetricChart(
  { locale, name, relative, percentUnit, rows }: MetricChartProps,
) {
  const t = translator(locale);
  const canvas = useRef<HTMLCanvasElement>(null);
  const show = (v: number) =>
    relative || percentUnit
      ? formatPercent(locale, v, 1)
      : formatNumber(locale, v, { maximumFractionDigits: 2 });
  const label = t(relative ? "metrics.results.chart" : "metrics.results.chartAbs", { name });
  useLineChart(canvas, () => {
    if (rows.length === 0) return null;
    const ends = rows.flatMap((r) => [r.lo, r.hi]).concat(0);
    const pad = (Math.max(...ends) - Math.min(...ends) || 0.1) * 0.1;
    return {
      type: "line",
      data: {
        datasets: [
          {
            label: "0",
            data: [{ x: 0, y: -0.6 }, { x: 0, y: rows.length - 0.4 }],
            borderColor: PALETTE.grey,
            borderDash: [5, 4],
            borderWidth: 1,
            pointRadius: 0,
          },
          ...rows.map((r, i) => ({
            label: r.variant,
            data: [{ x: r.lo, y: i }, { x: r.hi, y: i }],
            borderColor: TONE_COLOR[r.tone],
            borderWidth: 3,
            pointRadius: 0,
          })),
          ...rows.map((r, i) => ({
            label: r.variant,
            data: [{ x: r.estimate, y: i }],
            borderColor: TONE_COLOR[r.tone],
            backgroundColor: TONE_COLOR[r.tone],
            pointStyle: TONE_POINT[r.tone],
            pointRadius: 7,
            showLine: false,
          })),
        ],
      },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) =>
                `${rows[Number(item.parsed.y)]?.variant ?? ""}: ${show(Number(item.parsed.x))}`,
            },
          },
        },
        scales: {
          x: {
            type: "linear",
            min: Math.min(...ends) - pad,
            max: Math.max(...ends) + pad,
            ticks: { callback: (v) => show(Number(v)), maxTicksLimit: 6, includeBounds: false },
            title: {
              display: true,
              text: t(relative ? "metrics.results.chartX" : "metrics.results.chartXAbs"),
            },
          },
          y: {
            type: "linear",
            reverse: true,
            min: -0.6,
            max: rows.length - 0.4,
            afterBuildTicks: (axis) => {
              axis.ticks = rows.map((_, i) => ({ value: i }));
            },
            ticks: { callback: (v) => rows[Number(v)]?.variant ?? "" },
          },
        },
      },
    };
  }, [rows, relative, locale]);
  return (
    <figure class="metric-chart" data-testid="metric-chart">
      <figcaption class="small">{label}</figcaption>
      <div class={`metric-chart-box${rows.length > 2 ? " many" : ""}`}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={`${label}: ${
            rows.map((r) => `${r.variant} ${show(r.estimate)} (${show(r.lo)} ～ ${show(r.hi)})`)
              .join("; ")
          }`}
        />
      </div>
    </figure>
  );
}
