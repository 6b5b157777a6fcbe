import { type Context, Hono } from "hono";
import { MetricLibrary } from "../../components/metrics/MetricLibrary.tsx";
import { metricHref } from "../../components/metrics/links.ts";
import { BankPicker } from "../../components/BankPicker.tsx";
import { renderPage } from "../../components/render.tsx";
import { experimentsUsingMetric, listMetrics } from "../../db/metrics.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { guardPage } from "../../plugins/session.ts";
import { canDefine, choosableBanks, libraryBank } from "./_bank.ts";
import detail from "./detail.tsx";
import edit from "./edit.tsx";

const app = new Hono<AppEnv>();
guardPage(app, "/metrics");

/** An admin without `?bank=` first chooses whose library to read. */
async function bankPicker(c: Context<AppEnv>) {
  const { t, locale } = c.var;
  const banks = await choosableBanks(c);
  return (
    <BankPicker
      {...{ t, locale, banks }}
      action="/metrics"
      label="metrics.pickBank"
      submit="metrics.show"
    />
  );
}

app.get("/metrics", async (c) => {
  const { t, locale, db } = c.var;
  const bank = await libraryBank(c);
  const metrics = bank ? await listMetrics(db, bank.id) : [];
  const uses = new Map(
    bank
      ? await Promise.all(
        metrics.map(async (m) =>
          [m.key, await experimentsUsingMetric(db, bank.id, m.key)] as const
        ),
      )
      : [],
  );
  return renderPage(c, {
    title: t("metrics.title"),
    body: (
      <>
        <header class="page-head">
          <h1>
            {t("metrics.title")}
            {bank && <span class="badge" data-testid="bank">{bank.id}</span>}
          </h1>
          <p class="muted">{t("metrics.intro")}</p>
          {bank && canDefine(c) && (
            <p class="page-links">
              <a href={metricHref(bank.id, "", "/new")} data-testid="new-metric">
                {t("metrics.new")}
              </a>
            </p>
          )}
          {bank && !canDefine(c) && <p class="muted small">{t("metrics.readOnly")}</p>}
        </header>
        {bank
          ? <MetricLibrary metrics={metrics} uses={uses} locale={locale} bankId={bank.id} />
          : await bankPicker(c)}
      </>
    ),
  });
});

app.route("/", edit);
app.route("/", detail);

export default app;
