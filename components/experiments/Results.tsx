import {
  formatNumber,
  formatPercent,
  formatPStatement,
  formatPValue,
  type Locale,
  translator,
} from "../../lib/i18n/mod.ts";
import { MIN_USERS_PER_ARM } from "../../lib/experiments/decisions.ts";
import type { Readout } from "../../lib/experiments/readout.ts";
import { SignificanceResults } from "../tools/SignificanceResults.tsx";
import { levelText } from "../tools/significance.ts";
import { METRIC_ROLES, type MetricRole } from "../../lib/metrics/definition.ts";
import { GuardrailBlock, LegacyGuardrails, RoleTable } from "../metrics/MetricResults.tsx";

/** The recommendation in plain words: the action, its reasons and the days left. */
export function Recommendation({ readout, locale }: { readout: Readout; locale: Locale }) {
  const t = translator(locale);
  const rec = readout.recommendation;
  return (
    <section
      class={`card rec rec-${rec.action}`}
      data-testid="recommendation"
      data-action={rec.action}
    >
      <h2>{t("loop.rec.title")}</h2>
      <p class="rec-action">
        {t(rec.ended && rec.action === "stop" ? "loop.rec.stop_ended" : `loop.rec.${rec.action}`, {
          name: rec.winner ?? "",
        })}
      </p>
      <ul class="plain">
        {rec.reasons.map((r) => (
          <li key={r} data-reason={r}>
            {t(`loop.reason.${r}`, { n: MIN_USERS_PER_ARM })}
          </li>
        ))}
        {rec.daysLeft !== null && (
          <li data-testid="days-left">
            {t("loop.rec.daysLeft", { days: formatNumber(locale, rec.daysLeft) })}
          </li>
        )}
      </ul>
      {rec.reasons.includes("GUARDRAIL_WORSE") && (
        <GuardrailBlock metrics={readout.metrics} locale={locale} />
      )}
    </section>
  );
}

/** Per-arm users, conversions and rate (and the mean value when there is a value metric). */
export function ArmTable({ readout, locale }: { readout: Readout; locale: Locale }) {
  const t = translator(locale);
  const means = readout.value
    ? [readout.value.controlMean, ...readout.value.comparisons.map((c) => c.mean)]
    : null;
  return (
    <table class="data" data-testid="arms">
      <thead>
        <tr>
          <th scope="col">{t("tools.sig.arm")}</th>
          <th scope="col" class="num">{t("loop.detail.users")}</th>
          <th scope="col" class="num">{t("loop.detail.conversions")}</th>
          <th scope="col" class="num">{t("loop.detail.rate")}</th>
          {means && <th scope="col" class="num">{t("loop.detail.valueMean")}</th>}
        </tr>
      </thead>
      <tbody>
        {readout.variants.map((v, i) => (
          <tr data-variant={v.name}>
            <th scope="row">{v.name}</th>
            <td class="num">{formatNumber(locale, v.users, { maximumFractionDigits: 0 })}</td>
            <td class="num">
              {formatNumber(locale, v.conversions, { maximumFractionDigits: 0 })}
            </td>
            <td class="num">{formatPercent(locale, v.rate, 2)}</td>
            {means && (
              <td class="num">{formatNumber(locale, means[i], { maximumFractionDigits: 2 })}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ValueTable({ readout, locale }: { readout: Readout; locale: Locale }) {
  const t = translator(locale);
  const value = readout.value;
  if (!value) return null;
  const num = (v: number | null | undefined) =>
    formatNumber(locale, v, { maximumFractionDigits: 2 });
  return (
    <section class="card">
      <h2>{t("loop.detail.value")}</h2>
      {value.cuped && (
        <p class="muted small">{t("loop.detail.cuped", { theta: num(value.cuped.theta) })}</p>
      )}
      <table class="data" data-testid="value-table">
        <thead>
          <tr>
            <th scope="col">{t("tools.sig.arm")}</th>
            <th scope="col" class="num">{t("loop.detail.valueMean")}</th>
            <th scope="col" class="num">{t("loop.detail.valueLift")}</th>
            <th scope="col">
              {t("tools.sig.ci", { level: formatPercent(locale, 1 - readout.alpha, 0) })}
            </th>
            <th scope="col" class="num">{t("tools.sig.adjusted")}</th>
          </tr>
        </thead>
        <tbody>
          {value.comparisons.map((r) => (
            <tr data-variant={r.variant}>
              <th scope="row">{r.variant}</th>
              <td class="num">{num(r.mean)}</td>
              <td class="num">{num(r.absoluteLift)}</td>
              <td>
                {r.ci ? `${num(r.ci[0])} ～ ${num(r.ci[1])}` : "—"}
                {r.ci && r.ciLevel !== 1 - readout.alpha && (
                  <span class="muted small">{` (${levelText(locale, r.ciLevel)})`}</span>
                )}
              </td>
              <td class="num">{formatPValue(locale, r.adjustedPValue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * The results of a started experiment: the recommendation (with the guardrails that block
 * shipping), one table per role of the metric library (primary, secondary, guardrails) with a
 * chart per metric, the old free-text guardrails (not measured), then the exposures and — once
 * every arm has enough users — the conversion read-out (SRM banner, verdicts, lift intervals,
 * p-values, chance to beat control, expected loss) and the value metric.
 */
export function ExperimentResults(
  { readout, locale, bankId }: { readout: Readout; locale: Locale; bankId: string },
) {
  const t = translator(locale);
  const byRole = (role: MetricRole) => readout.metrics.filter((m) => m.role === role);
  // The experiment's own conversion read-out, when its primary metric is one of them.
  const primary = byRole("primary")[0]?.key ?? "conversion";
  const conversions = primary === "conversion" || primary === "conversion_value";
  return (
    <>
      <Recommendation readout={readout} locale={locale} />
      {METRIC_ROLES.map((role) => (
        <RoleTable role={role} metrics={byRole(role)} locale={locale} bankId={bankId} />
      ))}
      <LegacyGuardrails
        names={readout.guardrails.map((g) => g.name)}
        locale={locale}
        bankId={bankId}
      />
      <section class="card">
        <h2>{t("loop.detail.variants")}</h2>
        <div class="table-scroll">
          <ArmTable readout={readout} locale={locale} />
        </div>
        {readout.bandit && readout.bandit.allocations.length > 0 && (
          <p class="muted small" data-testid="weighted-note">{t("stats.weightedNote")}</p>
        )}
        {!conversions && readout.srm.mismatch && (
          <p class="tool-banner tool-banner-bad" role="alert" data-testid="srm-warning">
            {t("tools.sig.srm", { p: formatPStatement(locale, readout.srm.pValue) })}
          </p>
        )}
        {!readout.enoughData && (
          <p class="muted" data-testid="not-enough">
            {t("loop.detail.notEnough", { n: MIN_USERS_PER_ARM })}
          </p>
        )}
      </section>
      {conversions && readout.enoughData && (
        <section class="card">
          <h2>{t("loop.detail.lift")}</h2>
          <SignificanceResults analysis={readout} locale={locale} />
        </section>
      )}
      {conversions && readout.enoughData && <ValueTable readout={readout} locale={locale} />}
    </>
  );
}
