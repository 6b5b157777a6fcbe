import { Island } from "../Island.tsx";
import { levelText } from "../tools/significance.ts";
import {
  formatNumber,
  formatPercent,
  formatPValue,
  type Locale,
  translator,
} from "../../lib/i18n/mod.ts";
import type { MetricComparison, MetricResult } from "../../lib/metrics/analysis.ts";
import type { MetricRole } from "../../lib/metrics/definition.ts";
import { describeMetric, metricName, windowShort } from "../../lib/metrics/describe.ts";
import MetricChart, { type MetricChartRow } from "../../islands/MetricChart.tsx";
import { metricHref } from "./links.ts";

type Fmt = (v: number | null | undefined) => string;

/** How a metric's values, differences and intervals read: percent for proportions. */
function formats(m: MetricResult, locale: Locale) {
  const t = translator(locale);
  const share = m.kind === "proportion";
  const signed = (v: number, digits: number) =>
    formatNumber(locale, v, { maximumFractionDigits: digits, signDisplay: "exceptZero" });
  const value: Fmt = (v) =>
    share ? formatPercent(locale, v, 2) : formatNumber(locale, v, { maximumFractionDigits: 2 });
  const diff: Fmt = (v) =>
    v === null || v === undefined || !Number.isFinite(v)
      ? "—"
      : share
      ? t("metrics.results.pp", { v: signed(v * 100, 2) })
      : signed(v, 2);
  const rel: Fmt = (v) =>
    v === null || v === undefined || !Number.isFinite(v) ? "—" : formatNumber(locale, v, {
      style: "percent",
      maximumFractionDigits: 1,
      minimumFractionDigits: 1,
      signDisplay: "exceptZero",
    });
  const range = (ci: [number, number] | null, f: Fmt) => (ci ? `${f(ci[0])} ～ ${f(ci[1])}` : "—");
  return { value, diff, rel, range };
}

function Verdict(
  { c, role, locale }: { c: MetricComparison; role: MetricRole; locale: Locale },
) {
  const t = translator(locale);
  if (role === "guardrail") {
    return c.worse
      ? (
        <span class="verdict-breach" data-verdict="breach">
          <span aria-hidden="true">✗</span> {t("metrics.results.breach")}
        </span>
      )
      : (
        <span class="verdict-pass" data-verdict="pass">
          <span aria-hidden="true">✓</span> {t("metrics.results.pass")}
        </span>
      );
  }
  if (c.better) {
    return (
      <span class="verdict-better" data-verdict="better">
        <span aria-hidden="true">▲</span> {t("metrics.results.better")}
      </span>
    );
  }
  if (c.worse) {
    return (
      <span class="verdict-worse" data-verdict="worse">
        <span aria-hidden="true">▼</span> {t("metrics.results.worse")}
      </span>
    );
  }
  return <span data-verdict="none">– {t("metrics.results.notSignificant")}</span>;
}

/** The metric's heading row: name (link), key, version, window, direction, guardrail status. */
function MetricHead({ m, locale, bankId }: { m: MetricResult; locale: Locale; bankId: string }) {
  const t = translator(locale);
  return (
    <tr class="group-row metric-head" data-metric={m.key}>
      <th scope="colgroup" colspan={8}>
        <div class="head-inner">
          <a href={metricHref(bankId, m.key)}>{metricName(locale, m.name)}</a> <code>{m.key}</code>
          {m.role === "guardrail" && m.breached !== undefined && !unread(m) && (
            <span
              class={`badge ${m.breached ? "breach" : "pass"}`}
              data-testid="guardrail-status"
              data-breached={String(m.breached)}
            >
              {m.breached ? "✗ " : "✓ "}
              {t(m.breached ? "metrics.results.guardrailBreach" : "metrics.results.guardrailPass")}
            </span>
          )}
          <span class="muted small metric-meta">
            {t("metrics.results.metricMeta", {
              version: m.version,
              window: windowShort(locale, m.windowHours),
              direction: t(`metrics.direction.${m.direction}`),
            })}
            {m.sequential && ` · ${t("metrics.results.sequential")}`}
            {m.cuped && ` · ${
              t("metrics.results.cuped", {
                theta: formatNumber(locale, m.cuped.theta, { maximumFractionDigits: 3 }),
              })
            }`}
            {m.capValue !== null && ` · ${
              t("metrics.results.capApplied", {
                value: formatNumber(locale, m.capValue, { maximumFractionDigits: 2 }),
              })
            }`}
          </span>
          <span class="muted small metric-meta">{describeMetric(locale, m)}</span>
        </div>
      </th>
    </tr>
  );
}

/** One arm of one metric: customers, value, and against the control its lift and p-values. */
function ArmRows({ m, locale }: { m: MetricResult; locale: Locale }) {
  const t = translator(locale);
  const f = formats(m, locale);
  if (unread(m)) {
    const computing = m.warnings.includes("COMPUTING");
    return (
      <tr
        data-metric={m.key}
        data-not-measured={computing ? undefined : "true"}
        data-computing={computing ? "true" : undefined}
      >
        <td colspan={8} class="muted">
          {t(computing ? "metrics.results.warn.COMPUTING" : "metrics.results.warn.NOT_MEASURED")}
        </td>
      </tr>
    );
  }
  const defaultLevel = 1 - m.alpha;
  return (
    <>
      {m.variants.map((v, i) => {
        const c = m.comparisons.find((x) => x.variant === v.name);
        return (
          <tr data-metric={m.key} data-variant={v.name}>
            <th scope="row">
              {v.name}
              {i === 0 && v.name !== "control" && (
                <span class="badge">{t("metrics.results.control")}</span>
              )}
            </th>
            <td class="num" data-testid="units">{formatNumber(locale, v.units)}</td>
            <td class="num" data-testid="mean">{f.value(v.mean)}</td>
            <td class="num">
              {c ? f.rel(c.relativeLift) : "—"}
              {c && <span class="muted small block">{f.diff(c.absoluteLift)}</span>}
            </td>
            <td>
              {c ? f.range(c.relativeCi, f.rel) : "—"}
              {c && <span class="muted small block">{f.range(c.ci, f.diff)}</span>}
              {c && c.ci && Math.abs(c.ciLevel - defaultLevel) > 1e-9 && (
                <span class="muted small block">({levelText(locale, c.ciLevel)})</span>
              )}
            </td>
            <td class="num">{c ? formatPValue(locale, c.pValue) : "—"}</td>
            <td class="num" data-testid="adjusted">
              {c ? formatPValue(locale, c.adjustedPValue) : "—"}
            </td>
            <td>{c ? <Verdict c={c} role={m.role} locale={locale} /> : "—"}</td>
          </tr>
        );
      })}
    </>
  );
}

/** The chart rows: relative lift with its interval, else the difference with its interval. */
export function chartOf(m: MetricResult): { relative: boolean; rows: MetricChartRow[] } {
  const relative = m.comparisons.some((c) => c.relativeLift !== null && c.relativeCi !== null);
  const rows = m.comparisons.flatMap((c): MetricChartRow[] => {
    const estimate = relative ? c.relativeLift : c.absoluteLift;
    const ci = relative ? c.relativeCi : c.ci;
    if (estimate === null || !ci || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return [];
    const tone = c.better ? "better" : c.worse ? "worse" : "neutral";
    return [{ variant: c.variant, estimate, lo: ci[0], hi: ci[1], tone }];
  });
  return { relative, rows };
}

const NOTE: Record<
  MetricRole,
  "metrics.results.adjustHolm" | "metrics.results.adjustBH" | "metrics.results.adjustGuardrail"
> = {
  primary: "metrics.results.adjustHolm",
  secondary: "metrics.results.adjustBH",
  guardrail: "metrics.results.adjustGuardrail",
};

/** One role's table (every metric of the role, arm by arm) and a chart per metric. */
export function RoleTable(
  { role, metrics, locale, bankId }: {
    role: MetricRole;
    metrics: MetricResult[];
    locale: Locale;
    bankId: string;
  },
) {
  const t = translator(locale);
  if (metrics.length === 0) return null;
  const level = levelText(locale, 1 - metrics[0].alpha);
  const warnings = [...new Set(metrics.flatMap((m) => m.warnings))]
    .filter((w) => w !== "NOT_MEASURED" && w !== "COMPUTING");
  return (
    <section class="card metric-role" data-testid={`metrics-${role}`} id={`metrics-${role}`}>
      <h2>{t(`metrics.role.${role}`)}</h2>
      <div class="table-scroll">
        <table class="data metric-table">
          <thead>
            <tr>
              <th scope="col">{t("tools.sig.arm")}</th>
              <th scope="col" class="num">{t("metrics.results.units")}</th>
              <th scope="col" class="num">{t("metrics.results.value")}</th>
              <th scope="col" class="num">{t("metrics.results.lift")}</th>
              <th scope="col">{t("metrics.results.ci", { level })}</th>
              <th scope="col" class="num">{t("metrics.results.p")}</th>
              <th scope="col" class="num">{t("metrics.results.adjusted")}</th>
              <th scope="col">{t("metrics.results.verdict")}</th>
            </tr>
          </thead>
          {metrics.map((m) => (
            <tbody data-metric={m.key} data-kind={m.kind} data-version={m.version}>
              <MetricHead m={m} locale={locale} bankId={bankId} />
              <ArmRows m={m} locale={locale} />
            </tbody>
          ))}
        </table>
      </div>
      <p class="muted small">{t(NOTE[role])}</p>
      {warnings.map((w) => (
        <p class="muted small" data-warning={w}>{t(`metrics.results.warn.${w}`)}</p>
      ))}
      <div class="metric-charts">
        {metrics.map((m) => {
          const chart = chartOf(m);
          if (chart.rows.length === 0) {
            if (unread(m)) return null;
            return (
              <p class="muted small" data-testid="no-chart">
                {t("metrics.results.noChart", { name: metricName(locale, m.name) })}
              </p>
            );
          }
          return (
            <Island
              component={MetricChart}
              props={{
                locale,
                name: metricName(locale, m.name),
                relative: chart.relative,
                percentUnit: m.kind === "proportion",
                rows: chart.rows,
              }}
            />
          );
        })}
      </div>
    </section>
  );
}

/** Which guardrails block shipping, for which arms: the reason `GUARDRAIL_WORSE` in words. */
export function GuardrailBlock({ metrics, locale }: { metrics: MetricResult[]; locale: Locale }) {
  const t = translator(locale);
  const breached = metrics.filter((m) => m.role === "guardrail" && m.breached);
  if (breached.length === 0) return null;
  return (
    <div class="guardrail-block" role="note" data-testid="guardrail-block">
      {breached.map((m) => (
        <p>
          <span aria-hidden="true">✗</span> {t("metrics.results.blocked", {
            name: metricName(locale, m.name),
            variants: m.comparisons.filter((c) => c.worse).map((c) => c.variant).join(", "),
            direction: t(`metrics.direction.${m.direction}`),
          })} <a href="#metrics-guardrail">{t("metrics.role.guardrail")}</a>
        </p>
      ))}
    </div>
  );
}

/** Free-text guardrails of older experiments: listed, never scored, with a way to define them. */
export function LegacyGuardrails(
  { names, locale, bankId }: { names: string[]; locale: Locale; bankId: string },
) {
  const t = translator(locale);
  if (names.length === 0) return null;
  return (
    <section class="card" data-testid="legacy-guardrails">
      <h2>{t("metrics.results.legacyTitle")}</h2>
      <ul class="plain">
        {names.map((name) => (
          <li data-legacy={name}>
            <strong>{name}</strong> — {t("metrics.results.legacyNote")}{" "}
            <a href={metricHref(bankId, "", "/new")}>{t("metrics.results.legacyLink")}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A metric without figures: not in the library, or its first computation still running. A
 * guardrail without figures shows no pass badge: it has not been checked.
 */
function unread(m: MetricResult): boolean {
  return m.warnings.includes("NOT_MEASURED") || m.warnings.includes("COMPUTING");
}
