import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import { definitionIn } from "../../lib/i18n/indicator_definitions.ts";
import { unitLabel } from "../../lib/i18n/unit_messages.ts";
import { type Indicator, MODEL } from "../../lib/lens/model.ts";
import { indicatorRange } from "../../lib/lens/input.ts";
import { VALUE_SOURCES, type ValueSource } from "../../lib/lens/evidence.ts";
import { formatNumber } from "../../lib/i18n/mod.ts";
import { nameOf, rubricText } from "./names.ts";

export interface FormState {
  /** Raw field text, so a refused form comes back as typed. */
  values: Record<string, string>;
  notApplicable: Record<string, string>;
  evidence: Record<string, string>;
  /** Each value's source (absent: self-reported) and evidence link. */
  sources: Record<string, ValueSource>;
  links: Record<string, string>;
}

interface Props {
  action: string;
  state: FormState;
  errors: Record<string, string[]>;
  readOnly: boolean;
  locale: Locale;
  t: Translate;
  /** The platform's measurements of the bank, offered as the `measured` source. */
  measured?: Record<string, number>;
  /** An assessor's own draft: one button that saves it (no submission). */
  assessorDraft?: boolean;
}

/** The value's source (self-reported, verified, measured where the platform measures it) and link. */
function EvidenceFields({ id, state, measured, disabled, t, locale }: {
  id: string;
  state: FormState;
  measured: Record<string, number>;
  disabled: boolean;
  t: Translate;
  locale: Locale;
}) {
  const source = state.sources[id] ?? "self_reported";
  const offered = VALUE_SOURCES.filter((s) =>
    s !== "measured" || Object.hasOwn(measured, id) || source === "measured"
  );
  return (
    <div class="evidence-source">
      <label>
        {t("evidence.source")}{" "}
        <select name={`s:${id}`} disabled={disabled}>
          {offered.map((s) => (
            <option value={s} selected={s === source}>{t(`evidence.source.${s}`)}</option>
          ))}
        </select>
      </label>{" "}
      {Object.hasOwn(measured, id) && (
        <span class="small muted" data-testid="measured-hint">
          {t("evidence.measuredHint", { value: formatNumber(locale, measured[id]) })}
        </span>
      )}
      <label class="evidence-link">
        {t("evidence.link")}{" "}
        <input
          type="url"
          name={`l:${id}`}
          value={state.links[id] ?? ""}
          disabled={disabled}
          maxLength={2000}
          placeholder="https://"
          title={t("evidence.linkHelp")}
        />
      </label>
    </div>
  );
}

function MaturityField({ ind, value, disabled, t, locale }: {
  ind: Indicator & { type: "maturity" };
  value: string;
  disabled: boolean;
  t: Translate;
  locale: Locale;
}) {
  return (
    <fieldset class="rubric">
      <legend>{t("lens.rubric")}</legend>
      {[1, 2, 3, 4, 5].map((level) => (
        <label class="rubric-level">
          <input
            type="radio"
            name={`v:${ind.id}`}
            value={String(level)}
            checked={value === String(level)}
            disabled={disabled}
          />
          <strong>L{level}</strong>{" "}
          <span>{rubricText(locale, ind.rubric[String(level)] ?? "")}</span>
        </label>
      ))}
      <label class="rubric-level">
        <input
          type="radio"
          name={`v:${ind.id}`}
          value=""
          checked={value === ""}
          disabled={disabled}
        />
        <span class="muted">{t("lens.missing")}</span>
      </label>
    </fieldset>
  );
}

/** "0–100", "≥ 0" or "≥ −100", and "whole number" where only whole numbers are valid. */
function rangeText(ind: Indicator, t: Translate): string {
  const { min, max, integer } = indicatorRange(ind);
  const span = max === null ? `≥ ${String(min).replace("-", "−")}` : `${min}–${max}`;
  return integer ? `${span}, ${t("lens.wholeNumber")}` : span;
}

function MetricField({ ind, value, disabled, t }: {
  ind: Indicator & { type: "metric" };
  value: string;
  disabled: boolean;
  t: Translate;
}) {
  return (
    <div class="metric">
      <label>
        {t("lens.value")}{" "}
        <input
          type="text"
          inputMode="decimal"
          name={`v:${ind.id}`}
          value={value}
          disabled={disabled}
          size={10}
        />{" "}
        <span class="unit">{unitLabel(t, ind.unit)}</span>
      </label>
      <p class="small muted">
        {t(ind.direction === "higher_better" ? "lens.higherBetter" : "lens.lowerBetter")} ·{" "}
        {t("lens.band", { floor: ind.normalisation.floor, target: ind.normalisation.target })} ·
        {" "}
        <span data-testid="valid-range">{t("lens.validRange", { range: rangeText(ind, t) })}</span>
      </p>
    </div>
  );
}

/** The assessment entry form: dimensions → capabilities → indicators, rubrics and units shown. */
export function AssessmentForm(
  { action, state, errors, readOnly, locale, t, measured = {}, assessorDraft = false }: Props,
) {
  return (
    <form method="post" action={action} class="assessment-form" data-testid="assessment-form">
      {MODEL.dimensions.map((dim) => (
        <section class="card">
          <h2>{nameOf(locale, dim)}</h2>
          {dim.capabilities.map((cap) => (
            <fieldset class="capability">
              <legend>{nameOf(locale, cap)}</legend>
              {cap.indicators.map((ind) => {
                const value = state.values[ind.id] ?? "";
                const na = Object.hasOwn(state.notApplicable, ind.id);
                return (
                  <div class="indicator-field" id={`f-${ind.id}`} data-indicator={ind.id}>
                    <h3>
                      {nameOf(locale, ind)}{" "}
                      <span class="muted small" lang={locale === "zh-CN" ? "en" : "zh-CN"}>
                        {locale === "zh-CN" ? ind.name_en : ind.name_zh}
                      </span>{" "}
                      <code class="small">{ind.id}</code>
                      {ind.critical && <span class="badge warn">{t("lens.critical")}</span>}
                    </h3>
                    {ind.definition && (
                      <p class="small">
                        {t("lens.definition")}: {definitionIn(locale, ind)}
                      </p>
                    )}
                    {(errors[ind.id] ?? []).map((e) => <p key={e} class="field-error">{e}</p>)}
                    {ind.type === "maturity"
                      ? (
                        <MaturityField
                          ind={ind}
                          value={value}
                          disabled={readOnly}
                          t={t}
                          locale={locale}
                        />
                      )
                      : <MetricField ind={ind} value={value} disabled={readOnly} t={t} />}
                    {ind.na_allowed_with_justification && (
                      <div class="na">
                        <label>
                          <input
                            type="checkbox"
                            name={`na:${ind.id}`}
                            value="1"
                            checked={na}
                            disabled={readOnly}
                          />{" "}
                          {t("lens.notApplicable")}
                        </label>{" "}
                        <label>
                          {t("lens.naJustification")}{" "}
                          <input
                            type="text"
                            name={`naj:${ind.id}`}
                            value={state.notApplicable[ind.id] ?? ""}
                            disabled={readOnly}
                            maxLength={500}
                          />
                        </label>
                      </div>
                    )}
                    <label class="evidence">
                      {t("lens.evidence")}
                      <textarea name={`e:${ind.id}`} rows={1} maxLength={2000} disabled={readOnly}>
                        {state.evidence[ind.id] ?? ""}
                      </textarea>
                    </label>
                    <EvidenceFields
                      id={ind.id}
                      disabled={readOnly}
                      {...{ state, measured, t, locale }}
                    />
                  </div>
                );
              })}
            </fieldset>
          ))}
        </section>
      ))}
      {!readOnly && assessorDraft && (
        <p class="form-actions">
          <button type="submit" name="status" value="draft" class="primary">
            {t("assessors.saveMine")}
          </button>
        </p>
      )}
      {!readOnly && !assessorDraft && (
        <p class="form-actions">
          <button type="submit" name="status" value="draft">{t("lens.saveDraft")}</button>{" "}
          <button type="submit" name="status" value="submitted" class="primary">
            {t("lens.submit")}
          </button>
        </p>
      )}
    </form>
  );
}
