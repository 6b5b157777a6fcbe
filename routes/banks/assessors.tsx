import { Hono } from "hono";
import type { Context } from "hono";
import { AssessmentForm, type FormState } from "../../components/lens/AssessmentForm.tsx";
import { ConsensusTable } from "../../components/lens/ConsensusTable.tsx";
import { renderPage } from "../../components/render.tsx";
import type { Bank } from "../../db/banks.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { readForm, stateOf } from "./_form.ts";
import type { DraftIssue } from "./_save.ts";
import {
  assessorTarget,
  isAssessor,
  isReconciler,
  loadConsensus,
  reconcileAndSubmit,
  saveMine,
} from "./_assessors.ts";
import { measuredFigures } from "./_evidence.ts";

/** Several assessors (issue 19 part 7): my own draft, and the consensus with its reconcile step. */
const app = new Hono<AppEnv>();

function bankName(c: Context<AppEnv>, bank: Bank): string {
  return c.var.locale === "zh-CN" ? bank.nameZh : bank.nameEn;
}

function Links({ c, bank, period }: { c: Context<AppEnv>; bank: Bank; period: string }) {
  const { t } = c.var;
  const base = `/banks/${bank.id}/assessments/${period}`;
  return (
    <p class="page-links">
      <a href={`/banks/${bank.id}`}>{t("lens.scorecard")}</a> ·{" "}
      <a href={base}>{t("lens.assessments")}</a>
      {isAssessor(c) && (
        <>
          {" · "}
          <a href={`${base}/mine`}>{t("assessors.mine")}</a>
        </>
      )}
      {" · "}
      <a href={`${base}/consensus`}>{t("assessors.consensus")}</a>
    </p>
  );
}

async function minePage(
  c: Context<AppEnv>,
  { bank, period }: { bank: Bank; period: string },
  form: { state: FormState; issues?: DraftIssue[]; saved?: boolean },
) {
  const { t, locale } = c.var;
  const issues = form.issues ?? [];
  const errors: Record<string, string[]> = Object.create(null);
  for (const i of issues) (errors[i.indicatorId] ??= []).push(i.message);
  const title = t("assessors.mineOf", { bank: bankName(c, bank), period });
  return renderPage(c, {
    title,
    status: issues.length ? 400 : 200,
    body: (
      <>
        <header class="page-head">
          <h1>{title}</h1>
          <Links c={c} bank={bank} period={period} />
          <p class="muted small">{t("assessors.mineHelp")}</p>
        </header>
        {form.saved && <p class="notice" data-testid="saved">{t("assessors.saved")}</p>}
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
          action={`/banks/${bank.id}/assessments/${period}/mine`}
          state={form.state}
          errors={errors}
          readOnly={false}
          measured={await measuredFigures(c, bank.id)}
          assessorDraft
          {...{ locale, t }}
        />
      </>
    ),
  });
}

app.get("/banks/:id/assessments/:period/mine", async (c) => {
  const target = await assessorTarget(c, "assessor");
  const { drafts } = await loadConsensus(c, target.bank.id, target.period);
  const mine = drafts.find((d) => d.assessorId === c.var.user!.id);
  const empty = { values: {}, notApplicable: {}, evidence: {} };
  return minePage(c, target, {
    state: stateOf(mine ?? empty),
    saved: c.req.query("saved") === "1",
  });
});

app.post("/banks/:id/assessments/:period/mine", async (c) => {
  const target = await assessorTarget(c, "assessor");
  const { t, locale } = c.var;
  const { draft, state, issues } = readForm(await c.req.parseBody({ all: true }), { t, locale });
  if (!issues.length) issues.push(...await saveMine(c, target.bank.id, target.period, draft));
  if (issues.length) return minePage(c, target, { state, issues });
  return c.redirect(`/banks/${target.bank.id}/assessments/${target.period}/mine?saved=1`, 303);
});

app.get("/banks/:id/assessments/:period/consensus", async (c) => {
  const { bank, period } = await assessorTarget(c, "reader");
  const { t, locale } = c.var;
  const { drafts, indicators } = await loadConsensus(c, bank.id, period);
  const title = t("assessors.consensusOf", { bank: bankName(c, bank), period });
  const reconciled = Number(c.req.query("reconciled"));
  return renderPage(c, {
    title,
    body: (
      <>
        <header class="page-head">
          <h1>{title}</h1>
          <Links c={c} bank={bank} period={period} />
        </header>
        {reconciled > 0 && (
          <p class="notice" data-testid="reconciled">
            {t("assessors.reconciled", { revision: reconciled })}
          </p>
        )}
        {drafts.length === 0 ? <p class="muted">{t("assessors.none")}</p> : (
          <ConsensusTable
            action={`/banks/${bank.id}/assessments/${period}/consensus`}
            drafts={drafts}
            indicators={indicators}
            canReconcile={isReconciler(c)}
            {...{ locale, t }}
          />
        )}
      </>
    ),
  });
});

app.post("/banks/:id/assessments/:period/consensus", async (c) => {
  const { bank, period } = await assessorTarget(c, "reconciler");
  const body = await c.req.parseBody();
  const choices = Object.fromEntries(
    Object.entries(body).flatMap(([key, value]) =>
      key.startsWith("c:") && typeof value === "string" && value !== "median"
        ? [[key.slice(2), value]]
        : []
    ),
  );
  const saved = await reconcileAndSubmit(c, bank.id, period, choices);
  return c.redirect(
    `/banks/${bank.id}/assessments/${period}/consensus?reconciled=${saved.revision}`,
    303,
  );
});

export default app;
