import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import type { LocalizedText, MetricDefinition } from "../../lib/metrics/definition.ts";
import { describeMetric, metricName } from "../../lib/metrics/describe.ts";
import { metricHref } from "./links.ts";

/** The experiment's metrics as chosen on the form. */
export interface PickedMetrics {
  primary: string;
  secondary: string[];
  guardrails: string[];
}

type Option = Pick<MetricDefinition, "key" | "kind" | "windowHours" | "source" | "builtin"> & {
  name: LocalizedText;
};

function Choice(
  { m, locale, name, checked }: { m: Option; locale: Locale; name: string; checked: boolean },
) {
  return (
    <label class="check metric-choice" data-key={m.key}>
      <input type="checkbox" name={name} value={m.key} checked={checked} />
      <span>
        {metricName(locale, m.name)} <code>{m.key}</code>
        <span class="muted small block">{describeMetric(locale, m as MetricDefinition)}</span>
      </span>
    </label>
  );
}

/**
 * The experiment form's metrics from the bank's library: one primary metric, and secondary
 * metrics and guardrails as checkbox lists (`metric-primary`, `metric-secondary`,
 * `metric-guardrail`). Old free-text guardrails are named as not measured.
 */
export function MetricPicker(
  { t, locale, library, picked, legacy, bankId }: {
    t: Translate;
    locale: Locale;
    library: readonly Option[];
    picked: PickedMetrics;
    legacy: string[];
    bankId: string | null;
  },
) {
  return (
    <fieldset class="metric-picker" data-testid="metric-picker">
      <legend>{t("metrics.pick.legend")}</legend>
      <label class="field">
        <span>{t("metrics.pick.primary")}</span>
        <select name="metric-primary" data-testid="metric-primary">
          {library.map((m) => (
            <option value={m.key} selected={picked.primary === m.key}>
              {`${metricName(locale, m.name)} (${m.key})`}
            </option>
          ))}
        </select>
      </label>
      <div class="metric-choices" data-testid="metric-secondary">
        <p class="choices-title">{t("metrics.pick.secondary")}</p>
        {library.map((m) => (
          <Choice
            m={m}
            locale={locale}
            name="metric-secondary"
            checked={picked.secondary.includes(m.key)}
          />
        ))}
      </div>
      <div class="metric-choices" data-testid="metric-guardrails">
        <p class="choices-title">{t("metrics.pick.guardrails")}</p>
        {library.map((m) => (
          <Choice
            m={m}
            locale={locale}
            name="metric-guardrail"
            checked={picked.guardrails.includes(m.key)}
          />
        ))}
      </div>
      {legacy.length > 0 && (
        <p class="muted small" data-testid="legacy-guardrails">
          {t("metrics.pick.legacy", { names: legacy.join(", ") })}
        </p>
      )}
      <p class="small">
        <a href={bankId ? metricHref(bankId) : "/metrics"} target="_blank">
          {t("metrics.pick.library")}
        </a>
      </p>
    </fieldset>
  );
}
