import assert from "node:assert/strict";
import { assessmentsToCsv, csvCell, parseAssessmentCsv, parseCsv } from "./csv.ts";

Deno.test("parseCsv() handles quotes, embedded commas and line breaks, CRLF and a BOM", () => {
  const { records, error } = parseCsv('\uFEFFa,b\r\n"x, ""y""","multi\nline"\r\n\r\nlast,1');
  assert.equal(error, null);
  assert.deepEqual(records, [
    { line: 1, cells: ["a", "b"] },
    { line: 2, cells: ['x, "y"', "multi\nline"] },
    { line: 5, cells: ["last", "1"] },
  ]);
});

Deno.test("parseCsv() reports an unclosed quote with its line", () => {
  const { error } = parseCsv('a,b\n1,"open');
  assert.equal(error?.code, "CSV_SYNTAX");
  assert.equal(error?.line, 2);
});

Deno.test("parseAssessmentCsv() reads values, empty cells as missing and NA: justifications", () => {
  const csv = "bank_id,period,app_mau_penetration,tag_system,churn_rate\n" +
    "CC2,2025H1,31.5,NA:no tag platform yet,\n";
  const { rows, errors } = parseAssessmentCsv(csv);
  assert.deepEqual(errors, []);
  assert.deepEqual(rows, [{
    line: 2,
    bankId: "CC2",
    period: "2025H1",
    values: { app_mau_penetration: 31.5 },
    notApplicable: { tag_system: "no tag platform yet" },
  }]);
});

Deno.test("parseAssessmentCsv() lists every error by line and column", () => {
  const csv = [
    "bank_id,period,app_mau_penetration,tag_system,marketing_consent_coverage",
    "CC2,2025H3,abc,7,NA:not relevant",
    "CC2,2025H1,10,3,90",
    "CC2,2025H1,10,3,90",
    "CC1,2025H1,10",
  ].join("\n");
  const { errors } = parseAssessmentCsv(csv);
  const found = errors.map((e) => [e.line, e.column, e.code]);
  assert.deepEqual(found, [
    [2, "period", "BAD_PERIOD"],
    [2, "app_mau_penetration", "NOT_A_NUMBER"],
    [2, "tag_system", "MATURITY_OUT_OF_RANGE"],
    [2, "marketing_consent_coverage", "NA_CRITICAL"],
    [4, "period", "DUPLICATE_ROW"],
    [5, null, "WRONG_CELL_COUNT"],
  ]);
});

Deno.test("parseAssessmentCsv() refuses unknown and missing header columns", () => {
  const { rows, errors } = parseAssessmentCsv("bank,period,no_such_thing\nCC2,2025H1,1\n");
  assert.deepEqual(rows, []);
  assert.deepEqual(errors.map((e) => [e.line, e.column, e.code]), [
    [1, "bank_id", "MISSING_COLUMN"],
    [1, "no_such_thing", "UNKNOWN_INDICATOR"],
  ]);
  assert.equal(parseAssessmentCsv("").errors[0].code, "CSV_EMPTY");
});

Deno.test("assessmentsToCsv() round-trips through parseAssessmentCsv()", () => {
  const item = {
    bankId: "CC2",
    period: "FY2024",
    values: { app_mau_penetration: 28, churn_rate: 8.5, new_digital_customer_growth: -2 },
    notApplicable: { tag_system: 'outsourced, "see note"' },
  };
  const { rows, errors } = parseAssessmentCsv(assessmentsToCsv([item]));
  assert.deepEqual(errors, []);
  assert.deepEqual(rows[0], { line: 2, ...item });
});

Deno.test("csvCell() defuses text a spreadsheet would run, but not negative numbers", () => {
  assert.equal(csvCell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvCell("-3.5"), "-3.5");
  assert.equal(csvCell(-3.5), "-3.5");
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell(null), "");
});
