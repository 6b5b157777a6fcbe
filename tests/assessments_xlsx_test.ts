/**
 * Excel import and export over HTTP: the export round-trips through the import, a workbook's
 * rows are judged as the CSV's (all-or-nothing, errors by line and column), Chinese text and
 * leading zeros survive, and a file that is no workbook, a zip bomb or a wrong media type is a
 * coded 4xx in the reader's language. Both backends.
 */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
// @ts-types="../lib/xlsx_jszip.d.ts"
import JSZip from "jszip";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { parseAssessmentCsv } from "../lib/lens/csv.ts";
import { parseAssessmentXlsx } from "../lib/lens/xlsx.ts";
import { MAX_UNPACKED_BYTES, XLSX_TYPE } from "../lib/xlsx.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

async function setUp(db: Kysely<Database>) {
  const { app } = await createTestApp(db);
  const consultant = await sessionCookie(db, DEMO_USERS.consultant); // CC2, CC1, RC2
  const call = async (path: string, init: RequestInit = {}, lang = "zh-CN") => {
    const headers = new Headers(init.headers);
    headers.set("cookie", `${consultant}; lang=${lang}`);
    const res = await app.request(path, { ...init, headers });
    const type = res.headers.get("content-type") ?? "";
    const body = type.includes("json")
      ? await res.json()
      : type.includes("sheet")
      ? new Uint8Array(await res.arrayBuffer())
      : await res.text();
    return { status: res.status, type, body };
  };
  const upload = (bytes: Uint8Array, query = "?status=draft", lang = "zh-CN") =>
    call(`/api/assessments/import${query}`, {
      method: "POST",
      headers: { "content-type": XLSX_TYPE },
      body: bytes.slice().buffer,
    }, lang);
  return { call, upload };
}

async function countAssessments(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("assessments").select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function sheet(rows: ExcelJS.CellValue[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("评估数据");
  for (const row of rows) ws.addRow(row);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

testBothBackends("assessment Excel export round-trips through the import", async (t, { db }) => {
  const { call, upload } = await setUp(db);
  await t.step("the export is a workbook with the CSV export's rows", async () => {
    const res = await call("/api/assessments/export.xlsx?bankId=CC2");
    assert.equal(res.status, 200);
    assert.equal(res.type, XLSX_TYPE);
    const parsed = await parseAssessmentXlsx(res.body as Uint8Array);
    if (parsed.fileError) throw new Error(parsed.fileError.message);
    assert.deepEqual(parsed.errors, []);
    assert.ok(parsed.rows.length >= 1 && parsed.rows.every((r) => r.bankId === "CC2"));
    const csv = await call("/api/assessments/export.csv?bankId=CC2");
    assert.deepEqual(parsed.rows, parseAssessmentCsv(csv.body as string).rows);
  });
  await t.step("importing the export back stores the same figures", async () => {
    const before = await call("/api/assessments/export.xlsx?bankId=CC2");
    const res = await upload(before.body as Uint8Array);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const after = await call("/api/assessments/export.xlsx?bankId=CC2");
    const rows = async (bytes: Uint8Array) => {
      const parsed = await parseAssessmentXlsx(bytes);
      if (parsed.fileError) throw new Error(parsed.fileError.message);
      return parsed.rows.map(({ line: _l, ...row }) => row);
    };
    assert.deepEqual(await rows(after.body as Uint8Array), await rows(before.body as Uint8Array));
  });
  await t.step(
    "Chinese justifications and numbers typed in Excel are stored as typed",
    async () => {
      const res = await upload(
        await sheet([
          ["bank_id", "period", "app_mau_penetration", "tag_system", "new_digital_customer_growth"],
          ["RC2", "2025Q3", 12.5, "NA:标签平台由总行统一建设，本行暂未接入", -7.25],
        ]),
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const stored = await call("/api/assessments/RC2/2025Q3");
      assert.equal(stored.body.assessment.values.app_mau_penetration, 12.5);
      assert.equal(stored.body.assessment.values.new_digital_customer_growth, -7.25);
      assert.equal(
        stored.body.assessment.notApplicable.tag_system,
        "标签平台由总行统一建设，本行暂未接入",
      );
    },
  );
});

testBothBackends(
  "a workbook with bad rows imports nothing and names each cell",
  async (t, { db }) => {
    const { upload } = await setUp(db);
    const before = await countAssessments(db);
    await t.step(
      "row errors by line and column, the message in the reader's language",
      async () => {
        const bytes = await sheet([
          ["bank_id", "period", "app_mau_penetration", "tag_system"],
          ["CC2", "2025H1", 30, 3],
          ["CC1", "2025H1", "三十", 3],
          [],
          ["RC2", "2025H5", { formula: "10*3" } as ExcelJS.CellFormulaValue, 3],
          ["SOE1", "2025H1", 30, { error: "#N/A" } as ExcelJS.CellErrorValue],
        ]);
        const res = await upload(bytes);
        assert.equal(res.status, 400);
        assert.match(res.type, /application\/json/);
        assert.equal(res.body.error.code, "XLSX_INVALID");
        assert.equal(res.body.error.message, "Excel 文件有错误，未导入任何内容");
        const found = res.body.error.errors.map((
          e: { line: number; column: string; code: string },
        ) => `${e.line}:${e.column}:${e.code}`);
        assert.deepEqual(found, [
          "3:app_mau_penetration:NOT_A_NUMBER",
          "5:app_mau_penetration:XLSX_FORMULA_NO_VALUE",
          "5:period:BAD_PERIOD",
          "6:tag_system:XLSX_CELL_ERROR",
          "6:bank_id:UNKNOWN_BANK",
        ]);
        const en = await upload(bytes, "?status=draft", "en");
        assert.equal(en.body.error.message, "The Excel file has errors; nothing was imported");
        assert.equal(await countAssessments(db), before, "nothing half-imported");
      },
    );
  },
);

testBothBackends("a file that cannot be read as a workbook is a coded 4xx", async (t, { db }) => {
  const { upload, call } = await setUp(db);
  const before = await countAssessments(db);
  await t.step(
    "CSV text sent as a workbook: 400 XLSX_NOT_A_WORKBOOK, in Chinese and English",
    async () => {
      const csv = new TextEncoder().encode("bank_id,period\nCC2,2025H1\n");
      const zh = await upload(csv);
      assert.equal(zh.status, 400);
      assert.equal(zh.body.error.code, "XLSX_NOT_A_WORKBOOK");
      assert.match(zh.body.error.message, /这不是 Excel 工作簿/);
      const en = await upload(csv, "?status=draft", "en");
      assert.match(en.body.error.message, /^Not an Excel workbook/);
    },
  );
  await t.step("an old .xls (an OLE file): 400 XLSX_NOT_A_WORKBOOK", async () => {
    const ole = new Uint8Array(2048);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    assert.equal((await upload(ole)).body.error.code, "XLSX_NOT_A_WORKBOOK");
  });
  await t.step("a zip bomb within the body limit: 413 XLSX_TOO_LARGE", async () => {
    const zip = await JSZip.loadAsync(await sheet([["bank_id", "period"]]));
    zip.file("xl/worksheets/sheet2.xml", "<x>" + " ".repeat(MAX_UNPACKED_BYTES) + "</x>");
    const bomb = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    const res = await upload(bomb);
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, "XLSX_TOO_LARGE");
    assert.equal(res.body.error.message, "工作簿解压后超过 16 MB");
  });
  await t.step("more rows than an import takes: 413 XLSX_TOO_MANY_ROWS", async () => {
    const rows: ExcelJS.CellValue[][] = [["bank_id", "period", "tag_system"]];
    for (let i = 1; i <= 5001; i++) rows.push(["CC2", "2025H1", (i % 5) + 1]);
    const res = await upload(await sheet(rows));
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, "XLSX_TOO_MANY_ROWS");
    assert.equal(res.body.error.message, "行数过多：每次最多导入 5000 行");
  });
  await t.step("neither CSV nor a workbook: 415", async () => {
    const res = await call("/api/assessments/import", {
      method: "POST",
      headers: { "content-type": "application/vnd.ms-excel" },
      body: "x",
    });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, "UNSUPPORTED_MEDIA_TYPE");
  });
  assert.equal(await countAssessments(db), before);
});

testBothBackends("the peer table exports as a workbook of numbers", async (_t, { db }) => {
  const { call } = await setUp(db);
  const res = await call("/api/peers/export.xlsx?group=city_commercial&bankId=CC2");
  assert.equal(res.status, 200);
  assert.equal(res.type, XLSX_TYPE);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("peers")!;
  const header = (ws.getRow(1).values as unknown[]).slice(1);
  assert.equal(header[0], "kind");
  const median = ws.getCell(2, header.indexOf("median") + 1);
  assert.equal(median.type, ExcelJS.ValueType.Number);
  const csv = await call("/api/peers/export.csv?group=city_commercial&bankId=CC2");
  const [csvHeader, first] = (csv.body as string).split("\r\n");
  assert.deepEqual(csvHeader.split(","), header);
  assert.equal(first.split(",")[header.indexOf("median")], String(median.value));
});
