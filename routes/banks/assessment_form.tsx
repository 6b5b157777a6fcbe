import { Hono } from "hono";
import type { Context } from "hono";
import { AssessmentForm, type FormState } from "../../components/lens/AssessmentForm.tsx";
import { invalidMessage, InvalidValues } from "../../components/lens/InvalidValues.tsx";
import { RevisionList } from "../../components/lens/RevisionList.tsx";
import { renderPage } from "../../components/render.tsx";
import { getAssessment, listRevisions } from "../../db/assessments.ts";
import { type Bank, getBank } from "../../db/banks.ts";
import { forbidden, NO_ASSESSMENT, notFound } from "../../lib/errors.ts";
import { isPeriod } from "../../lib/lens/period.ts";
import { invalidIndicators, scoreStoredAssessment } from "../../lib/lens/scoring.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { readForm, stateOf } from "./_form.ts";
import { canEditAssessments, type DraftIssue, saveDraft } from "./_save.ts";
import { checkEvidence, measuredFigures } from "./_evidence.ts";
import { isAssessor, isReconciler } from "./_assessors.ts";

const app = new Hono<AppEnv>();

async function target(c: Context<AppEnv>): Promise<{ bank: Bank; period: string }> {
  const bank = await getBank(c.var.db, c.var.scope, c.req.param("id") ?? "");
  const period = c.req.param("period") ?? "";
  if (!bank || !isPeriod(period)) throw notFound("No such assessment", NO_ASSESSMENT);
  return { bank, period };
}

async function page(
  c: Context<AppEnv>,
  { bank, period }: { bank: Bank; period: string },
  form: { state: FormState; issues?: DraftIssue[]; saved?: boolean; revision?: number },
) {
  const { t, locale, db, scope } = c.var;
  const revisions = await listRevisions(db, scope, bank.id, period);
  const current = await getAssessment(db, scope, bank.id, period);
  const issues = form.issues ?? [];
  // No prototype: an issue may name any id a client sent (`v:constructor`).
  const errors: Record<string, string[]> = Object.create(null);
  for (const i of issues) (errors[i.indicatorId] ??= []).push(i.message);
  // Values stored before the range rule: flagged at the top and at their fields, until corrected.
  const stored = current && !issues.length && form.revision === undefined
    ? scoreStoredAssessment(current)
    : null;
  for (const i of stored ? invalidIndicators(stored) : []) {
    (errors[i.id] ??= []).push(invalidMessage(locale, t, i));
  }
  const readOnly = !canEditAssessments(c.var.user) || form.revision !== undefined;
  const name = locale === "zh-CN" ? bank.nameZh : bank.nameEn;
  const title = `${name} · ${period}`;
  return renderPage(c, {
    title,
    status: issues.length ? 400 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>{title}</h1>
          <p class="page-links">
            <a href={`/banks/${bank.id}`}>{t("lens.scorecard")}</a> ·{" "}
            <a href={`/banks/${bank.id}/assessments`}>{t("lens.assessments")}</a>
            {(isAssessor(c) || isReconciler(c)) && (
              <>
                {isAssessor(c) && (
                  <>
                    {" · "}
                    <a href={`/banks/${bank.id}/assessments/${period}/mine`}>
                      {t("assessors.openMine")}
                    </a>
                  </>
                )}
                {" · "}
                <a href={`/banks/${bank.id}/assessments/${period}/consensus`}>
                  {t("assessors.openConsensus")}
                </a>
              </>
            )}
          </p>
          {current && (
            <p>
              <span class="badge">{t(`lens.status.${current.status}`)}</span> {t("lens.revision")}
              {" "}
              {current.revision} · {current.modelId} {current.modelVersion}
            </p>
          )}
        </header>
        {form.saved && <p class="notice" data-testid="saved">{t("lens.saved")}</p>}
        {form.revision !== undefined && (
          <p class="notice">
            {t("lens.viewingRevision", { revision: form.revision })}{" "}
            <a href={`/banks/${bank.id}/assessments/${period}`}>{t("lens.backToCurrent")}</a>
          </p>
        )}
        {!canEditAssessments(c.var.user) && <p class="muted">{t("lens.readOnly")}</p>}
        {stored && (
          <InvalidValues
            score={stored}
            editHref={`/banks/${bank.id}/assessments/${period}`}
            {...{ locale, t }}
          />
        )}
        {issues.length > 0 && (
          <div class="errors" role="alert" data-testid="form-errors">
            <p>{t("lens.formErrors", { count: issues.length })}</p>
            <ul>
              {issues.map((i) => (
                <li>
                  <a href={`#f-${i.indicatorId}`}>{i.message}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        <AssessmentForm
          action={`/banks/${bank.id}/assessments/${period}`}
          measured={await measuredFigures(c, bank.id)}
          state={form.state}
          errors={errors}
          readOnly={readOnly}
          locale={locale}
          t={t}
        />
        <RevisionList
          revisions={revisions}
          base={`/banks/${bank.id}/assessments/${period}`}
          {...{ locale, t }}
        />
      </>
    ),
  });
}

app.get("/banks/:id/assessments/:period", async (c) => {
  const found = await target(c);
  const { db, scope } = c.var;
  const rev = Number(c.req.query("revision"));
  if (c.req.query("revision") !== undefined) {
    const revision = (await listRevisions(db, scope, found.bank.id, found.period))
      .find((r) => r.revision === rev);
    if (!revision) throw notFound("No such revision", { key: "error.api.noRevision" });
    return page(c, found, { state: stateOf(revision), revision: rev });
  }
  const current = await getAssessment(db, scope, found.bank.id, found.period);
  if (!current && !canEditAssessments(c.var.user)) {
    throw notFound("No such assessment", NO_ASSESSMENT);
  }
  const empty = { values: {}, notApplicable: {}, evidence: {} };
  return page(c, found, { state: stateOf(current ?? empty), saved: c.req.query("saved") === "1" });
});

app.post("/banks/:id/assessments/:period", async (c) => {
  const found = await target(c);
  if (!canEditAssessments(c.var.user)) {
    throw forbidden("Your role may not edit assessments", {
      key: "error.api.role.editAssessments",
    });
  }
  const { t, locale } = c.var;
  const { draft, state, issues } = readForm(await c.req.parseBody({ all: true }), { t, locale });
  const checked = await checkEvidence(c, found.bank.id, {
    values: draft.values,
    valueEvidence: draft.valueEvidence ?? {},
  });
  issues.push(...checked.issues);
  if (issues.length) return page(c, found, { state, issues });
  await saveDraft(c, found.bank.id, found.period, { ...draft, values: checked.values });
  return c.redirect(`/banks/${found.bank.id}/assessments/${found.period}?saved=1`, 303);
});

export default app;
