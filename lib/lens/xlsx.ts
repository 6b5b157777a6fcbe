/**
 * Assessments as an Excel workbook (.xlsx): the CSV format of docs/CSV.md on a sheet named
 * `assessments`, written from the same cells (`assessmentRows`) and read back into the same
 * records, so the same parser and validation (`parseAssessmentRecords`) judge every row and a
 * column added to the CSV format is in the workbook too. Line numbers are the sheet's row
 * numbers. Pure apart from the libraries' own clocks (lib/xlsx.ts).
 */
import { readXlsx, writeXlsx, type XlsxFileError } from "../xlsx.ts";
import {
  type AssessmentCsvRow,
  assessmentRows,
  type CsvError,
  MAX_IMPORT_ROWS,
  parseAssessmentRecords,
} from "./csv.ts";

export const ASSESSMENT_SHEET = "assessments";

/** The export (or, with no assessments, the empty template) as a workbook. */
export async function assessmentsToXlsx(
  items: Parameters<typeof assessmentRows>[0],
  options: { created: Date },
): Promise<Uint8Array> {
  return await writeXlsx(ASSESSMENT_SHEET, assessmentRows(items), options);
}

/**
 * Parses an uploaded workbook: its first sheet whose A1 reads `bank_id` (else its first sheet).
 * `fileError` when the file as a whole cannot be read; otherwise the rows and every error, as
 * `parseAssessmentCsv` gives them, with the cells that hold an unsaved formula or an error value
 * (`XLSX_FORMULA_NO_VALUE`, `XLSX_CELL_ERROR`) among them. Callers import only when `errors` is
 * empty.
 */
export async function parseAssessmentXlsx(
  bytes: Uint8Array,
  options: { submit?: boolean } = {},
): Promise<
  { fileError: XlsxFileError } | { fileError: null; rows: AssessmentCsvRow[]; errors: CsvError[] }
> {
  const read = await readXlsx(bytes, { maxRows: MAX_IMPORT_ROWS, headerA1: "bank_id" });
  if (read.error) return { fileError: read.error };
  const { rows, errors } = parseAssessmentRecords(read.records, options);
  // A cell that could not be read is empty to the parser: its problem says it, not "missing".
  const unread = new Set(read.problems.map((p) => `${p.line}\u0000${p.column}`));
  const rest = errors.filter((e) => !unread.has(`${e.line}\u0000${e.column}`));
  const all = [...read.problems, ...rest].sort((a, b) => a.line - b.line);
  return { fileError: null, rows, errors: all };
}
