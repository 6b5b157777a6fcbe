/**
 * The results CSV: one row per variant (the control first, with empty comparison cells), UTF-8
 * with a BOM so spreadsheets open Chinese names correctly; numbers unrounded, rates and lifts
 * as fractions. Columns are fixed and documented by the header.
 *
 * Then, after an empty line, the metric library's block (its own header,
 * `METRIC_CSV_COLUMNS`): one row per metric and arm, primary first, then secondary metrics, then
 * guardrails; the control's row has empty comparison cells. `value` is the arm's rate, mean or
 * ratio; `breached` is filled on guardrail rows.
 *
 * The workbook (`resultsToXlsx`) carries the same two blocks as two sheets.
 */
import { csvCell } from "../csv_write.ts";
import { writeXlsxBook } from "../xlsx.ts";
import type { Readout } from "./readout.ts";

export const RESULTS_CSV_COLUMNS = [
  "variant",
  "users",
  "conversions",
  "rate",
  "absolute_lift",
  "ci_low",
  "ci_high",
  "relative_lift",
  "relative_ci_low",
  "relative_ci_high",
  "p_value",
  "adjusted_p_value",
  "significant",
  "chance_to_beat_control",
  "expected_loss",
  "value_mean",
  "value_lift",
  "value_ci_low",
  "value_ci_high",
  "value_adjusted_p_value",
] as const;

export const METRIC_CSV_COLUMNS = [
  "metric",
  "role",
  "kind",
  "direction",
  "version",
  "variant",
  "units",
  "value",
  "count",
  "sum",
  "numerator",
  "denominator",
  "cap_value",
  "absolute_lift",
  "ci_low",
  "ci_high",
  "relative_lift",
  "relative_ci_low",
  "relative_ci_high",
  "ci_level",
  "p_value",
  "adjusted_p_value",
  "correction",
  "significant",
  "better",
  "worse",
  "breached",
  "warnings",
  "computed_at",
] as const;

/** A cell of the results rows (CSV text or a workbook cell). */
type Cell = string | number | boolean | null | undefined;

/** The rows of the variants block, its header first (`RESULTS_CSV_COLUMNS`). */
export function variantRows(r: Readout): Cell[][] {
  const rows: Cell[][] = [[...RESULTS_CSV_COLUMNS]];
  r.variants.forEach((v, i) => {
    const row = i > 0 ? r.comparisons[i - 1] : null;
    const value = i > 0 ? r.value?.comparisons[i - 1] : null;
    const mean = i === 0 ? r.value?.controlMean : value?.mean;
    rows.push([
      v.name,
      v.users,
      v.conversions,
      v.rate,
      row?.absoluteLift,
      row?.ci?.[0],
      row?.ci?.[1],
      row?.relativeLift,
      row?.relativeCi?.[0],
      row?.relativeCi?.[1],
      row?.pValue,
      row?.adjustedPValue,
      row?.significant,
      row?.chanceToBeatControl,
      row?.expectedLoss,
      mean,
      value?.absoluteLift,
      value?.ci?.[0],
      value?.ci?.[1],
      value?.adjustedPValue,
    ]);
  });
  return rows;
}

/**
 * The rows of the metric library's block, its header first (`METRIC_CSV_COLUMNS`); just the
 * header when the experiment reads no library metric.
 */
export function metricRows(r: Readout): Cell[][] {
  const rows: Cell[][] = [[...METRIC_CSV_COLUMNS]];
  for (const m of r.metrics) {
    m.variants.forEach((v, i) => {
      const c = i > 0 ? m.comparisons[i - 1] : undefined;
      rows.push([
        m.key,
        m.role,
        m.kind,
        m.direction,
        m.version,
        v.name,
        v.units,
        v.mean,
        v.count,
        v.sum,
        v.numerator,
        v.denominator,
        m.capValue,
        c?.absoluteLift,
        c?.ci?.[0],
        c?.ci?.[1],
        c?.relativeLift,
        c?.relativeCi?.[0],
        c?.relativeCi?.[1],
        c?.ciLevel,
        c?.pValue,
        c?.adjustedPValue,
        m.correction,
        c?.significant,
        c?.better,
        c?.worse,
        i > 0 && m.role === "guardrail" ? c?.worse ?? false : undefined,
        m.warnings.join(" "),
        m.computedAt,
      ]);
    });
  }
  return rows;
}

export function resultsToCsv(r: Readout): string {
  const lines = variantRows(r).map((row) => row.map(csvCell).join(","));
  if (r.metrics.length > 0) {
    lines.push("", ...metricRows(r).map((row) => row.map(csvCell).join(",")));
  }
  return "\uFEFF" + lines.join("\r\n") + "\r\n";
}

/**
 * The results workbook (.xlsx): the same rows as the CSV, numbers as number cells, on two
 * sheets — `results` (the variants block) and `metrics` (the metric library's block, there
 * even when empty so a bank's template can rely on it).
 */
export async function resultsToXlsx(r: Readout, options: { created: Date }): Promise<Uint8Array> {
  return await writeXlsxBook(
    [{ name: "results", rows: variantRows(r) }, { name: "metrics", rows: metricRows(r) }],
    options,
  );
}
