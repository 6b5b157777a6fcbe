import { experimentHref } from "../experiments/links.ts";
import { formatDate, type Locale, translator } from "../../lib/i18n/mod.ts";
import type { MetricDefinition, MetricRole } from "../../lib/metrics/definition.ts";
import { describeMetric, metricName, windowShort } from "../../lib/metrics/describe.ts";
import { metricHref } from "./links.ts";

/** A metric as the library shows it (db/metrics.ts `LibraryMetric`). */
export interface ShownMetric extends MetricDefinition {
  createdAt: Date | null;
  createdByName: string | null;
}

/** An experiment reading a metric in one role (db/metrics.ts `MetricUse`). */
export interface ShownUse {
  key: string;
  name: string;
  status: "draft" | "running" | "stopped" | "decided";
  role: MetricRole;
}

/** Name, key and badges of a metric. */
export function MetricTitle(
  { m, locale, bankId, link }: { m: ShownMetric; locale: Locale; bankId: string; link: boolean },
) {
  const t = translator(locale);
  const name = metricName(locale, m.name);
  return (
    <>
      {link ? <a href={metricHref(bankId, m.key)}>{name}</a> : name} <code>{m.key}</code>
      {m.builtin && <span class="badge" data-testid="builtin">{t("metrics.builtin")}</span>}
      <span class="badge">{t(`metrics.kind.${m.kind}`)}</span>
      <span class="badge" data-testid="version">{t("metrics.version", { n: m.version })}</span>
    </>
  );
}

/** The experiments using a metric, each link naming the bank, with the role it has there. */
export function UsedBy(
  { uses, locale, bankId }: { uses: ShownUse[]; locale: Locale; bankId: string },
) {
  const t = translator(locale);
  if (uses.length === 0) return <span class="muted">{t("metrics.notUsed")}</span>;
  return (
    <ul class="uses">
      {uses.map((u) => (
        <li data-experiment={u.key} data-role={u.role}>
          <a href={experimentHref({ key: u.key, bankId })}>{u.name}</a>{" "}
          <span class="muted small">
            {t(`metrics.role.${u.role}`)} · {t(`loop.status.${u.status}`)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The library: one card per metric with its definition in plain words and who uses it. */
export function MetricLibrary(
  { metrics, uses, locale, bankId }: {
    metrics: ShownMetric[];
    uses: Map<string, ShownUse[]>;
    locale: Locale;
    bankId: string;
  },
) {
  const t = translator(locale);
  return (
    <ul class="metric-list" data-testid="metric-list">
      {metrics.map((m) => (
        <li class="card metric-card" data-key={m.key} data-builtin={String(m.builtin)}>
          <h2>
            <MetricTitle m={m} locale={locale} bankId={bankId} link />
          </h2>
          <p class="metric-definition" data-testid="definition">{describeMetric(locale, m)}</p>
          <dl class="metric-facts">
            <div>
              <dt>{t("metrics.col.direction")}</dt>
              <dd data-testid="direction">{t(`metrics.direction.${m.direction}`)}</dd>
            </div>
            <div>
              <dt>{t("metrics.col.window")}</dt>
              <dd>{windowShort(locale, m.windowHours)}</dd>
            </div>
            {m.createdAt && (
              <div>
                <dt>{t("metrics.col.changedAt")}</dt>
                <dd>
                  {formatDate(locale, m.createdAt)}
                  {m.createdByName && ` · ${m.createdByName}`}
                </dd>
              </div>
            )}
            <div class="metric-uses">
              <dt>{t("metrics.col.usedBy")}</dt>
              <dd>
                <UsedBy uses={uses.get(m.key) ?? []} locale={locale} bankId={bankId} />
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}
