import { useSignal } from "@preact/signals";
import { formatNumber, type Locale, translator } from "../lib/i18n/mod.ts";
import { levelLabel } from "../components/lens/names.ts";
import { unitLabel } from "../lib/i18n/unit_messages.ts";
import { indicatorById, MODEL } from "../lib/lens/model.ts";
import { type LensScore, scoreStoredAssessment, validateLensInput } from "../lib/lens/scoring.ts";

export interface WhatIfProps {
  [key: string]: unknown;
  locale: Locale;
  values: Record<string, number>;
  notApplicable: Record<string, string>;
  /** The indicator picked first (e.g. the weakest of the first entry point). */
  initialId: string;
}

const name = (locale: Locale, o: { name_zh: string; name_en: string } | undefined) =>
  o ? (locale === "zh-CN" ? o.name_zh : o.name_en) : "";

/** Re-scores the bank in the browser, with `lib/lens`, as the user changes values. */
export default function WhatIf({ locale, values, notApplicable, initialId }: WhatIfProps) {
  const t = translator(locale);
  const selected = useSignal(initialId);
  const overrides = useSignal<Record<string, number | null>>({});
  const indicator = indicatorById(selected.value);
  const merged = { ...values, ...overrides.value };
  const na = Object.fromEntries(
    Object.entries(notApplicable).filter(([id]) => !(id in overrides.value)),
  );
  // Only the values typed here are checked: stored ones outside their range (saved before the
  // range rule) are left out of both scores, as on the scorecard.
  const invalid = validateLensInput({ values: overrides.value }).length > 0;
  const before = scoreStoredAssessment({ values, notApplicable });
  const after: LensScore = invalid
    ? before
    : scoreStoredAssessment({ values: merged, notApplicable: na });
  const n = (v: number | null) => formatNumber(locale, v);
  const level = (l: number | null) => levelLabel(t, l);
  const rows = [
    { key: "overall", label: t("lens.overall"), a: before.overall.score, b: after.overall.score },
    ...MODEL.dimensions.map((d, k) => ({
      key: d.id,
      label: name(locale, d),
      a: before.dimensions[k].score,
      b: after.dimensions[k].score,
    })),
  ];
  const current = selected.value in overrides.value
    ? overrides.value[selected.value]
    : values[selected.value] ?? null;
  const onInput = (raw: string) => {
    const value = raw.trim() === "" ? null : Number(raw);
    overrides.value = { ...overrides.value, [selected.value]: value };
  };
  return (
    <section class="card what-if" data-testid="what-if">
      <h2>{t("lens.whatIf")}</h2>
      <p class="muted small">{t("lens.whatIfHelp")}</p>
      <div class="form-row">
        <label>
          {t("lens.whatIfIndicator")}
          <select
            data-testid="what-if-indicator"
            value={selected.value}
            onChange={(e) => (selected.value = (e.target as HTMLSelectElement).value)}
          >
            {MODEL.dimensions.flatMap((d) => d.capabilities).map((c) => (
              <optgroup label={name(locale, c)}>
                {c.indicators.map((i) => <option key={i.id} value={i.id}>{name(locale, i)}
                </option>)}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          {t("lens.whatIfValue")}{" "}
          <span class="muted">
            ({indicator?.type === "metric" ? unitLabel(t, indicator.unit) : "1–5"})
          </span>
          <input
            type="number"
            data-testid="what-if-value"
            step={indicator?.type === "maturity" ? 1 : "any"}
            min={indicator?.type === "maturity" ? 1 : undefined}
            max={indicator?.type === "maturity" ? 5 : undefined}
            value={current ?? ""}
            onInput={(e) => onInput((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="button" onClick={() => (overrides.value = {})}>
          {t("lens.whatIfReset")}
        </button>
      </div>
      {invalid && <p class="warning">{t("lens.whatIfInvalid")}</p>}
      <table class="data" data-testid="what-if-table">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col" class="num">{t("lens.whatIfBefore")}</th>
            <th scope="col" class="num">{t("lens.whatIfAfter")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-row={r.key}>
              <th scope="row">{r.label}</th>
              <td class="num">{n(r.a)}</td>
              <td class="num" data-testid={`what-if-${r.key}`}>{n(r.b)}</td>
            </tr>
          ))}
          <tr data-row="level">
            <th scope="row">{t("lens.level")}</th>
            <td class="num">{level(before.overall.level)}</td>
            <td class="num" data-testid="what-if-level">{level(after.overall.level)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
