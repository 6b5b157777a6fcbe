/** Writing CSV for spreadsheets (exports of assessments, peers and experiment results). Pure. */

/** A number as the CSV import reads it: optional sign, digits, a dot, an exponent. */
export function parsePlainNumber(cell: string): number | null {
  const trimmed = cell.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/**
 * Text as a spreadsheet cell may hold it: text that a spreadsheet would run as a formula
 * (starting with `=`, `+`, `-`, `@`, a tab or a CR, and not a plain number) gets a leading `'`.
 * The CSV and the .xlsx exports (lib/xlsx.ts) both write text through it.
 */
export function defuseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && parsePlainNumber(value) === null ? `'${value}` : value;
}

/**
 * One CSV cell: quoted when needed (RFC 4180); text through `defuseFormula`. A non-finite
 * number is an empty cell.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return String(value);
  const safe = defuseFormula(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV document (CRLF line ends, as RFC 4180 and spreadsheets expect). */
export function toCsv(rows: (string | number | boolean | null | undefined)[][]): string {
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
