import assert from "node:assert/strict";
import ExcelJS from "exceljs";
// @ts-types="./xlsx_jszip.d.ts"
import JSZip from "jszip";
import { MAX_COLUMNS, MAX_UNPACKED_BYTES, readXlsx, writeXlsx, type XlsxRead } from "./xlsx.ts";

const created = new Date("2026-01-02T03:04:05Z");

/** A workbook made the way a person's Excel file would be: cells set one by one. */
async function workbook(
  fill: (wb: ExcelJS.Workbook) => void,
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

function ok(read: XlsxRead) {
  if (read.error) throw new Error(`Unexpected ${read.error.code}: ${read.error.message}`);
  return read;
}

Deno.test("writeXlsx() writes numbers as number cells and text as text, Chinese included", async () => {
  const bytes = await writeXlsx("评估", [
    ["bank_id", "期间", "指标值", "说明"],
    ["0012", "2025H1", 12.5, "不适用：外包给供应商"],
    ["CC2", "2025H2", -3.25, null],
  ], { created });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("评估")!;
  assert.equal(ws.getCell("A2").type, ExcelJS.ValueType.String);
  assert.equal(ws.getCell("A2").value, "0012");
  assert.equal(ws.getCell("C2").type, ExcelJS.ValueType.Number);
  assert.equal(ws.getCell("C2").value, 12.5);
  assert.equal(ws.getCell("C3").value, -3.25);
  assert.equal(ws.getCell("D3").type, ExcelJS.ValueType.Null);
  assert.equal(ws.getCell("B1").value, "期间");
  assert.equal(ws.getCell("A1").font?.bold, true);
});

Deno.test("writeXlsx() then readXlsx() gives back the same cells, as text", async () => {
  const rows = [
    ["客户编号", "姓名", "余额", "备注"],
    ["000123", "张三", 1234.5, '含逗号, 引号"和\n换行'],
    ["000124", "李四", -0.001, ""],
    ["000125", "王五", 1e21, "  前后空格  "],
  ];
  const read = ok(await readXlsx(await writeXlsx("客户", rows, { created }), { maxRows: 10 }));
  assert.equal(read.sheet, "客户");
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.records, [
    { line: 1, cells: ["客户编号", "姓名", "余额", "备注"] },
    { line: 2, cells: ["000123", "张三", "1234.5", '含逗号, 引号"和\n换行'] },
    { line: 3, cells: ["000124", "李四", "-0.001", ""] },
    { line: 4, cells: ["000125", "王五", "1e+21", "  前后空格  "] },
  ]);
});

Deno.test("writeXlsx() defuses text a spreadsheet would run, as the CSV export does", async () => {
  const bytes = await writeXlsx("s", [
    ["a", "b", "c", "d", "e"],
    ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-5", "-2+3"],
  ], { created });
  const read = ok(await readXlsx(bytes, { maxRows: 10 }));
  assert.deepEqual(read.records[1].cells, [
    '\'=HYPERLINK("http://x")',
    "'+1+1",
    "'@SUM(A1)",
    "-5",
    "'-2+3",
  ]);
});

Deno.test("readXlsx() reads formulas as their saved values and reports those without", async () => {
  const bytes = await workbook((wb) => {
    const ws = wb.addWorksheet("data");
    ws.addRow(["bank_id", "score", "note"]);
    ws.getCell("A2").value = "CC2";
    ws.getCell("B2").value = { formula: "10*2.5", result: 25 } as ExcelJS.CellFormulaValue;
    ws.getCell("C2").value = { formula: '"甲"&"乙"', result: "甲乙" } as ExcelJS.CellFormulaValue;
    ws.getCell("A3").value = "CC1";
    ws.getCell("B3").value = { formula: "B2*2" } as ExcelJS.CellFormulaValue;
    ws.getCell("C3").value = { error: "#DIV/0!" } as ExcelJS.CellErrorValue;
  });
  const read = ok(await readXlsx(bytes, { maxRows: 10 }));
  assert.deepEqual(read.records, [
    { line: 1, cells: ["bank_id", "score", "note"] },
    { line: 2, cells: ["CC2", "25", "甲乙"] },
    { line: 3, cells: ["CC1", "", ""] },
  ]);
  assert.deepEqual(read.problems.map((p) => [p.line, p.column, p.code, p.message]), [
    [3, "score", "XLSX_FORMULA_NO_VALUE", 'The formula "=B2*2" has no saved value'],
    [3, "note", "XLSX_CELL_ERROR", 'The cell holds the error "#DIV/0!"'],
  ]);
});

Deno.test("readXlsx() skips empty rows, keeps row numbers, pads to the header and keeps extra cells", async () => {
  const bytes = await workbook((wb) => {
    const ws = wb.addWorksheet("data");
    ws.getRow(1).values = ["bank_id", "period", "x"];
    ws.getRow(3).values = ["CC2"];
    ws.getRow(4).getCell(2).value = "";
    ws.getRow(5).values = ["CC1", "2025H1", 1, "beyond"];
    ws.getRow(6).getCell(1).value = { richText: [{ text: "CC" }, { text: "3" }] };
    ws.getRow(6).getCell(2).value = new Date(Date.UTC(2025, 5, 30));
  });
  const read = ok(await readXlsx(bytes, { maxRows: 10 }));
  assert.deepEqual(read.records, [
    { line: 1, cells: ["bank_id", "period", "x"] },
    { line: 3, cells: ["CC2", "", ""] },
    { line: 5, cells: ["CC1", "2025H1", "1", "beyond"] },
    { line: 6, cells: ["CC3", "2025-06-30", ""] },
  ]);
});

Deno.test("readXlsx() takes the first sheet whose A1 is the header asked for", async () => {
  const bytes = await workbook((wb) => {
    wb.addWorksheet("说明").addRow(["请在第二张表填写"]);
    wb.addWorksheet("数据").addRow(["bank_id", "period"]);
  });
  assert.equal(ok(await readXlsx(bytes, { maxRows: 10, headerA1: "bank_id" })).sheet, "数据");
  assert.equal(ok(await readXlsx(bytes, { maxRows: 10 })).sheet, "说明");
});

Deno.test("readXlsx() refuses files that are not workbooks", async (t) => {
  const code = async (bytes: Uint8Array) => (await readXlsx(bytes, { maxRows: 10 })).error?.code;
  await t.step("CSV text", async () => {
    assert.equal(
      await code(new TextEncoder().encode("bank_id,period\nCC2,2025H1\n")),
      "XLSX_NOT_A_WORKBOOK",
    );
  });
  await t.step("empty", async () => {
    assert.equal(await code(new Uint8Array()), "XLSX_NOT_A_WORKBOOK");
  });
  await t.step("an old .xls or a password-protected file (an OLE compound file)", async () => {
    const ole = new Uint8Array(4096);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    assert.equal(await code(ole), "XLSX_NOT_A_WORKBOOK");
  });
  await t.step("a zip that holds no workbook", async () => {
    const zip = new JSZip();
    zip.file("readme.txt", "你好");
    assert.equal(
      await code(await zip.generateAsync({ type: "uint8array" })),
      "XLSX_NOT_A_WORKBOOK",
    );
  });
  await t.step("a workbook whose XML is damaged", async () => {
    const zip = await JSZip.loadAsync(await writeXlsx("s", [["a"]], { created }));
    zip.file("xl/workbook.xml", "<workbook><sheets><sheet name=");
    assert.equal(
      await code(await zip.generateAsync({ type: "uint8array" })),
      "XLSX_NOT_A_WORKBOOK",
    );
  });
  await t.step("a truncated file", async () => {
    const bytes = await writeXlsx("s", [["a"]], { created });
    assert.equal(await code(bytes.slice(0, bytes.length / 2)), "XLSX_NOT_A_WORKBOOK");
  });
  await t.step("a workbook without a worksheet", async () => {
    assert.equal(await code(await workbook(() => {})), "XLSX_NO_SHEET");
  });
});

Deno.test("readXlsx() stops a zip bomb at the unpacked limit, whatever its headers claim", async () => {
  const zip = await JSZip.loadAsync(await writeXlsx("s", [["a"]], { created }));
  zip.file("xl/media/padding.bin", new Uint8Array(MAX_UNPACKED_BYTES + 1));
  const bomb = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
  assert.ok(bomb.length < 100_000, `${bomb.length} bytes`);
  const read = await readXlsx(bomb, { maxRows: 10 });
  assert.equal(read.error?.code, "XLSX_TOO_LARGE");
  assert.equal(read.error?.limit, 16);
});

Deno.test("readXlsx() refuses too many rows or columns", async () => {
  const rows = [["h"], ...Array.from({ length: 6 }, (_, i) => [i + 1])];
  const tall = await readXlsx(await writeXlsx("s", rows, { created }), { maxRows: 5 });
  assert.equal(tall.error?.code, "XLSX_TOO_MANY_ROWS");
  assert.equal(tall.error?.limit, 5);
  assert.equal(
    ok(await readXlsx(await writeXlsx("s", rows, { created }), { maxRows: 6 })).records.length,
    7,
  );
  const wide = await workbook((wb) => {
    wb.addWorksheet("s").getRow(1).getCell(MAX_COLUMNS + 1).value = "far";
  });
  assert.equal((await readXlsx(wide, { maxRows: 5 })).error?.code, "XLSX_TOO_MANY_COLUMNS");
});
