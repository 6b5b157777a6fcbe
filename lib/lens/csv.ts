/**
 * The assessment CSV format (docs/CSV.md): one row per bank and period, columns
 * `bank_id,period,<indicator ids…>`. An empty cell is a missing value, `NA:<justification>`
 * marks an indicator not applicable, anything else must be a number (a dot as the decimal
 * separator). Parsing reports every problem with its 1-based line and its column name, so an
 * import can be refused as a whole. Pure.
 */
import { indicatorById, INDICATORS } from "./model.ts";
import { type LensInputIssue, validateLensInput } from "./input.ts";
import { PERIOD_PATTERN } from "./period.ts";
import { BANK_ID_PATTERN } from "../patterns.ts";

/** Rows an import may hold. */
export const MAX_IMPORT_ROWS = 5000;

export type CsvErrorCode =
  | "CSV_SYNTAX"
  | "CSV_EMPTY"
  | "CSV_TOO_MANY_ROWS"
  | "MISSING_COLUMN"
  | "DUPLICATE_COLUMN"
  | "UNKNOWN_INDICATOR"
  | "WRONG_CELL_COUNT"
  | "BAD_BANK_ID"
  | "BAD_PERIOD"
  | "DUPLICATE_ROW"
  | "NOT_A_NUMBER"
  | "UNKNOWN_BANK"
  | string;

/**
 * One problem: `line` is 1-based (the header is line 1); `column` a header name or null. A lens
 * input rule's problem carries that rule's issue (`issue`) so it can be said in another language.
 */
export interface CsvError {
  line: number;
  column: string | null;
  code: CsvErrorCode;
  message: string;
  issue?: LensInputIssue;
}

/** One parsed data row. */
export interface AssessmentCsvRow {
  line: number;
  bankId: string;
  period: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
}

/**
 * Splits CSV text (RFC 4180: quoted cells may hold commas, quotes as `""` and line breaks;
 * CRLF or LF; a leading BOM is dropped) into records with the line each starts on. Blank
 * lines are skipped. Throws nothing: an unterminated quote is returned as `error`.
 */
export function parseCsv(text: string): {
  records: { line: number; cells: string[] }[];
  error: CsvError | null;
} {
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let startLine = 1;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== "") records.push({ line: startLine, cells });
    cells = [];
    cell = "";
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (cell += '"', i++);
      else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") (cells.push(cell), cell = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      endRecord();
      startLine = ++line;
    } else cell += ch;
  }
  if (quoted) {
    return {
      records,
      error: { line: startLine, column: null, code: "CSV_SYNTAX", message: "Unclosed quote" },
    };
  }
  if (cell !== "" || cells.length) endRecord();
  return { records, error: null };
}

function parseNumber(cell: string): number | null {
  const trimmed = cell.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

function headerErrors(header: string[]): CsvError[] {
  const errors: CsvError[] = [];
  const at = (column: string | null, code: CsvErrorCode, message: string) =>
    errors.push({ line: 1, column, code, message });
  if (header[0]?.trim() !== "bank_id") {
    at("bank_id", "MISSING_COLUMN", 'First column must be "bank_id"');
  }
  if (header[1]?.trim() !== "period") {
    at("period", "MISSING_COLUMN", 'Second column must be "period"');
  }
  const seen = new Set<string>();
  for (const name of header.slice(2).map((h) => h.trim())) {
    if (seen.has(name)) at(name, "DUPLICATE_COLUMN", `Column "${name}" appears twice`);
    seen.add(name);
    if (!indicatorById(name)) at(name, "UNKNOWN_INDICATOR", `Unknown indicator "${name}"`);
  }
  return errors;
}

function parseRow(
  line: number,
  header: string[],
  cells: string[],
  errors: CsvError[],
  submit: boolean,
) {
  const err = (column: string | null, code: CsvErrorCode, message: string) =>
    errors.push({ line, column, code, message });
  if (cells.length !== header.length) {
    err(null, "WRONG_CELL_COUNT", `Expected ${header.length} cells, got ${cells.length}`);
    return null;
  }
  const bankId = cells[0].trim();
  const period = cells[1].trim();
  if (!BANK_ID_PATTERN.test(bankId)) err("bank_id", "BAD_BANK_ID", `Bad bank id "${bankId}"`);
  if (!PERIOD_PATTERN.test(period)) {
    err("period", "BAD_PERIOD", `Bad period "${period}" (use e.g. 2025H1, 2025Q3, FY2024)`);
  }
  const row: AssessmentCsvRow = { line, bankId, period, values: {}, notApplicable: {} };
  header.slice(2).forEach((column, k) => {
    const id = column.trim();
    const cell = cells[k + 2].trim();
    if (cell === "") return;
    if (/^NA:/i.test(cell)) {
      row.notApplicable[id] = cell.slice(3).trim();
      return;
    }
    const value = parseNumber(cell);
    if (value === null) err(id, "NOT_A_NUMBER", `"${cell}" is not a number`);
    else row.values[id] = value;
  });
  for (const issue of validateLensInput(row, { submit })) {
    errors.push({
      line,
      column: issue.indicatorId,
      code: issue.code,
      message: issue.message,
      issue,
    });
  }
  return row;
}

/**
 * Parses an assessment CSV. Returns the rows and every error; callers import only when
 * `errors` is empty. Rows to be submitted (`submit`) must leave no capability insufficient, as
 * `validateLensInput` says. Bank existence and access are for the caller to check.
 */
export function parseAssessmentCsv(text: string, options: { submit?: boolean } = {}): {
  rows: AssessmentCsvRow[];
  errors: CsvError[];
} {
  const { records, error } = parseCsv(text);
  if (error) return { rows: [], errors: [error] };
  if (records.length < 2) {
    return {
      rows: [],
      errors: [{ line: 1, column: null, code: "CSV_EMPTY", message: "No header or no rows" }],
    };
  }
  if (records.length - 1 > MAX_IMPORT_ROWS) {
    const message = `At most ${MAX_IMPORT_ROWS} rows per import`;
    return { rows: [], errors: [{ line: 1, column: null, code: "CSV_TOO_MANY_ROWS", message }] };
  }
  const header = records[0].cells;
  const errors = headerErrors(header);
  if (errors.length) return { rows: [], errors };
  const rows: AssessmentCsvRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of records.slice(1)) {
    const row = parseRow(line, header, cells, errors, options.submit ?? false);
    if (!row) continue;
    const key = `${row.bankId}\u0000${row.period}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        line,
        column: "period",
        code: "DUPLICATE_ROW",
        message: `Bank "${row.bankId}" and period "${row.period}" already on line ${first}`,
      });
    }
    seen.set(key, first ?? line);
    rows.push(row);
  }
  return { rows, errors };
}

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) && parseNumber(value) === null ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A CSV document (CRLF line ends, as RFC 4180 and spreadsheets expect). */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** Writes assessments in the import format: every indicator of the model as a column. */
export function assessmentsToCsv(
  items: readonly {
    bankId: string;
    period: string;
    values: Record<string, number>;
    notApplicable: Record<string, string>;
  }[],
): string {
  const ids = INDICATORS.map((i) => i.id);
  const rows = items.map((a) => [
    a.bankId,
    a.period,
    ...ids.map((id) =>
      Object.hasOwn(a.notApplicable, id)
        ? `NA:${a.notApplicable[id]}`
        : Object.hasOwn(a.values, id)
        ? a.values[id]
        : null
    ),
  ]);
  return toCsv([["bank_id", "period", ...ids], ...rows]);
}
