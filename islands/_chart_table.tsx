/**
 * The numbers behind a chart, for screen readers and anyone who wants them: a folded table of
 * one row per label and one column per series (the radar, the trend chart).
 */
import { formatNumber, type Locale } from "../lib/i18n/mod.ts";

export interface ChartTableProps {
  locale: Locale;
  title: string;
  /** Row labels (an axis of the radar, a period of the trend). */
  labels: string[];
  series: { label: string; data: (number | null)[] }[];
}

export function ChartTable({ locale, title, labels, series }: ChartTableProps) {
  return (
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
          {labels.map((label, k) => (
            <tr key={k}>
              <th scope="row">{label}</th>
              {series.map((s, i) => <td key={i} class="num">{formatNumber(locale, s.data[k])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
