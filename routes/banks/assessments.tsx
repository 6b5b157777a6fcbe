import { Hono } from "hono";
import type { Context } from "hono";
import { DataTable } from "../../components/DataTable.tsx";
import { InvalidValues } from "../../components/lens/InvalidValues.tsx";
import { renderPage } from "../../components/render.tsx";
import { assessmentsOfBank } from "../../db/assessments.ts";
import { type Bank, getBank } from "../../db/banks.ts";
import { AppError, forbidden, messageIn, NO_BANK, notFound } from "../../lib/errors.ts";
import { formatDate, formatNumber, keyFor, type Translate } from "../../lib/i18n/mod.ts";
import type { CsvError } from "../../lib/lens/csv.ts";
import { isPeriod } from "../../lib/lens/period.ts";
import { invalidIndicators, scoreStoredAssessment } from "../../lib/lens/scoring.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canEditAssessments, importCsv } from "./_save.ts";
import { importXlsx, isWorkbookUpload } from "./_xlsx.ts";
import { XLSX_TYPE } from "../../lib/xlsx.ts";
import form from "./assessment_form.tsx";

const app = new Hono<AppEnv>();

async function listPage(c: Context<AppEnv>, bank: Bank, csvErrors: CsvError[] = []) {
  const { t, locale, db, scope } = c.var;
  const rows = await assessmentsOfBank(db, scope, bank.id);
  const name = locale === "zh-CN" ? bank.nameZh : bank.nameEn;
  const base = `/banks/${bank.id}/assessments`;
  const editor = canEditAssessments(c.var.user);
  return renderPage(c, {
    title: t("lens.assessmentsOf", { bank: name }),
    status: csvErrors.length ? 400 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>{t("lens.assessmentsOf", { bank: name })}</h1>
          <p class="page-links">
            <a href={`/banks/${bank.id}`}>{t("lens.scorecard")}</a> ·{" "}
            <a href={`/api/assessments/export.csv?bankId=${bank.id}`} download>
              {t("lens.csvExport")}
            </a>{" "}
            ·{" "}
            <a href={`/api/assessments/export.xlsx?bankId=${bank.id}`} download>
              {t("lens.xlsxExport")}
            </a>
          </p>
        </header>
        <DataTable
          testid="assessment-list"
          columns={[
            {
              header: t("lens.period"),
              cell: (a) => (
                <>
                  <a href={`${base}/${a.period}`}>{a.period}</a>{" "}
                  <span class="badge muted">
                    {t(`lens.status.${a.status}`)}
                  </span>
                  {invalidIndicators(a.score).length > 0 && (
                    <span class="badge warn">{t("lens.invalid")}</span>
                  )}
                </>
              ),
            },
            { header: t("lens.revision"), cell: (a) => a.revision },
            {
              header: t("lens.overall"),
              numeric: true,
              cell: (a) => formatNumber(locale, a.score.overall.score),
            },
            { header: t("lens.updatedAt"), cell: (a) => formatDate(locale, a.updatedAt, true) },
          ]}
          rows={rows.map((a) => ({ ...a, score: scoreStoredAssessment(a) }))}
          rowKey={(a) => a.period}
          rowProps={(a) => ({ "data-period": a.period })}
          detail={(a) =>
            invalidIndicators(a.score).length > 0 && (
              <InvalidValues score={a.score} editHref={`${base}/${a.period}`} {...{ locale, t }} />
            )}
          detailProps={(a) => ({ "data-invalid-period": a.period })}
        />
        {editor && (
          <div class="grid">
            <form method="get" action={base} class="card">
              <h2>{t("lens.newAssessment")}</h2>
              <label>
                {t("lens.periodLabel")}{" "}
                <input name="period" required pattern="[0-9FY]{4,6}[HQ0-9]{0,2}" />
              </label>{" "}
              <button type="submit">{t("lens.open")}</button>
            </form>
            <form
              method="post"
              action={`${base}/import`}
              enctype="multipart/form-data"
              class="card"
            >
              <h2>{t("lens.fileImport")}</h2>
              <p class="small muted">{t("lens.csvHelp")} {t("lens.xlsxHelp")}</p>
              <input type="file" name="file" accept={`.csv,text/csv,.xlsx,${XLSX_TYPE}`} required />
              {" "}
              <button type="submit">{t("lens.fileImport")}</button>
              {csvErrors.length > 0 && (
                <ul class="errors" role="alert" data-testid="csv-errors">
                  {csvErrors.slice(0, 50).map((e) => (
                    <li data-code={e.code}>{csvErrorText(t, e)}</li>
                  ))}
                </ul>
              )}
            </form>
          </div>
        )}
      </>
    ),
  });
}

async function bankOf(c: Context<AppEnv>): Promise<Bank> {
  const bank = await getBank(c.var.db, c.var.scope, c.req.param("id") ?? "");
  if (!bank) throw notFound("No such bank", NO_BANK);
  return bank;
}

app.get("/banks/:id/assessments", async (c) => {
  const bank = await bankOf(c);
  const period = c.req.query("period")?.trim().toUpperCase();
  if (period && isPeriod(period)) return c.redirect(`/banks/${bank.id}/assessments/${period}`, 303);
  return listPage(c, bank);
});

app.post("/banks/:id/assessments/import", async (c) => {
  const bank = await bankOf(c);
  if (!canEditAssessments(c.var.user)) {
    throw forbidden("Your role may not import assessments", {
      key: "error.api.role.importAssessments",
    });
  }
  const file = (await c.req.parseBody())["file"];
  const bytes = typeof file === "string"
    ? new TextEncoder().encode(file)
    : new Uint8Array(file ? await file.arrayBuffer() : []);
  let result;
  try {
    result = isWorkbookUpload(bytes, typeof file === "string" ? "" : file?.name ?? "")
      ? await importXlsx(c, bytes, "submitted")
      : await importCsv(c, new TextDecoder().decode(bytes), "submitted");
  } catch (error) {
    if (!(error instanceof AppError) || !error.code.startsWith("XLSX_")) throw error;
    const message = messageIn(error, c.var.t);
    return listPage(c, bank, [{ line: 0, column: null, code: error.code, message }]);
  }
  if ("errors" in result) return listPage(c, bank, result.errors);
  return c.redirect(`/banks/${bank.id}/assessments`, 303);
});

app.route("/", form);

/**
 * A CSV import problem in the reader's words: where (line, column) and what, the offending
 * value taken from the parser's message (its quoted part); an unknown code keeps its message.
 */
function csvErrorText(
  t: Translate,
  e: { line: number; column: string | null; code: string; message: string },
): string {
  const column = e.column ? t("csv.column", { column: e.column }) : "";
  const where = e.line > 0 ? t("csv.where", { line: e.line, column }) : ""; // 0: the whole file
  const key = keyFor("csv.err.", e.code);
  const value = e.message.match(/"([^"]*)"/)?.[0] ?? "";
  return `${where}${key ? t(key, { value }) : e.message}`;
}

export default app;
