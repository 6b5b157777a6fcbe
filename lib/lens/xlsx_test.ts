import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { writeXlsx } from "../xlsx.ts";
import { assessmentsToCsv, parseAssessmentCsv, toCsv } from "./csv.ts";
import { assessmentsToXlsx, parseAssessmentXlsx } from "./xlsx.ts";
import demoBanks from "./demo-banks.json" with { type: "json" };

const created = new Date("2026-01-02T03:04:05Z");

function figures(id: string): Record<string, number> {
  const bank = demoBanks.find((b) => b.id === id)!;
  return Object.fromEntries(
    Object.entries(bank.values).filter((e): e is [string, number] => e[1] !== null),
  );
}

const items: {
  bankId: string;
  period: string;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
}[] = [
  {
    bankId: "CC2",
    period: "2025H1",
    values: { ...figures("CC2"), new_digital_customer_growth: -12.5, churn_rate: 0.1 + 0.2 },
    notApplicable: {},
  },
  {
    bankId: "RC2",
    period: "FY2024",
    values: { app_mau_penetration: 31.25 },
    notApplicable: { tag_system: "标签平台外包给供应商，暂无自建（2025 年上线）" },
  },
];

Deno.test("assessmentsToXlsx() round-trips through parseAssessmentXlsx() to the CSV's rows", async () => {
  const bytes = await assessmentsToXlsx(items, { created });
  const parsed = await parseAssessmentXlsx(bytes);
  if (parsed.fileError) throw new Error(parsed.fileError.message);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.rows.map((r) => [r.bankId, r.period, r.values, r.notApplicable]), [
    ["CC2", "2025H1", items[0].values, {}],
    ["RC2", "FY2024", items[1].values, items[1].notApplicable],
  ]);
  assert.equal(parsed.rows[0].values.churn_rate, 0.30000000000000004, "not rounded on the way");
  assert.deepEqual(parsed.rows, parseAssessmentCsv(assessmentsToCsv(items)).rows);
});

Deno.test("assessmentsToXlsx() writes figures as number cells and ids as text", async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await assessmentsToXlsx(items, { created }) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("assessments")!;
  const header = (ws.getRow(1).values as unknown[]).slice(1);
  assert.deepEqual(header.slice(0, 3), ["bank_id", "period", "app_mau_penetration"]);
  const column = header.indexOf("new_digital_customer_growth") + 1;
  assert.equal(ws.getCell(2, column).type, ExcelJS.ValueType.Number);
  assert.equal(ws.getCell(2, column).value, -12.5);
  assert.equal(ws.getCell(3, 2).value, "FY2024");
  assert.equal(
    ws.getCell(3, header.indexOf("tag_system") + 1).value,
    `NA:${items[1].notApplicable.tag_system}`,
  );
});

Deno.test("an empty export is the template: the header alone, refused as a file without rows", async () => {
  const parsed = await parseAssessmentXlsx(await assessmentsToXlsx([], { created }));
  assert.equal(parsed.fileError, null);
  assert.deepEqual(parsed.fileError === null && parsed.errors.map((e) => e.code), ["CSV_EMPTY"]);
});

Deno.test("parseAssessmentXlsx() finds the same problems as parseAssessmentCsv() in the same cells", async () => {
  const cells = [
    ["bank_id", "period", "app_mau_penetration", "tag_system", "marketing_consent_coverage"],
    ["CC2", "2025H1", 30, 3, 95],
    ["CC1", "2025H1", "abc", 3, 95],
    ["RC2", "2025H5", 30, "NA:", 95],
    ["bad id!", "2025H1", -5, 9, 95],
    ["CC2", "2025H1", 30, 3, "NA:不适用"],
  ];
  const fromCsv = parseAssessmentCsv(toCsv(cells), { submit: false });
  const fromXlsx = await parseAssessmentXlsx(await writeXlsx("s", cells, { created }));
  if (fromXlsx.fileError) throw new Error(fromXlsx.fileError.message);
  assert.ok(fromCsv.errors.length >= 6, JSON.stringify(fromCsv.errors));
  assert.deepEqual(fromXlsx.errors, fromCsv.errors);
  assert.deepEqual(fromXlsx.rows, fromCsv.rows);
});

Deno.test("parseAssessmentXlsx() reads a text id with leading zeros as text and a number cell as its number", async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("assessments");
  ws.addRow(["bank_id", "period", "app_mau_penetration", "tag_system"]);
  ws.addRow(["0012", "2025H1", 12.5, "3"]);
  const parsed = await parseAssessmentXlsx(new Uint8Array(await wb.xlsx.writeBuffer()));
  if (parsed.fileError) throw new Error(parsed.fileError.message);
  assert.equal(parsed.rows[0].bankId, "0012");
  assert.deepEqual(parsed.rows[0].values, { app_mau_penetration: 12.5, tag_system: 3 });
});

Deno.test("parseAssessmentXlsx() names an unsaved formula or an error value once, by line and column", async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("数据");
  ws.addRow(["bank_id", "period", "app_mau_penetration", "tag_system"]);
  ws.addRow(["CC2", "2025H1", { formula: "40/2", result: 20 }, { formula: "1+2" }]);
  ws.addRow([{ formula: '"CC"&1' }, "2025H1", { error: "#N/A" }, 2]);
  const parsed = await parseAssessmentXlsx(new Uint8Array(await wb.xlsx.writeBuffer()));
  if (parsed.fileError) throw new Error(parsed.fileError.message);
  assert.deepEqual(parsed.errors.map((e) => `${e.line}:${e.column}:${e.code}`), [
    "2:tag_system:XLSX_FORMULA_NO_VALUE",
    "3:bank_id:XLSX_FORMULA_NO_VALUE",
    "3:app_mau_penetration:XLSX_CELL_ERROR",
  ]);
  assert.equal(parsed.rows[0].values.app_mau_penetration, 20, "a saved result is read");
});

Deno.test("parseAssessmentXlsx() refuses a file that is not a workbook as a whole", async () => {
  const parsed = await parseAssessmentXlsx(new TextEncoder().encode("bank_id,period\n"));
  assert.equal(parsed.fileError?.code, "XLSX_NOT_A_WORKBOOK");
});
