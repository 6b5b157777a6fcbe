/**
 * The assessments page in Chromium, in Chinese and in English: an Excel workbook uploaded through
 * the import form is imported (the new period listed), a workbook with an unsaved formula is
 * refused with the cell's line and column in the page's language, and a file that is no
 * workbook with one sentence for the whole file. Screenshots in /tmp/shots (or $SHOTS_DIR).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import ExcelJS from "exceljs";
import { browserTest, signIn } from "./helpers.ts";

const SHOTS = Deno.env.get("SHOTS_DIR") ?? "/tmp/shots";

async function workbook(rows: ExcelJS.CellValue[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("评估");
  for (const row of rows) ws.addRow(row);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const header = ["bank_id", "period", "app_mau_penetration", "tag_system"];

browserTest(
  "assessments import takes an Excel workbook in both languages",
  async ({ origin, browser }) => {
    await Deno.mkdir(SHOTS, { recursive: true });
    for (const lang of ["zh-CN", "en"] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: "lang", value: lang, url: origin }]);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await signIn(page, origin, "/banks/CC2/assessments");
      const period = lang === "en" ? "2024Q4" : "2024Q3";
      const send = async (name: string, bytes: Uint8Array) => {
        await page.locator("input[type=file][name=file]").setInputFiles({
          name,
          mimeType: XLSX,
          buffer: Buffer.from(bytes),
        });
        await Promise.all([
          page.waitForNavigation(),
          page.locator("form[enctype='multipart/form-data'] button[type=submit]").click(),
        ]);
      };

      // the bank's own export, its first row given a new period: a complete, submittable workbook
      const exported = await page.request.get(`${origin}/api/assessments/export.xlsx?bankId=CC2`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await exported.body()) as unknown as ArrayBuffer);
      const ws = wb.worksheets[0];
      ws.getCell("B2").value = period;
      ws.spliceRows(3, ws.rowCount);
      await send("评估.xlsx", new Uint8Array(await wb.xlsx.writeBuffer()));
      await page.waitForSelector(`tr[data-period='${period}']`);

      await send(
        "bad.xlsx",
        await workbook([header, [
          "CC2",
          period,
          { formula: "40+1.5" } as ExcelJS.CellFormulaValue,
          3,
        ]]),
      );
      const problem = await page.locator("[data-testid=csv-errors] li").first();
      assert.equal(await problem.getAttribute("data-code"), "XLSX_FORMULA_NO_VALUE");
      assert.match(
        await problem.innerText(),
        lang === "zh-CN"
          ? /^第 2 行，“app_mau_penetration”列：公式 "=40\+1\.5" 没有保存的计算结果/
          : /^Line 2, column "app_mau_penetration": The formula "=40\+1\.5" has no saved result/,
      );
      await page.screenshot({ path: `${SHOTS}/xlsx-import-${lang}.png`, fullPage: true });

      await send("notes.xlsx", new TextEncoder().encode("bank_id,period\nCC2,2025H1\n"));
      const whole = page.locator("[data-testid=csv-errors] li").first();
      assert.equal(await whole.getAttribute("data-code"), "XLSX_NOT_A_WORKBOOK");
      assert.match(
        await whole.innerText(),
        lang === "zh-CN" ? /^这不是 Excel 工作簿（\.xlsx）/ : /^Not an Excel workbook \(\.xlsx\)/,
      );
      assert.equal(
        await page.locator(`a[href='/api/assessments/export.xlsx?bankId=CC2']`).count(),
        1,
      );
      assert.deepEqual(errors, []);
      await context.close();
    }
  },
);
