import { Hono } from "hono";
import { DefinitionCard, VersionHistory } from "../../components/metrics/MetricDetail.tsx";
import { MetricTitle, UsedBy } from "../../components/metrics/MetricLibrary.tsx";
import { metricHref } from "../../components/metrics/links.ts";
import { renderPage } from "../../components/render.tsx";
import {
  experimentsUsingMetric,
  getMetric,
  metricVersions,
  unknownMetric,
} from "../../db/metrics.ts";
import { badRequest, BANK_REQUIRED } from "../../lib/errors.ts";
import { METRIC_KEY_PATTERN } from "../../lib/metrics/definition.ts";
import { metricName } from "../../lib/metrics/describe.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { canDefine, libraryBank } from "./_bank.ts";

const app = new Hono<AppEnv>();

/** A metric: its definition in both languages, who uses it, and every version. */
app.get("/metrics/:key", async (c) => {
  const { t, locale, db } = c.var;
  const key = c.req.param("key");
  if (!METRIC_KEY_PATTERN.test(key)) throw unknownMetric(key.slice(0, 64));
  const bank = await libraryBank(c);
  if (!bank) throw badRequest("BANK_REQUIRED", 'Say which bank with "?bank="', BANK_REQUIRED);
  const metric = await getMetric(db, bank.id, key);
  if (!metric) throw unknownMetric(key);
  const [versions, uses] = await Promise.all([
    metricVersions(db, bank.id, key),
    experimentsUsingMetric(db, bank.id, key),
  ]);
  return renderPage(c, {
    title: metricName(locale, metric.name),
    body: (
      <>
        <header class="page-head">
          <p class="small">
            <a href={metricHref(bank.id)}>← {t("metrics.detail.back")}</a>
          </p>
          <h1 data-testid="metric-title">
            <MetricTitle m={metric} locale={locale} bankId={bank.id} link={false} />
          </h1>
          {canDefine(c) && !metric.builtin && (
            <p class="page-links">
              <a href={metricHref(bank.id, key, "/edit")} data-testid="edit-metric">
                {t("metrics.detail.edit")}
              </a>
            </p>
          )}
        </header>
        <div class="loop-stack">
          <DefinitionCard m={metric} locale={locale} />
          <section class="card">
            <h2>{t("metrics.detail.experiments")}</h2>
            <div data-testid="used-by">
              <UsedBy uses={uses} locale={locale} bankId={bank.id} />
            </div>
          </section>
          <VersionHistory versions={versions} locale={locale} />
        </div>
      </>
    ),
  });
});

export default app;
