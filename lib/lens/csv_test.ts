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
    notes: {},
    evidence: {},
    evidenceGiven: [],
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
  const { line, bankId, period, values, notApplicable } = rows[0];
  assert.deepEqual({ line, bankId, period, values, notApplicable }, { line: 2, ...item });
});

Deno.test("assessmentsToCsv() writes each value's source, note and link, and reads them back", () => {
  const item = {
    bankId: "CC2",
    period: "2025H1",
    values: { ab_test_share: 33.3, churn_rate: -0, tag_system: 3 },
    notApplicable: {},
    evidence: { tag_system: "标签平台 2025 年 3 月上线, 见\n附件", app_mau_penetration: "未填" },
    valueEvidence: {
      tag_system: { source: "verified" as const, link: "https://bank.example/a?b=1,2" },
      ab_test_share: { source: "measured" as const },
    },
  };
  const text = assessmentsToCsv([item]);
  const header = text.split("\r\n")[0].split(",");
  assert.equal(header.length, 2 + 41 * 4);
  assert.deepEqual(header.slice(2 + 41, 2 + 41 + 3), [
    "app_mau_penetration:source",
    "app_mau_penetration:note",
    "app_mau_penetration:link",
  ]);
  const { rows, errors } = parseAssessmentCsv(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(rows[0].notes, item.evidence);
  assert.deepEqual(rows[0].evidence, {
    tag_system: { source: "verified", link: "https://bank.example/a?b=1,2" },
    ab_test_share: { source: "measured" },
    churn_rate: { source: "self_reported" },
  });
  assert.equal(rows[0].evidenceGiven.length, 41);
});

Deno.test("parseAssessmentCsv() refuses bad sources and links with their line and column", () => {
  const csv = [
    "bank_id,period,tag_system,tag_system:source,tag_system:link,churn_rate:note",
    "CC2,2025H1,3,guessed,javascript:alert(1),x",
    "CC1,2025H1,,verified,ftp://files.example/a,",
    "RC2,2025H1,4,verified,https://bank.example/证据.pdf,",
  ].join("\n");
  const { errors } = parseAssessmentCsv(csv);
  assert.deepEqual(errors.map((e) => [e.line, e.column, e.code]), [
    [1, "churn_rate:note", "EVIDENCE_WITHOUT_INDICATOR"],
  ]);
  const body = csv.replace(",churn_rate:note", "").replace(/,x\n/, "\n").replace(/,\n/g, "\n")
    .replace(/,$/, "");
  assert.deepEqual(parseAssessmentCsv(body).errors.map((e) => [e.line, e.column, e.code]), [
    [2, "tag_system:source", "BAD_SOURCE"],
    [2, "tag_system:link", "LINK_NOT_HTTP"],
    [3, "tag_system:source", "SOURCE_WITHOUT_VALUE"],
    [3, "tag_system:link", "LINK_NOT_HTTP"],
  ]);
});

Deno.test("csvCell() defuses text a spreadsheet would run, but not negative numbers", () => {
  assert.equal(csvCell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvCell("-3.5"), "-3.5");
  assert.equal(csvCell(-3.5), "-3.5");
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell(null), "");
});
