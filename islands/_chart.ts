/**
 * Chart.js for the islands, one helper and one palette: the line, bar and radar controllers
 * with their elements and scales are registered here, `useChart` draws after hydration (and
 * marks the canvas `data-drawn`), and every island takes its colours from `PALETTE`. Chart.js
 * sizes its canvas through the CSSOM, which the CSP allows (it forbids `style=` attributes only).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartType,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  RadarController,
  RadialLinearScale,
  Tooltip,
} from "chart.js";
import type { Translate } from "../lib/i18n/mod.ts";
import type { RefObject } from "preact";
import { type Inputs, useEffect } from "preact/hooks";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  BarController,
  BarElement,
  RadarController,
  RadialLinearScale,
  Filler,
  Legend,
  Tooltip,
);

/** The islands' colours (the app's blue first, as in static/app.css). */
export const PALETTE = {
  blue: "#0f5c8c",
  orange: "#e07a1f",
  green: "#1f7a4d",
  violet: "#8a4fbf",
  red: "#b3261e",
  ink: "#1d2733",
  grey: "#6b7280",
  /** Text drawn on the canvas itself (band names). */
  label: "#4b5563",
  /** Background bands, alternating. */
  bandLight: "#f3f4f6",
  bandDark: "#e5e7eb",
} as const;

/** Series colours in order. */
export const CHART_COLORS = [
  PALETTE.blue,
  PALETTE.orange,
  PALETTE.green,
  PALETTE.violet,
  PALETTE.red,
];

/** The `i`-th series' colour, the list repeating. */
export function seriesColour(i: number): string {
  return CHART_COLORS[i % CHART_COLORS.length];
}

/** The legend under the chart (the radar, quartile and trend charts). */
export const LEGEND_BELOW = { position: "bottom" } as const;

/** An axis tick of a share (0–1) in whole percent. */
export const percentTick = (v: string | number): string => `${Math.round(Number(v) * 100)}%`;

/** A palette colour at `alpha` (0–1), for fills. */
export function translucent(colour: string, alpha: number): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * Draws a chart on the canvas after hydration (no animation, the box's size) and redraws it
 * when `deps` change; `config` returning null draws nothing. The canvas gets `data-drawn`.
 */
export function useChart<T extends ChartType>(
  canvas: RefObject<HTMLCanvasElement>,
  config: () => ChartConfiguration<T> | null,
  deps: Inputs,
): void {
  useEffect(() => {
    const built = config();
    if (!canvas.current || !built) return;
    Chart.getChart(canvas.current)?.destroy();
    const chart = new Chart(canvas.current, {
      ...built,
      options: { animation: false, maintainAspectRatio: false, ...built.options },
    } as ChartConfiguration<T>);
    canvas.current.dataset.drawn = "true";
    return () => chart.destroy();
  }, deps);
}

/** `useChart` for the line charts. */
export function useLineChart(
  canvas: RefObject<HTMLCanvasElement>,
  config: () => LineConfig | null,
  deps: Inputs,
): void {
  useChart(canvas, config, deps);
}

type LineConfig = ChartConfiguration<"line", { x: number; y: number }[]>;

/** The planner's chart: power against users per arm, and the target power as a dashed line. */
export function powerChart(
  curve: { n: number; power: number }[],
  target: number,
  t: Translate,
): LineConfig {
  const ends = [curve[0], curve[curve.length - 1]];
  return {
    type: "line",
    data: {
      datasets: [
        {
          label: t("tools.plan.chartPower"),
          data: curve.map((p) => ({ x: p.n, y: p.power })),
          borderColor: CHART_COLORS[0],
          pointRadius: 0,
        },
        {
          label: t("tools.plan.chartTarget"),
          data: ends.map((p) => ({ x: p.n, y: target })),
          borderColor: CHART_COLORS[1],
          borderDash: [6, 4],
          pointRadius: 0,
        },
      ],
    },
    options: {
      scales: {
        x: {
          type: "linear",
          max: ends[1].n,
          title: { display: true, text: t("tools.plan.chartX") },
        },
        y: { min: 0, max: 1, ticks: { callback: percentTick } },
      },
    },
  };
}

/** The simulator's chart: mean cumulative regret against users allocated, one line per policy. */
export function regretChart(
  lines: { label: string; curve: { t: number; regret: number }[] }[],
  t: Translate,
): LineConfig {
  return {
    type: "line",
    data: {
      datasets: lines.map((line, i) => ({
        label: line.label,
        data: line.curve.map((p) => ({ x: p.t, y: p.regret })),
        borderColor: seriesColour(i),
        pointRadius: 0,
      })),
    },
    options: {
      scales: {
        x: { type: "linear", title: { display: true, text: t("tools.bandit.regretX") } },
        y: { min: 0, title: { display: true, text: t("tools.bandit.regretY") } },
      },
    },
  };
}
