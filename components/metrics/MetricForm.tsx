import type { ComponentChildren } from "preact";
import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import {
  AGGREGATES,
  DIRECTIONS,
  METRIC_KINDS,
  SIDE_AGGREGATES,
} from "../../lib/metrics/definition.ts";
import { FIELD_LABELS, type FieldErrors, type Fields, one } from "./metric_form.ts";
import { type EventPreview, PreviewTable } from "./Preview.tsx";

interface FieldProps {
  name: string;
  t: Translate;
  errors: FieldErrors;
  class?: string;
  children: (attrs: Record<string, string | boolean | undefined>) => ComponentChildren;
}

/** A labelled field with its error below it; the control gets the id and the error's link. */
function Field({ name, t, errors, children, ...rest }: FieldProps) {
  const error = errors[name];
  return (
    <label class={`field ${rest.class ?? ""}`} data-field={name}>
      <span>{t(FIELD_LABELS[name])}</span>
      {children({
        id: `f-${name}`,
        name,
        "aria-invalid": error ? "true" : undefined,
        "aria-describedby": error ? `e-${name}` : undefined,
      })}
      {error && (
        <span class="field-error" id={`e-${name}`} data-testid={`error-${name}`}>{error}</span>
      )}
    </label>
  );
}

function Text(
  { f, name, t, errors, wide }: {
    f: Fields;
    name: string;
    t: Translate;
    errors: FieldErrors;
    wide?: boolean;
  },
) {
  return (
    <Field name={name} t={t} errors={errors} class={wide ? "wide" : ""}>
      {(a) => <input type="text" {...a} value={one(f, name)} autocomplete="off" />}
    </Field>
  );
}

function Select(
  { f, name, t, errors, options }: {
    f: Fields;
    name: string;
    t: Translate;
    errors: FieldErrors;
    options: { value: string; label: string }[];
  },
) {
  return (
    <Field name={name} t={t} errors={errors}>
      {(a) => (
        <select {...a}>
          {options.map((o) => (
            <option value={o.value} selected={one(f, name) === o.value}>{o.label}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

function KindFields({ f, t, errors }: { f: Fields; t: Translate; errors: FieldErrors }) {
  const aggregates = AGGREGATES.map((a) => ({ value: a, label: t(`metrics.aggregate.${a}`) }));
  const sides = SIDE_AGGREGATES.map((a) => ({ value: a, label: t(`metrics.aggregate.${a}`) }));
  const only = (...kinds: ("proportion" | "mean" | "ratio")[]) => (
    <p class="muted small only-for">
      {t("metrics.form.onlyFor", { kind: kinds.map((k) => t(`metrics.kind.${k}`)).join(" · ") })}
    </p>
  );
  return (
    <>
      <fieldset class="for-event">
        <legend>{t("metrics.detail.events")}</legend>
        {only("proportion", "mean")}
        <div class="form-row">
          <Text f={f} name="event" t={t} errors={errors} />
        </div>
      </fieldset>
      <fieldset class="for-mean">
        <legend>{`${t("metrics.form.aggregate")} · ${t("metrics.form.cap")}`}</legend>
        {only("mean")}
        <div class="form-row">
          <Select f={f} name="aggregate" t={t} errors={errors} options={aggregates} />
          <label class="field">
            <span>{t("metrics.form.cap")}</span>
            <select name="capType" id="f-capType">
              {(["none", "percentile", "absolute"] as const).map((c) => (
                <option value={c} selected={(one(f, "capType") || "none") === c}>
                  {t(
                    c === "none"
                      ? "metrics.form.capNone"
                      : c === "percentile"
                      ? "metrics.form.capPercentile"
                      : "metrics.form.capAbsolute",
                  )}
                </option>
              ))}
            </select>
          </label>
          <Text f={f} name="capValue" t={t} errors={errors} />
        </div>
      </fieldset>
      <fieldset class="for-ratio">
        <legend>{`${t("metrics.form.numerator")} ÷ ${t("metrics.form.denominator")}`}</legend>
        {only("ratio")}
        {(["numerator", "denominator"] as const).map((side) => (
          <div class="form-row">
            <Text f={f} name={`${side}Event`} t={t} errors={errors} />
            <Select f={f} name={`${side}Aggregate`} t={t} errors={errors} options={sides} />
          </div>
        ))}
      </fieldset>
    </>
  );
}

/**
 * The create / edit form of a metric: no script needed. The kind's radio shows its fields
 * (CSS `:has()`; without it every kind's fields show, each saying which kind it is for) and
 * the server reads only the chosen kind's. "Preview" posts the same form and shows the recent
 * events of the chosen names.
 */
export function MetricForm(
  { t, locale, fields: f, action, isNew, errors, preview, nextVersion }: {
    t: Translate;
    locale: Locale;
    fields: Fields;
    action: string;
    isNew: boolean;
    errors: FieldErrors;
    preview: EventPreview[] | null;
    nextVersion?: number;
  },
) {
  const listed = Object.entries(errors);
  return (
    <form
      method="post"
      action={action}
      class="card metric-form"
      data-testid="metric-form"
      novalidate
    >
      {listed.length > 0 && (
        <div class="errors" role="alert" data-testid="form-errors">
          <p>{t("metrics.form.errors")}</p>
          <ul>
            {listed.map(([field, message]) => (
              <li>{field === "form" ? message : <a href={`#f-${field}`}>{message}</a>}</li>
            ))}
          </ul>
        </div>
      )}
      {nextVersion && <p class="muted">{t("metrics.form.editNote", { n: nextVersion })}</p>}
      <div class="form-row">
        {isNew && <Text f={f} name="key" t={t} errors={errors} />}
        <Text f={f} name="nameZh" t={t} errors={errors} />
        <Text f={f} name="nameEn" t={t} errors={errors} />
      </div>
      <div class="form-row">
        <Text f={f} name="descriptionZh" t={t} errors={errors} wide />
        <Text f={f} name="descriptionEn" t={t} errors={errors} wide />
      </div>
      <fieldset class="kind-choice">
        <legend>{t("metrics.form.kind")}</legend>
        {METRIC_KINDS.map((k) => (
          <label class="check">
            <input type="radio" name="kind" value={k} checked={one(f, "kind") === k} />
            <strong>{t(`metrics.kind.${k}`)}</strong>
            <span class="muted small">{t(`metrics.form.kindHint.${k}`)}</span>
          </label>
        ))}
        {errors.kind && <span class="field-error" data-testid="error-kind">{errors.kind}</span>}
      </fieldset>
      <div class="form-row">
        <Select
          f={f}
          name="direction"
          t={t}
          errors={errors}
          options={DIRECTIONS.map((d) => ({ value: d, label: t(`metrics.direction.${d}`) }))}
        />
        <Text f={f} name="window" t={t} errors={errors} />
        <label class="field">
          <span>{t("metrics.form.windowUnit")}</span>
          <select name="windowUnit">
            <option value="days">{t("metrics.form.windowDays")}</option>
            <option value="hours" selected={one(f, "windowUnit") === "hours"}>
              {t("metrics.form.windowHours")}
            </option>
          </select>
        </label>
      </div>
      <p class="muted small">{t("metrics.form.windowHint")}</p>
      <KindFields f={f} t={t} errors={errors} />
      <div class="metric-actions">
        <button type="submit" data-testid="metric-save">
          {t(isNew ? "metrics.form.create" : "metrics.form.save")}
        </button>{" "}
        <button
          type="submit"
          name="intent"
          value="preview"
          class="secondary"
          data-testid="metric-preview"
        >
          {t("metrics.form.preview")}
        </button>
      </div>
      {preview && <PreviewTable t={t} locale={locale} preview={preview} />}
    </form>
  );
}
