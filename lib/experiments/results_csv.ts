/**
 * The results CSV: one row per variant (the control first, with empty comparison cells), UTF-8
 * with a BOM so spreadsheets open Chinese names correctly; numbers unrounded, rates and lifts
 * as fractions. Columns are fixed and documented by the header.
 */
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

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  // Text that a spreadsheet would run as a formula gets a leading apostrophe.
  const text = typeof value === "string" && /^[=+\-@]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function resultsToCsv(r: Readout): string {
  const lines = [RESULTS_CSV_COLUMNS.join(",")];
  r.variants.forEach((v, i) => {
    const row = i > 0 ? r.comparisons[i - 1] : null;
    const value = i > 0 ? r.value?.comparisons[i - 1] : null;
    const mean = i === 0 ? r.value?.controlMean : value?.mean;
    lines.push(
      [
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
      ].map(cell).join(","),
    );
  });
  return "\uFEFF" + lines.join("\r\n") + "\r\n";
}
