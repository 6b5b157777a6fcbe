import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { getAssessment, listAssessments, listRevisions } from "../../db/assessments.ts";
import { getBank } from "../../db/banks.ts";
import {
  AppError,
  badPeriod,
  badRequest,
  forbidden,
  NO_ASSESSMENT,
  NO_BANK,
  notFound,
} from "../../lib/errors.ts";
import { assessmentsToCsv } from "../../lib/lens/csv.ts";
import { assessmentsToXlsx } from "../../lib/lens/xlsx.ts";
import { XLSX_TYPE } from "../../lib/xlsx.ts";
import { isPeriod } from "../../lib/lens/period.ts";
import { scoreAssessment, scoreStoredAssessment } from "../../lib/lens/scoring.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { readJson } from "../../plugins/validate.ts";
import { storableText } from "../../lib/text_schema.ts";
import { canEditAssessments, draftIssues, importCsv, saveDraft } from "../banks/_save.ts";
import { checkEvidence, evidenceError, splitValues, valueEntry } from "../banks/_evidence.ts";
import { provenanceOf } from "./_provenance.ts";
import { importXlsx } from "../banks/_xlsx.ts";

const saveBody = z.strictObject({
  values: z.record(storableText(), valueEntry),
  notApplicable: z.record(storableText(), storableText()).optional(),
  evidence: z.record(storableText(), storableText()).optional(),
  status: z.enum(["draft", "submitted"]),
});

/** Assessments of the banks in the caller's scope, mounted at `/api/assessments`. */
const app = new Hono<AppEnv>();

function periodParam(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isPeriod(value)) throw badRequest("BAD_PERIOD", `Bad period "${value}"`, badPeriod(value));
  return value;
}

async function target(c: Context<AppEnv>) {
  const bank = await getBank(c.var.db, c.var.scope, c.req.param("bankId") ?? "");
  if (!bank) throw notFound("No such bank", NO_BANK);
  return { bank, period: periodParam(c.req.param("period"))! };
}

app.get("/", async (c) => {
  const rows = await listAssessments(c.var.db, c.var.scope, {
    period: periodParam(c.req.query("period")),
  });
  return c.json({
    assessments: rows.map(({ values, notApplicable, evidence: _e, valueEvidence: _v, ...a }) => ({
      ...a,
      overall: scoreStoredAssessment({ values, notApplicable }).overall,
    })),
  });
});

async function exported(c: Context<AppEnv>) {
  const bankId = c.req.query("bankId");
  return (await listAssessments(c.var.db, c.var.scope, {
    period: periodParam(c.req.query("period")),
  })).filter((a) => !bankId || a.bankId === bankId);
}

app.get("/export.csv", async (c) => {
  const rows = await exported(c);
  c.header("Content-Disposition", `attachment; filename="assessments.csv"`);
  return c.body(assessmentsToCsv(rows), 200, { "Content-Type": "text/csv; charset=utf-8" });
});

app.get("/export.xlsx", async (c) => {
  const workbook = await assessmentsToXlsx(await exported(c), { created: c.var.now() });
  c.header("Content-Disposition", `attachment; filename="assessments.xlsx"`);
  return c.body(workbook.slice().buffer, 200, { "Content-Type": XLSX_TYPE });
});

app.post("/import", async (c) => {
  if (!canEditAssessments(c.var.user)) {
    throw forbidden("Your role may not import assessments", {
      key: "error.api.role.importAssessments",
    });
  }
  const type = c.req.header("content-type") ?? "";
  const status = c.req.query("status") === "draft" ? "draft" : "submitted";
  if (type.split(";")[0].trim().toLowerCase() === XLSX_TYPE) {
    const result = await importXlsx(c, new Uint8Array(await c.req.arrayBuffer()), status);
    if ("errors" in result) {
      const message = c.var.t("error.code.XLSX_INVALID");
      return c.json({ error: { code: "XLSX_INVALID", message, errors: result.errors } }, 400);
    }
    return c.json(result);
  }
  if (!/^text\/csv/i.test(type)) {
    const message = `Expected "Content-Type: text/csv" or "${XLSX_TYPE}"`;
    throw new AppError(415, "UNSUPPORTED_MEDIA_TYPE", message, {}, {
      key: "error.api.expectCsvOrXlsx",
      params: { xlsx: XLSX_TYPE },
    });
  }
  const result = await importCsv(c, await c.req.text(), status);
  if ("errors" in result) {
    const message = `${result.errors.length} problem(s) in the CSV; nothing was imported`;
    return c.json({ error: { code: "CSV_INVALID", message, errors: result.errors } }, 400);
  }
  return c.json(result);
});

app.get("/:bankId/:period", async (c) => {
  const { bank, period } = await target(c);
  const assessment = await getAssessment(c.var.db, c.var.scope, bank.id, period);
  if (!assessment) throw notFound("No such assessment", NO_ASSESSMENT);
  const score = scoreStoredAssessment(assessment);
  return c.json({ assessment, ...provenanceOf(assessment, score), score });
});

app.get("/:bankId/:period/revisions", async (c) => {
  const { bank, period } = await target(c);
  const revisions = await listRevisions(c.var.db, c.var.scope, bank.id, period);
  if (revisions.length === 0) throw notFound("No such assessment", NO_ASSESSMENT);
  return c.json({ revisions });
});

app.put("/:bankId/:period", async (c) => {
  const { bank, period } = await target(c);
  if (!canEditAssessments(c.var.user)) {
    throw forbidden("Your role may not edit assessments", {
      key: "error.api.role.editAssessments",
    });
  }
  const body = await readJson(c, saveBody);
  const { values, notes, valueEvidence } = splitValues(body.values, body.evidence);
  const draft = {
    values,
    notApplicable: body.notApplicable ?? {},
    evidence: notes,
    valueEvidence,
    status: body.status,
  };
  const issues = draftIssues(draft, { t: c.var.t, locale: c.var.locale });
  if (issues.length) {
    throw badRequest(issues[0].code, issues.slice(0, 5).map((i) => i.message).join("; "));
  }
  const checked = await checkEvidence(c, bank.id, draft);
  if (checked.issues.length) throw evidenceError(checked.issues);
  const assessment = await saveDraft(c, bank.id, period, { ...draft, values: checked.values });
  const score = scoreAssessment(assessment);
  return c.json({ assessment, ...provenanceOf(assessment, score), score });
});

export default app;
