import { DataTable } from "../DataTable.tsx";
import { formatDate, type Locale, translator } from "../../lib/i18n/mod.ts";
import { eventsOf } from "../../lib/metrics/definition.ts";
import { describeMetric, metricName, windowShort } from "../../lib/metrics/describe.ts";
import type { ShownMetric } from "./MetricLibrary.tsx";

const other = (locale: Locale): Locale => (locale === "en" ? "zh-CN" : "en");

/** The definition in force: in plain words in both languages, and its parts. */
export function DefinitionCard({ m, locale }: { m: ShownMetric; locale: Locale }) {
  const t = translator(locale);
  const events = m.builtin ? [] : eventsOf(m);
  return (
    <section class="card" data-testid="definition-card">
      <p class="metric-definition" data-testid="definition">{describeMetric(locale, m)}</p>
      <p class="muted small" lang={other(locale)} data-testid="definition-other">
        {describeMetric(other(locale), m)}
      </p>
      <dl class="metric-facts">
        <div>
          <dt>{t("metrics.col.kind")}</dt>
          <dd>{t(`metrics.kind.${m.kind}`)}</dd>
        </div>
        <div>
          <dt>{t("metrics.col.direction")}</dt>
          <dd data-testid="direction">{t(`metrics.direction.${m.direction}`)}</dd>
        </div>
        <div>
          <dt>{t("metrics.col.window")}</dt>
          <dd>{windowShort(locale, m.windowHours)}</dd>
        </div>
        {events.length > 0 && (
          <div>
            <dt>{t("metrics.detail.events")}</dt>
            <dd>{events.map((e) => <code key={e}>{e}</code>)}</dd>
          </div>
        )}
        {m.description && (
          <div class="wide">
            <dt>{t("metrics.detail.description")}</dt>
            <dd>{locale === "en" ? m.description.en : m.description["zh-CN"]}</dd>
          </div>
        )}
      </dl>
      {m.builtin && <p class="muted small">{t("metrics.detail.builtinNote")}</p>}
    </section>
  );
}

/** Every version, newest first: when, by whom, its name and definition in plain words. */
export function VersionHistory(
  { versions, locale }: { versions: ShownMetric[]; locale: Locale },
) {
  const t = translator(locale);
  return (
    <section class="card">
      <h2>{t("metrics.detail.history")}</h2>
      <div class="table-scroll">
        <DataTable
          testid="versions"
          columns={[
            {
              header: t("metrics.col.version"),
              rowHeader: true,
              cell: (v) => (
                <>
                  {v.version}
                  {v === versions[0] && <span class="badge">{t("metrics.detail.current")}</span>}
                </>
              ),
            },
            {
              header: t("metrics.col.changedAt"),
              cell: (v) => (
                <>
                  {v.createdAt ? formatDate(locale, v.createdAt, true) : "—"}
                  <br />
                  <span class="muted small">{v.createdByName ?? t("metrics.detail.system")}</span>
                </>
              ),
            },
            {
              header: t("metrics.col.metric"),
              cell: (v) => (
                <>
                  {metricName(locale, v.name)}
                  <br />
                  <span class="muted small">{t(`metrics.direction.${v.direction}`)}</span>
                </>
              ),
            },
            { header: t("metrics.col.definition"), cell: (v) => describeMetric(locale, v) },
          ]}
          rows={versions}
          rowProps={(v) => ({ "data-version": String(v.version) })}
        />
      </div>
    </section>
  );
}
