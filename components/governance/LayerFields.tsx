/**
 * The experiment form's layer, range and QA-unit fields (issue 17), and their translation to and
 * from the API's `layer` and `forced`. The range is in percent on the form ([from, to), 0–100)
 * and a fraction in the API; QA units are one per line, `customer id, arm name` (the first comma,
 * ASCII or full-width, separates them; an id may not contain one).
 */
import type { Translate } from "../../lib/i18n/mod.ts";
import type { ForcedUnit } from "../../lib/governance/policy.ts";

type Fields = Record<string, string | string[]>;

const one = (f: Fields, k: string) => {
  const v = f[k];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
};
const percentText = (fraction: number) => String(Math.round(fraction * 1e6) / 1e4);

/** The stored layer and QA units as form fields. */
export function layerFieldsOf(e: {
  layer: { key: string; range: [number, number] } | null;
  forced: ForcedUnit[];
}): Fields {
  return {
    layer: e.layer?.key ?? "",
    layerFrom: e.layer ? percentText(e.layer.range[0]) : "",
    layerTo: e.layer ? percentText(e.layer.range[1]) : "",
    forced: forcedText(e.forced),
  };
}

/** QA units as the textarea shows them. */
export function forcedText(forced: readonly ForcedUnit[]): string {
  return forced.map((f) => `${f.unit}, ${f.variant}`).join("\n");
}

/** The textarea's lines as QA units (blank lines skipped; a line without a comma has no arm). */
export function forcedOf(text: string): ForcedUnit[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => {
    const at = line.search(/[,，]/);
    return at < 0
      ? { unit: line, variant: "" }
      : { unit: line.slice(0, at).trim(), variant: line.slice(at + 1).trim() };
  });
}

/**
 * `layer` and `forced` of the API body, from the form: no layer chosen is `null`; a blank range
 * end is NaN (the schema refuses it with the field's name). Forms without these fields (older
 * clients) leave both out.
 */
export function layerBodyOf(f: Fields): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (f.layer !== undefined) {
    const key = one(f, "layer");
    const percent = (name: string) => one(f, name) === "" ? NaN : Number(one(f, name)) / 100;
    body.layer = key ? { key, range: [percent("layerFrom"), percent("layerTo")] } : null;
  }
  if (f.forced !== undefined) body.forced = forcedOf(one(f, "forced"));
  return body;
}

export function LayerFields(
  { t, fields, layers }: {
    t: Translate;
    fields: Fields;
    layers: readonly { key: string; name: string }[];
  },
) {
  const v = (k: string) => one(fields, k);
  const chosen = v("layer");
  // A stored layer missing from the list (should not happen) still shows as chosen.
  const options = chosen && !layers.some((l) => l.key === chosen)
    ? [...layers, { key: chosen, name: chosen }]
    : layers;
  return (
    <fieldset data-testid="layer-fields">
      <legend>{t("layers.form.legend")}</legend>
      <div class="form-row">
        <label>
          {t("layers.form.layer")}
          <select name="layer">
            <option value="">{t("layers.form.noLayer")}</option>
            {options.map((l) => (
              <option value={l.key} selected={chosen === l.key}>{`${l.name} (${l.key})`}</option>
            ))}
          </select>
        </label>
        <label>
          {t("layers.form.from")}
          <input
            type="text"
            inputMode="decimal"
            class="narrow"
            name="layerFrom"
            value={v("layerFrom")}
          />
        </label>
        <label>
          {t("layers.form.to")}
          <input
            type="text"
            inputMode="decimal"
            class="narrow"
            name="layerTo"
            value={v("layerTo")}
          />
        </label>
      </div>
      <p class="muted small">
        {t("layers.form.hint")} <a href="/governance/layers">{t("layers.title")}</a>
      </p>
      <label>
        {t("layers.form.forced")}
        <textarea name="forced" rows={3} placeholder="QA001, coupon">{v("forced")}</textarea>
      </label>
      <p class="muted small">{t("layers.form.forcedHint")}</p>
    </fieldset>
  );
}
