import { useEffect, useRef } from "preact/hooks";
import { Chart, type Plugin } from "chart.js";
import { CHART_COLORS } from "./_chart.ts";
import { formatNumber, type Locale } from "../lib/i18n/mod.ts";

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

const SHADES = ["#f3f4f6", "#e5e7eb", "#f3f4f6", "#e5e7eb", "#f3f4f6"];
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
        ctx.fillStyle = SHADES[k];
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        ctx.fillStyle = "#4b5563";
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
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: "line",
      data: {
        labels: periods,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.data,
          borderColor: i === 0 ? "#111827" : CHART_COLORS[(i - 1) % CHART_COLORS.length],
          backgroundColor: i === 0 ? "#111827" : CHART_COLORS[(i - 1) % CHART_COLORS.length],
          borderWidth: i === 0 ? 3 : 2,
          borderDash: DASHES[i % DASHES.length],
          pointStyle: POINTS[i % POINTS.length],
          pointRadius: i === 0 ? 5 : 4,
          spanGaps: true,
        })),
      },
      plugins: [levelBands(levels)],
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: !print,
        devicePixelRatio: print ? 3 : undefined,
        locale,
        scales: {
          x: { type: "category", offset: true, grid: { display: false } },
          y: { min: 0, max: 100, ticks: { stepSize: 20 } },
        },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
      },
    });
    canvas.current.dataset.drawn = "true";
    return () => chart.destroy();
  }, []);
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
      <details class="chart-table">
        <summary>{title}</summary>
        <table class="data small">
          <thead>
            <tr>
              <th scope="col"></th>
              {series.map((s, i) => <th key={i} scope="col" class="num">{s.label}</th>)}
            </tr>
          </thead>
          <tbody>
            {periods.map((period, k) => (
              <tr>
                <th scope="row">{period}</th>
                {series.map((s, i) => <td key={i} class="num">{formatNumber(locale, s.data[k])}
                </td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
