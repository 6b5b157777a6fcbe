import { type Context, Hono } from "hono";
import { HoldoutReport } from "../../components/governance/HoldoutReport.tsx";
import { BankPicker } from "../../components/BankPicker.tsx";
import { renderPage } from "../../components/render.tsx";
import { listMetrics } from "../../db/metrics.ts";
import { AppError, messageIn } from "../../lib/errors.ts";
import { EXPERIMENT_MANAGERS } from "../../lib/roles.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import { choosableBanks, requestedBank } from "../alerts/_bank.ts";
import { bankHoldout, holdoutMetrics, holdoutReport } from "./_report.ts";

/**
 * `/holdout`: the global holdout's report (issue 17). The metrics are chosen from the library
 * (`?metrics=a,b` or one `metrics=` per box); without a holdout the page says how to set one.
 */
const app = new Hono<AppEnv>();
guardPage(app, "/holdout");

async function bankPicker(c: Context<AppEnv>) {
  const { t, locale } = c.var;
  const banks = await choosableBanks(c);
  return (
    <BankPicker
      {...{ t, locale, banks }}
      action="/holdout"
      label="holdout.pickBank"
      submit="holdout.show"
    />
  );
}

app.get("/holdout", async (c) => {
  const { t, locale, db } = c.var;
  const bankId = await requestedBank(c);
  const page = (body: unknown, status: 200 | 400 = 200) =>
    renderPage(c, {
      title: t("holdout.title"),
      status,
      body: (
        <>
          <header class="page-head">
            <h1>
              {t("holdout.title")}
              {bankId && <span class="badge" data-testid="bank">{bankId}</span>}
            </h1>
            <p class="muted">{t("holdout.intro")}</p>
          </header>
          {body}
        </>
      ),
    });
  if (!bankId) return page(await bankPicker(c));
  const holdout = await bankHoldout(c, bankId);
  if (!holdout) {
    return page(
      <section class="card" data-testid="holdout-none">
        <p>{t("holdout.none")}</p>
        <p class="muted">{t("holdout.noneHow")}</p>
        {EXPERIMENT_MANAGERS.includes(c.var.user!.role) && (
          <p>
            <a href={`/governance/policy?bank=${encodeURIComponent(bankId)}`}>
              {t("holdout.policyLink")}
            </a>
          </p>
        )}
      </section>,
    );
  }
  const asked = c.req.queries("metrics") ?? [];
  const chosen = new Set(asked.join(",").split(",").map((k) => k.trim()).filter((k) => k));
  const library = (await listMetrics(db, bankId)).filter((m) =>
    m.source !== "experiment_conversions"
  );
  let error: string | null = null;
  let report = null;
  if (chosen.size > 0) {
    try {
      const metrics = await holdoutMetrics(c, bankId, [...chosen].join(","));
      report = await holdoutReport(c, bankId, holdout, metrics);
    } catch (e) {
      if (!(e instanceof AppError && e.status === 400)) throw e;
      error = messageIn(e, t);
    }
  }
  const form = (
    <form method="get" action="/holdout" class="card" data-testid="holdout-form">
      <input type="hidden" name="bank" value={bankId} />
      <fieldset>
        <legend>{t("holdout.metrics")}</legend>
        <p class="muted small">{t("holdout.metricsHint")}</p>
        {library.map((m) => (
          <label class="check">
            <input
              type="checkbox"
              name="metrics"
              value={m.key}
              checked={chosen.has(m.key)}
              data-testid={`metric-${m.key}`}
            />{" "}
            {m.name[locale]} <code class="small">{m.key}</code>
          </label>
        ))}
      </fieldset>
      <button type="submit" data-testid="holdout-submit">{t("holdout.show")}</button>
    </form>
  );
  return page(
    <div class="loop-stack">
      {form}
      {error && <p class="errors" role="alert" data-testid="holdout-error">{error}</p>}
      {report && report.holdout && report.window
        ? (
          <HoldoutReport
            report={{ ...report, holdout: report.holdout, window: report.window }}
            t={t}
            locale={locale}
          />
        )
        : !error && <p class="muted" data-testid="holdout-choose">{t("holdout.noMetrics")}</p>}
    </div>,
    error ? 400 : 200,
  );
});

export default app;
