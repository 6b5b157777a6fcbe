/**
 * Stored values outside their indicator's valid range (saved before the range rule): scoring
 * leaves them out as missing (`scoreStoredAssessment`), and these say so, in the page's
 * language, so a consultant can correct them.
 */
import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { indicatorRange } from "../../lib/lens/input.ts";
import { type Indicator, indicatorById } from "../../lib/lens/model.ts";
import { type IndicatorResult, invalidIndicators, type LensScore } from "../../lib/lens/scoring.ts";
import { nameOf } from "./names.ts";
import { unitLabel } from "../../lib/i18n/unit_messages.ts";

/** "0–100 %", "≥ −100 % YoY", "≥ 0 count, whole number" or "1–5" for a maturity level. */
export function rangeWithUnit(locale: Locale, t: Translate, indicator: Indicator): string {
  const { min, max, integer } = indicatorRange(indicator);
  const n = (v: number | null) => formatNumber(locale, v).replace("-", "−");
  const span = max === null ? `≥ ${n(min)}` : `${n(min)}–${n(max)}`;
  const unit = indicator.type === "metric" ? ` ${unitLabel(t, indicator.unit)}` : "";
  const whole = integer && indicator.type === "metric" ? `, ${t("lens.wholeNumber")}` : "";
  return `${span}${unit}${whole}`;
}

/** "Digital sales share: the stored value 150 is outside the valid range 0–100 %: correct it". */
export function invalidMessage(locale: Locale, t: Translate, result: IndicatorResult): string {
  const indicator = indicatorById(result.id);
  if (!indicator) return result.id;
  const params = { name: nameOf(locale, indicator), range: rangeWithUnit(locale, t, indicator) };
  const value = result.invalidValue ?? null;
  return value === null ? t("lens.invalidNotNumber", params) : t("lens.invalidValue", {
    ...params,
    value: formatNumber(locale, value, { maximumFractionDigits: 6 }).replace("-", "−"),
  });
}

/**
 * The list of a score's invalid stored values, each with its message and (when `editHref` is
 * given) a link to the field that corrects it; nothing when there are none.
 */
export function InvalidValues({ score, locale, t, editHref }: {
  score: LensScore;
  locale: Locale;
  t: Translate;
  /** The assessment's form, e.g. `/banks/CC2/assessments/FY2024`. */
  editHref?: string;
}) {
  const invalid = invalidIndicators(score);
  if (invalid.length === 0) return null;
  return (
    <div class="errors" role="alert" data-testid="invalid-values">
      <p>{t("lens.invalidTitle")}</p>
      <ul>
        {invalid.map((result) => (
          <li data-indicator={result.id}>
            {invalidMessage(locale, t, result)}
            {editHref && (
              <>
                {" "}
                <a href={`${editHref}#f-${result.id}`}>{t("lens.invalidFix")}</a>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
