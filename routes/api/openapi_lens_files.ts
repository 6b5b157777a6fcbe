/**
 * The OpenAPI operations of assessment files (docs/CSV.md): the import of a CSV or an Excel
 * workbook and the exports in both; spread into the document by ./openapi.ts.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { session } from "./_openapi.ts";
import { XLSX_TYPE } from "../../lib/xlsx.ts";

const tags = ["Lens assessments"];
const binary = z.string().meta({ format: "binary" });
const exportQuery = z.object({
  period: z.string().optional().meta({ example: "2025H1" }),
  bankId: z.string().optional().meta({ example: "CC2" }),
});
const ROW_ERRORS = "`errors`: `[{line, column, code, message}]`, line 1 the header (a workbook's " +
  "row numbers), every problem of the file; nothing was imported";

/** `fail`: the document's error response for a status (./openapi.ts passes its own). */
export function lensFileRoutes(
  fail: (description: string) => RouteConfig["responses"][string],
): RouteConfig[] {
  const exportOf = (format: "csv" | "xlsx", type: string) =>
    createRoute({
      method: "get",
      path: `/api/assessments/export.${format}`,
      tags,
      summary: format === "csv"
        ? "Assessments in scope as CSV (the import format)"
        : "Assessments in scope as an Excel workbook (the import format; numbers as numbers)",
      ...session,
      request: { query: exportQuery },
      responses: {
        200: { description: "The file (an attachment)", content: { [type]: { schema: binary } } },
        400: fail("Bad period (`BAD_PERIOD`)"),
        401: fail("Not signed in (`UNAUTHORIZED`)"),
      },
    });
  return [
    exportOf("csv", "text/csv"),
    exportOf("xlsx", XLSX_TYPE),
    createRoute({
      method: "post",
      path: "/api/assessments/import",
      tags,
      summary: "Import assessments from a CSV or an Excel workbook, all or nothing",
      description: "Consultants (their banks) and admins. `?status=draft` saves drafts; " +
        "otherwise rows are submitted and must let every capability be scored. A workbook is " +
        "read from its first sheet whose A1 is `bank_id`; formulas as their saved values.",
      ...session,
      request: {
        query: z.object({ status: z.enum(["draft", "submitted"]).optional() }),
        body: {
          required: true,
          content: { "text/csv": { schema: z.string() }, [XLSX_TYPE]: { schema: binary } },
        },
      },
      responses: {
        200: {
          description: "Every row imported: `imported: [{bankId, period, revision}]`",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
        400: fail(
          `\`CSV_INVALID\` or \`XLSX_INVALID\` with ${ROW_ERRORS} (workbook cells: ` +
            "`XLSX_FORMULA_NO_VALUE`, `XLSX_CELL_ERROR`); a workbook that cannot be read: " +
            "`XLSX_NOT_A_WORKBOOK` (also an old .xls or a password-protected file), " +
            "`XLSX_NO_SHEET`, `XLSX_TOO_MANY_COLUMNS`",
        ),
        401: fail("Not signed in (`UNAUTHORIZED`)"),
        403: fail("Your role may not import (`FORBIDDEN`)"),
        413: fail(
          "Body over 1 MiB (`PAYLOAD_TOO_LARGE`), a workbook over 5000 rows " +
            "(`XLSX_TOO_MANY_ROWS`) or unpacking to over 16 MB (`XLSX_TOO_LARGE`)",
        ),
        415: fail("Neither `text/csv` nor the .xlsx media type (`UNSUPPORTED_MEDIA_TYPE`)"),
      },
    }),
  ];
}
