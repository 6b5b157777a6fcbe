/**
 * Chart.js for the islands: only the line chart's controller, elements and scales are
 * registered. Chart.js sizes its canvas through the CSSOM, which the CSP allows (it forbids
 * `style=` attributes only).
 */
import {
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import type { Translate } from "../lib/i18n/mod.ts";
import type { RefObject } from "preact";
import { type Inputs, useEffect } from "preact/hooks";

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

export const CHART_COLORS = ["#0f5c8c", "#e07a1f", "#1f7a4d", "#8a4fbf", "#b3261e"];

/** Draws a line chart on the canvas after hydration and redraws it when `deps` change. */
export function useLineChart(
  canvas: RefObject<HTMLCanvasElement>,
  config: () => LineConfig | null,
  deps: Inputs,
): void {
  useEffect(() => {
    const built = config();
    if (!canvas.current || !built) return;
    Chart.getChart(canvas.current)?.destroy();
    const chart = new Chart(canvas.current, {
      ...built,
      options: { animation: false, maintainAspectRatio: false, ...built.options },
    });
    return () => chart.destroy();
  }, deps);
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
        y: { min: 0, max: 1, ticks: { callback: (v) => `${Math.round(Number(v) * 100)}%` } },
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
        borderColor: CHART_COLORS[i % CHART_COLORS.length],
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
