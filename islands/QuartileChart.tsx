import { useRef } from "preact/hooks";
import type { Locale } from "../lib/i18n/mod.ts";
import { LEGEND_BELOW, PALETTE, translucent, useChart } from "./_chart.ts";

export interface QuartileChartProps {
  [key: string]: unknown;
  locale: Locale;
  title: string;
  testid: string;
  labels: string[];
  q1: (number | null)[];
  median: (number | null)[];
  q3: (number | null)[];
  /** The compared bank's values, or null when no bank is picked. */
  bank: (number | null)[] | null;
  names: { iqr: string; median: string; bank: string };
}

/** Interquartile bars with the median and, when picked, the bank's own value (0–100 scores). */
export default function QuartileChart(props: QuartileChartProps) {
  const { locale, title, testid, labels, q1, median, q3, bank, names } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  useChart(canvas, () => {
    const iqr = labels.map((_, k) =>
      q1[k] === null || q3[k] === null ? null : [q1[k], q3[k]] as [number, number]
    );
    const marker = (
      label: string,
      data: (number | null)[],
      colour: string,
      style: "line" | "circle",
    ) => ({
      type: "line" as const,
      label,
      data,
      showLine: false,
      pointStyle: style,
      pointRadius: style === "line" ? 9 : 5,
      pointBorderWidth: 2,
      borderColor: colour,
      backgroundColor: colour,
    });
    return {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            type: "bar",
            label: names.iqr,
            data: iqr as unknown as number[],
            backgroundColor: translucent(PALETTE.blue, 0.25),
          },
          marker(names.median, median, PALETTE.ink, "line"),
          ...(bank ? [marker(names.bank, bank, PALETTE.orange, "circle")] : []),
        ],
      },
      options: {
        indexAxis: "y",
        locale,
        scales: { x: { min: 0, max: 100 } },
        plugins: { legend: LEGEND_BELOW },
      },
    };
  }, []);
  return (
    <figure class="radar quartile-chart" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={title}></canvas>
      </div>
    </figure>
  );
}
