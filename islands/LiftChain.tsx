import { useRef } from "preact/hooks";
import { type Locale, translator } from "../lib/i18n/mod.ts";
import { PALETTE, translucent, useLineChart } from "./_chart.ts";

export interface LiftChainProps {
  [key: string]: unknown;
  locale: Locale;
  /** Confidence level of the band, e.g. 0.95. */
  confidence: number;
  /** Iteration 0 (the start, lift 0) then every decided iteration; lifts are fractions. */
  points: { iteration: number; lift: number | null; lower: number | null; upper: number | null }[];
}

const xy = (points: LiftChainProps["points"], key: "lift" | "lower" | "upper") =>
  points.flatMap((p) => (p[key] === null ? [] : [{ x: p.iteration, y: p[key]! }]));

/** The campaign page's chart: the compounded lift after each decided iteration, with its band. */
export default function LiftChain({ locale, confidence, points }: LiftChainProps) {
  const t = translator(locale);
  const canvas = useRef<HTMLCanvasElement>(null);
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const level = new Intl.NumberFormat(locale, { style: "percent" }).format(confidence);
  const band = t("lineage.chartBand", { level });
  useLineChart(canvas, () => ({
    type: "line",
    data: {
      datasets: [
        {
          label: band,
          data: xy(points, "lower"),
          borderColor: translucent(PALETTE.blue, 0.35),
          borderWidth: 1,
          pointRadius: 0,
        },
        {
          label: band,
          data: xy(points, "upper"),
          borderColor: translucent(PALETTE.blue, 0.35),
          backgroundColor: translucent(PALETTE.blue, 0.15),
          borderWidth: 1,
          pointRadius: 0,
          fill: "-1",
        },
        {
          label: t("lineage.chartLift"),
          data: xy(points, "lift"),
          borderColor: PALETTE.blue,
          backgroundColor: PALETTE.blue,
          pointRadius: 4,
          clip: 8,
        },
      ],
    },
    options: {
      layout: { padding: { right: 16 } },
      plugins: {
        legend: { labels: { filter: (item) => item.datasetIndex !== 0 } },
        tooltip: {
          filter: (item) => item.datasetIndex === 2,
          callbacks: {
            label: (item) => `${item.dataset.label}: ${percent.format(item.parsed.y ?? 0)}`,
            afterLabel: (item) => {
              const p = points.find((p) => p.iteration === item.parsed.x);
              return p?.lower == null || p.upper == null
                ? ""
                : `${band}: ${percent.format(p.lower)} – ${percent.format(p.upper)}`;
            },
          },
        },
      },
      scales: {
        x: {
          type: "linear",
          min: 0,
          max: Math.max(1, ...points.map((p) => p.iteration)),
          ticks: {
            stepSize: 1,
            callback: (v) =>
              Number(v) === 0
                ? t("lineage.chartStart")
                : Number.isInteger(Number(v))
                ? t("lineage.iteration", { n: Number(v) })
                : "",
          },
          title: { display: true, text: t("lineage.chartX") },
        },
        y: {
          ticks: { callback: (v) => percent.format(Number(v)) },
          title: { display: true, text: t("lineage.chartY") },
        },
      },
    },
  }), [locale, confidence, points]);
  return (
    <figure class="tool-chart" data-testid="lift-chain">
      <figcaption>{t("lineage.chart")}</figcaption>
      <div class="tool-chart-box">
        <canvas ref={canvas} role="img" aria-label={t("lineage.chart")} />
      </div>
    </figure>
  );
}
