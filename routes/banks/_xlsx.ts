/** Assessments imported from an Excel workbook, for the import page and the JSON API. */
import type { Context } from "hono";
import { AppError } from "../../lib/errors.ts";
import { keyFor } from "../../lib/i18n/mod.ts";
import type { CsvError } from "../../lib/lens/csv.ts";
import { parseAssessmentXlsx } from "../../lib/lens/xlsx.ts";
import type { XlsxFileError } from "../../lib/xlsx.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { importRows } from "./_save.ts";

/**
 * A workbook refused as a whole: 413 when it is too large (unpacked or in rows), else 400; the
 * message in the reader's language (`error.code.XLSX_*`, with the limit passed).
 */
export function xlsxFileError(error: XlsxFileError): AppError {
  const large = error.code === "XLSX_TOO_LARGE" || error.code === "XLSX_TOO_MANY_ROWS";
  const appError = new AppError(large ? 413 : 400, error.code, error.message);
  const key = keyFor("error.code.", error.code);
  if (key) appError.translation = { key, params: { limit: error.limit ?? "" } };
  return appError;
}

/**
 * Imports a workbook all-or-nothing, as `importCsv` imports a CSV (the same rows, checks and
 * transaction); throws `xlsxFileError` when the file cannot be read at all.
 */
export async function importXlsx(
  c: Context<AppEnv>,
  bytes: Uint8Array,
  status: "draft" | "submitted",
): Promise<
  { imported: { bankId: string; period: string; revision: number }[] } | { errors: CsvError[] }
> {
  const parsed = await parseAssessmentXlsx(bytes, { submit: status === "submitted" });
  if (parsed.fileError) throw xlsxFileError(parsed.fileError);
  return await importRows(c, parsed, status);
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0]; // an old .xls, or an .xlsx protected by a password

/**
 * Whether an uploaded file is meant as a workbook rather than CSV text: named .xlsx, .xlsm or
 * .xls, or starting as a zip or an Office compound file does (those are refused with a
 * workbook's message instead of a CSV's).
 */
export function isWorkbookUpload(bytes: Uint8Array, name: string): boolean {
  const starts = (magic: number[]) => magic.every((b, i) => bytes[i] === b);
  return /\.xls[xm]?$/i.test(name) || starts(ZIP) || starts(OLE);
}
