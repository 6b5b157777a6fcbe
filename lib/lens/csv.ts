/**
 * The assessment CSV format (docs/CSV.md): one row per bank and period, columns
 * `bank_id,period,<indicator ids…>`. An empty cell is a missing value, `NA:<justification>`
 * marks an indicator not applicable, anything else must be a number (a dot as the decimal
 * separator). Optional evidence columns `<id>:source` (`self_reported`, `verified`,
 * `measured`; empty: self-reported), `<id>:note` and `<id>:link` (http/https) describe the value
 * of an indicator whose column is present (lib/lens/evidence.ts). Parsing reports every problem with its 1-based line and its column name, so an
 * import can be refused as a whole. Pure.
 */
import { indicatorById, INDICATORS } from "./model.ts";
import { type LensInputIssue, validateLensInput } from "./input.ts";
import {
  linkProblem,
  MAX_NOTE_CHARS,
  VALUE_SOURCES,
  type ValueEvidence,
  type ValueSource,
} from "./evidence.ts";
import { describeTextProblem, textProblem } from "../text.ts";
import { PERIOD_PATTERN } from "./period.ts";
import { BANK_ID_PATTERN } from "../patterns.ts";
import { csvCell, parsePlainNumber, toCsv } from "../csv_write.ts";
import { parse } from "csv-parse/sync";

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
  | "BAD_SOURCE"
  | "LINK_NOT_HTTP"
  | "LINK_INVALID"
  | "LINK_TOO_LONG"
  | "SOURCE_WITHOUT_VALUE"
  | "EVIDENCE_TOO_LONG"
  | "EVIDENCE_WITHOUT_INDICATOR"
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

/**
 * One parsed data row. `notes` and `evidence` (source and link) hold the non-empty evidence
 * cells; `evidenceGiven` lists the indicators whose evidence columns the header has, whose
 * evidence the row therefore states in full (an importer keeps the stored evidence of others).
 */
export interface AssessmentCsvRow {
  line: number;
  bankId: string;
  period: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  notes: Record<string, string>;
  evidence: Record<string, ValueEvidence>;
  evidenceGiven: string[];
}

/** The evidence columns of an indicator, in the order an export writes them. */
export const EVIDENCE_COLUMNS = ["source", "note", "link"] as const;
type EvidenceColumn = typeof EVIDENCE_COLUMNS[number];

/** `tag_system:source` → `{ id: "tag_system", part: "source" }`; null for any other name. */
export function evidenceColumn(name: string): { id: string; part: EvidenceColumn } | null {
  const m = /^(.+):(source|note|link)$/.exec(name);
  return m ? { id: m[1], part: m[2] as EvidenceColumn } : null;
}

/**
 * Splits CSV text (RFC 4180: quoted cells may hold commas, quotes as `""` and line breaks;
 * CRLF or LF; a leading BOM is dropped) into records with the line each starts on. Blank
 * lines are skipped. Throws nothing: an unterminated quote is returned as `error`.
 *
 * The parsing is csv-parse's (the `csv` project, sync API): its `info.lines` is the line a
 * record ends on, so a record starts that many lines earlier as its cells hold line breaks.
 * A quote inside an unquoted cell is kept as text (`relax_quotes`), as spreadsheets write it.
 */
export function parseCsv(text: string): {
  records: { line: number; cells: string[] }[];
  error: CsvError | null;
} {
  const records: { line: number; cells: string[] }[] = [];
  try {
    const parsed = parse(text, { ...OPTIONS, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    for (const { record, info } of parsed) {
      const breaks = record.reduce((n, cell) => n + (cell.match(LINE_BREAK)?.length ?? 0), 0);
      records.push({ line: info.lines - breaks, cells: record });
    }
    return { records, error: null };
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (!code.startsWith("CSV_")) throw error;
    const message = code === "CSV_QUOTE_NOT_CLOSED" ? "Unclosed quote" : `Malformed CSV (${code})`;
    const line = unparsedStart(text);
    return { records: [], error: { line, column: null, code: "CSV_SYNTAX", message } };
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;
const OPTIONS = {
  bom: true,
  skip_empty_lines: true,
  relax_column_count: true,
  relax_quotes: true,
} as const;

/**
 * The line the record that failed to parse starts on: the first non-blank line after the last
 * record that parsed (csv-parse reports the line where it gave up, at the end of the text).
 */
function unparsedStart(text: string): number {
  let parsedLines = 0;
  try {
    parse(text, {
      ...OPTIONS,
      on_record: (_record, context) => {
        parsedLines = context.lines;
        return null;
      },
    });
  } catch {
    // Expected: the same error; `parsedLines` is where the last good record ended.
  }
  const lines = text.split(LINE_BREAK);
  let line = parsedLines + 1;
  while (line < lines.length && lines[line - 1] === "") line++;
  return line;
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
  const names = header.slice(2).map((h) => h.trim());
  for (const name of names) {
    if (seen.has(name)) at(name, "DUPLICATE_COLUMN", `Column "${name}" appears twice`);
    seen.add(name);
    const evidence = evidenceColumn(name);
    const id = evidence?.id ?? name;
    if (!indicatorById(id)) at(name, "UNKNOWN_INDICATOR", `Unknown indicator "${id}"`);
    else if (evidence && !names.includes(id)) {
      at(name, "EVIDENCE_WITHOUT_INDICATOR", `Column "${name}" needs the column "${id}"`);
    }
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
  const row: AssessmentCsvRow = {
    line,
    bankId,
    period,
    values: {},
    notApplicable: {},
    notes: {},
    evidence: {},
    evidenceGiven: [
      ...new Set(header.slice(2).flatMap((h) => evidenceColumn(h.trim())?.id ?? [])),
    ],
  };
  const evidenceCells: { column: string; id: string; part: EvidenceColumn; cell: string }[] = [];
  header.slice(2).forEach((column, k) => {
    const id = column.trim();
    const cell = cells[k + 2].trim();
    const evidence = evidenceColumn(id);
    if (evidence) {
      if (cell !== "") evidenceCells.push({ column: id, ...evidence, cell });
      return;
    }
    if (cell === "") return;
    if (/^NA:/i.test(cell)) {
      row.notApplicable[id] = cell.slice(3).trim();
      return;
    }
    const value = parsePlainNumber(cell);
    if (value === null) err(id, "NOT_A_NUMBER", `"${cell}" is not a number`);
    else row.values[id] = value;
  });
  for (const { column, id, part, cell } of evidenceCells) {
    readEvidenceCell(row, { column, id, part, cell }, err);
  }
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

/** Reads one non-empty evidence cell into the row, or reports why it cannot be stored. */
function readEvidenceCell(
  row: AssessmentCsvRow,
  { column, id, part, cell }: { column: string; id: string; part: EvidenceColumn; cell: string },
  err: (column: string | null, code: CsvErrorCode, message: string) => void,
): void {
  const problem = textProblem(cell);
  if (problem) {
    err(column, "INVALID_TEXT", `The cell ${describeTextProblem(problem)}`);
  } else if (part === "note") {
    if (cell.length > MAX_NOTE_CHARS) {
      err(column, "EVIDENCE_TOO_LONG", `Note longer than ${MAX_NOTE_CHARS} characters`);
    } else row.notes[id] = cell;
  } else if (part === "link") {
    const problem = linkProblem(cell);
    if (problem) err(column, problem, `Bad link "${cell.slice(0, 100)}"`);
    else row.evidence[id] = { source: row.evidence[id]?.source ?? "self_reported", link: cell };
  } else if (!(VALUE_SOURCES as readonly string[]).includes(cell)) {
    err(column, "BAD_SOURCE", `Bad source "${cell.slice(0, 100)}"`);
  } else if (!Object.hasOwn(row.values, id) && cell !== "self_reported") {
    err(column, "SOURCE_WITHOUT_VALUE", `"${cell}" needs a value in column "${id}"`);
  } else {
    row.evidence[id] = { ...row.evidence[id], source: cell as ValueSource };
  }
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
  return parseAssessmentRecords(records, options);
}

/**
 * The rows of records already split into cells (a CSV's, or a workbook's: lib/lens/xlsx.ts),
 * the header first, each with its line; as `parseAssessmentCsv`.
 */
export function parseAssessmentRecords(
  records: readonly { line: number; cells: string[] }[],
  options: { submit?: boolean } = {},
): { rows: AssessmentCsvRow[]; errors: CsvError[] } {
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

export { csvCell, toCsv };

/**
 * Writes assessments in the import format: every indicator of the model as a column, then the
 * evidence columns of every indicator (`<id>:source`, `<id>:note`, `<id>:link`; the source
 * written only where there is a value).
 */
export function assessmentsToCsv(items: Parameters<typeof assessmentRows>[0]): string {
  return toCsv(assessmentRows(items));
}

/** The export's cells, the header first: the CSV's and the workbook's (lib/lens/xlsx.ts). */
export function assessmentRows(
  items: readonly {
    bankId: string;
    period: string;
    values: Record<string, number>;
    notApplicable: Record<string, string>;
    /** Notes by indicator id. */
    evidence?: Record<string, string>;
    valueEvidence?: Record<string, ValueEvidence>;
  }[],
): (string | number | null)[][] {
  const ids = INDICATORS.map((i) => i.id);
  const evidenceHeader = ids.flatMap((id) => EVIDENCE_COLUMNS.map((part) => `${id}:${part}`));
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
    ...ids.flatMap((id) => {
      const given = a.valueEvidence && Object.hasOwn(a.valueEvidence, id)
        ? a.valueEvidence[id]
        : undefined;
      const note = a.evidence && Object.hasOwn(a.evidence, id) ? a.evidence[id] : null;
      const source = Object.hasOwn(a.values, id) ? given?.source ?? "self_reported" : null;
      return [source, note, given?.link ?? null];
    }),
  ]);
  return [["bank_id", "period", ...ids, ...evidenceHeader], ...rows];
}
