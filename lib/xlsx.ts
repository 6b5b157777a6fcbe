/**
 * Excel workbooks (.xlsx) as another encoding of the rows the CSV imports and exports carry:
 * `writeXlsx` puts rows of cells on one sheet, `readXlsx` takes a sheet back to records of text
 * cells with their row numbers, the shape `parseCsv` (lib/lens/csv.ts) gives, so the same row
 * parser and validation run on both. Pure apart from the libraries' own clocks.
 *
 * The workbook is read and written by ExcelJS 4.4 (npm `exceljs`, MIT). Before ExcelJS sees an
 * upload, its zip is opened with JSZip (ExcelJS's own unzipper) and every part inflated through
 * a counter that stops at `MAX_UNPACKED_BYTES`: ExcelJS inflates each part whole into memory,
 * so a small file that unpacks to gigabytes (a zip bomb) must be refused before it does.
 *
 * Cells are read as a person sees them: a number cell gives its number written as JavaScript
 * writes it (`String(12.5)`, exact both ways, which `parsePlainNumber` reads back), a text cell
 * its text unchanged (`0012` keeps its zeros), a formula its value as Excel last saved it; a
 * formula without a saved value and an error value (`#DIV/0!`) are problems of that cell.
 * Export writes numbers as number cells and text as text cells, text that a spreadsheet would
 * run as a formula defused as the CSV export does it (`defuseFormula`).
 */
import type ExcelJS from "exceljs";
// @ts-types="./xlsx_jszip.d.ts"
import JSZip, { type Zip, type ZipPartStream } from "jszip";
import { defuseFormula } from "./csv_write.ts";

/** The media type of an .xlsx workbook. */
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Most bytes an upload's parts may unpack to, all parts together. */
export const MAX_UNPACKED_BYTES = 16 * 1024 * 1024;
/** Most parts (files in the zip) an upload may have; Excel writes about a dozen. */
export const MAX_PARTS = 500;
/** Most columns a sheet may use. */
export const MAX_COLUMNS = 1024;

export type SheetCell = string | number | boolean | null | undefined;

/** A non-empty row of the sheet: its 1-based row number and its cells as text. */
export interface SheetRecord {
  line: number;
  cells: string[];
}

/** A cell that cannot be read as a value: `column` is the header's name or the column letter. */
export interface CellProblem {
  line: number;
  column: string;
  code: "XLSX_FORMULA_NO_VALUE" | "XLSX_CELL_ERROR";
  message: string;
}

/**
 * Why a file was refused as a whole: not a workbook (not a zip, an old .xls, a password-protected
 * file, damaged XML), no worksheet, too large unpacked, too many rows or columns.
 */
export interface XlsxFileError {
  code:
    | "XLSX_NOT_A_WORKBOOK"
    | "XLSX_NO_SHEET"
    | "XLSX_TOO_LARGE"
    | "XLSX_TOO_MANY_ROWS"
    | "XLSX_TOO_MANY_COLUMNS";
  message: string;
  /** For the message in another language: the limit that was passed. */
  limit?: number;
}

export type XlsxRead =
  | { error: XlsxFileError }
  | { error: null; sheet: string; records: SheetRecord[]; problems: CellProblem[] };

async function excel(): Promise<typeof ExcelJS> {
  // Loaded on first use: ExcelJS takes about 0.35 s to load, which no other page should pay.
  return (await import("exceljs")).default;
}

/**
 * One sheet named `sheet` holding `rows`, the first row as a bold, frozen header. Numbers are
 * number cells (a non-finite number an empty cell), text is text through `defuseFormula`,
 * booleans are booleans, null and undefined empty cells. `created` dates the file's properties.
 */
export async function writeXlsx(
  sheet: string,
  rows: readonly (readonly SheetCell[])[],
  options: { created: Date },
): Promise<Uint8Array> {
  return await writeXlsxBook([{ name: sheet, rows }], options);
}

/** Several sheets in one workbook, each written as `writeXlsx` writes its one. */
export async function writeXlsxBook(
  sheets: readonly { name: string; rows: readonly (readonly SheetCell[])[] }[],
  options: { created: Date },
): Promise<Uint8Array> {
  const { Workbook } = await excel();
  const workbook = new Workbook();
  workbook.creator = "Lensloop";
  workbook.created = options.created;
  workbook.modified = options.created;
  for (const { name, rows } of sheets) {
    const ws = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
    for (const row of rows) ws.addRow(row.map(cellValue));
    ws.getRow(1).font = { bold: true };
    (rows[0] ?? []).forEach((head, i) => {
      ws.getColumn(i + 1).width = Math.min(40, Math.max(10, String(head ?? "").length + 2));
    });
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function cellValue(value: SheetCell): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return defuseFormula(value);
  return value;
}

/**
 * Reads the first worksheet whose cell A1 reads `headerA1` (the first worksheet when none
 * does, or when `headerA1` is not given) into records: one per row that has a value, cells
 * padded with "" to the header's width (a row reaching past the header keeps its extra cells,
 * so a row parser can count them). Never throws on bad input: a file that cannot be read is
 * `error`; cells that cannot be read are `problems` (their cell is "") beside the records.
 */
export async function readXlsx(
  bytes: Uint8Array,
  options: { maxRows: number; headerA1?: string },
): Promise<XlsxRead> {
  const unpacked = await checkZip(bytes);
  if (unpacked) return { error: unpacked };
  const { Workbook } = await excel();
  const workbook = new Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { error: notAWorkbook() };
  }
  const sheets = workbook.worksheets;
  if (sheets.length === 0) {
    return { error: { code: "XLSX_NO_SHEET", message: "The workbook has no worksheet" } };
  }
  const ws = sheets.find((s) => textOf(s.getCell(1, 1).value).text === options.headerA1) ??
    sheets[0];
  const read = readSheet(ws, options.maxRows);
  if ("error" in read) return { error: read.error };
  return { error: null, sheet: ws.name, ...read };
}

function readSheet(
  ws: ExcelJS.Worksheet,
  maxRows: number,
): { error: XlsxFileError } | { records: SheetRecord[]; problems: CellProblem[] } {
  const rows: { line: number; values: ExcelJS.CellValue[] }[] = [];
  let tooWide = false;
  ws.eachRow((row, line) => {
    if (rows.length > maxRows + 1 || tooWide) return;
    const values: ExcelJS.CellValue[] = [];
    row.eachCell((cell, column) => {
      if (column > MAX_COLUMNS) tooWide = true;
      else values[column - 1] = cell.value;
    });
    if (values.some((v) => textOf(v).text.trim() !== "" || textOf(v).problem)) {
      rows.push({ line, values });
    }
  });
  if (tooWide) {
    const message = `At most ${MAX_COLUMNS} columns`;
    return { error: { code: "XLSX_TOO_MANY_COLUMNS", message, limit: MAX_COLUMNS } };
  }
  if (rows.length - 1 > maxRows) {
    const message = `At most ${maxRows} rows per import`;
    return { error: { code: "XLSX_TOO_MANY_ROWS", message, limit: maxRows } };
  }
  const header = rows[0]?.values.map((v) => textOf(v).text.trim()) ?? [];
  const width = header.findLastIndex((h) => h !== "") + 1;
  const problems: CellProblem[] = [];
  const records = rows.map(({ line, values }) => {
    const cells = Array.from({ length: Math.max(width, values.length) }, (_, k) => {
      const { text, problem } = textOf(values[k]);
      if (problem) {
        const column = header[k] || columnLetter(k + 1);
        problems.push({ line, column, ...problem });
      }
      return text;
    });
    return { line, cells };
  });
  return { records, problems };
}

type Problem = Pick<CellProblem, "code" | "message">;

/** A cell's value as text, or the problem that keeps it from being read. */
function textOf(value: ExcelJS.CellValue | undefined): { text: string; problem?: Problem } {
  if (value === null || value === undefined) return { text: "" };
  if (typeof value === "number" || typeof value === "string") return { text: String(value) };
  if (typeof value === "boolean") return { text: value ? "TRUE" : "FALSE" };
  if (value instanceof Date) return { text: dateText(value) };
  if ("error" in value) {
    const message = `The cell holds the error "${value.error}"`;
    return { text: "", problem: { code: "XLSX_CELL_ERROR", message } };
  }
  if ("richText" in value) return { text: value.richText.map((r) => r.text).join("") };
  if ("formula" in value || "sharedFormula" in value) {
    const result = (value as { result?: ExcelJS.CellValue }).result;
    if (result === undefined) {
      const formula = "formula" in value ? value.formula : value.sharedFormula;
      const message = `The formula "=${formula}" has no saved value`;
      return { text: "", problem: { code: "XLSX_FORMULA_NO_VALUE", message } };
    }
    return textOf(result);
  }
  if ("text" in value) return textOf(value.text as ExcelJS.CellValue);
  return { text: "" };
}

/** A date cell as an ISO date (with the time when it has one), as the cell's UTC reading. */
function dateText(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace(".000Z", "Z");
}

function columnLetter(n: number): string {
  let letters = "";
  for (; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

function notAWorkbook(): XlsxFileError {
  return {
    code: "XLSX_NOT_A_WORKBOOK",
    message: "Not an .xlsx workbook (an old .xls or a password-protected file cannot be read)",
  };
}

/**
 * Null when `bytes` is a zip holding a workbook whose parts, inflated, stay within
 * `MAX_UNPACKED_BYTES` and `MAX_PARTS`; otherwise why not. Inflates part by part, counting,
 * and stops at the limit, whatever sizes the zip's headers claim.
 */
async function checkZip(bytes: Uint8Array): Promise<XlsxFileError | null> {
  let zip: Zip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    return notAWorkbook();
  }
  const parts = Object.values(zip.files).filter((f) => !f.dir);
  const tooLarge: XlsxFileError = {
    code: "XLSX_TOO_LARGE",
    message: `The workbook unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB`,
    limit: MAX_UNPACKED_BYTES / 1024 / 1024,
  };
  if (parts.length > MAX_PARTS) return tooLarge;
  if (!zip.file("xl/workbook.xml")) return notAWorkbook();
  let total = 0;
  for (const part of parts) {
    const stream: ZipPartStream = part.internalStream("uint8array");
    const within = await new Promise<boolean>((resolve) => {
      stream
        .on("data", (chunk) => {
          total += chunk.length;
          if (total > MAX_UNPACKED_BYTES) {
            stream.pause();
            resolve(false);
          }
        })
        .on("error", () => resolve(true)) // damaged data: ExcelJS refuses it next
        .on("end", () => resolve(true))
        .resume();
    });
    if (!within) return tooLarge;
  }
  return null;
}
