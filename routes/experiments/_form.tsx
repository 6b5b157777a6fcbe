import type { ComponentChildren } from "preact";
import type { Campaign } from "../../db/campaigns.ts";
import { AppError, messageIn } from "../../lib/errors.ts";
import type { Experiment } from "../../db/experiments.ts";
import { listMetrics } from "../../db/metrics.ts";
import type { Db } from "../../db/schema.ts";
import type { Locale, MessageKey, Translate } from "../../lib/i18n/mod.ts";
import {
  BUILTIN_METRICS,
  DEFAULT_EXPERIMENT_METRICS,
  type ExperimentMetrics,
} from "../../lib/metrics/definition.ts";
import { MetricPicker, type PickedMetrics } from "../../components/metrics/MetricPicker.tsx";
import { STAGES } from "../../lib/experiments/settings.ts";
import {
  layerBodyOf,
  LayerFields,
  layerFieldsOf,
} from "../../components/governance/LayerFields.tsx";

/** The form's raw fields (as posted): `name`, `variant-name-0`, `stage` (several), … */
export type Fields = Record<string, string | string[]>;

export const VARIANT_ROWS = 5;

const one = (f: Fields, k: string) => {
  const v = f[k];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
};
const many = (f: Fields, k: string) => {
  const v = f[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const number = (text: string) => (text === "" ? undefined : Number(text));

/** An experiment's settings as form fields (for the edit form). */
export function fieldsOf(e: Experiment, metrics: ExperimentMetrics): Fields {
  const fields: Fields = {
    key: e.key,
    name: e.name,
    campaignId: e.campaignId ?? "",
    "metric-primary": metrics.primary,
    "metric-secondary": metrics.secondary,
    "metric-guardrail": metrics.guardrails,
    stage: e.targeting.stages ?? [],
    tags: (e.targeting.tags ?? []).join(", "),
    alpha: String(e.alpha),
    sequential: e.sequential ? "on" : "",
    planned: e.plannedSampleSize ? String(e.plannedSampleSize) : "",
    mode: e.mode,
    minShare: String(Math.round(e.minShare * 1e6) / 1e4),
    reweightMinutes: String(e.reweightMinutes),
    ...layerFieldsOf(e),
  };
  e.variants.forEach((v, i) => {
    fields[`variant-name-${i}`] = v.name;
    fields[`variant-description-${i}`] = v.description;
    fields[`variant-weight-${i}`] = String(Math.round(v.weight * 1e6) / 1e4);
  });
  return fields;
}

/**
 * The JSON body the API takes, from the form: blank variant rows are left out, the metrics as
 * picked from the library (the legacy `primaryMetric` type follows the primary metric),
 * numbers stay numbers (or NaN, which the schema refuses), percentages become fractions.
 */
export function bodyOf(f: Fields, isNew: boolean): Record<string, unknown> {
  const variants = [...Array(VARIANT_ROWS).keys()].filter((i) => one(f, `variant-name-${i}`))
    .map((i) => ({
      name: one(f, `variant-name-${i}`),
      description: one(f, `variant-description-${i}`),
      weight: number(one(f, `variant-weight-${i}`)) ?? 1,
    }));
  const tags = one(f, "tags").split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  // Forms without the library's fields (older clients) keep the server's default metrics.
  const picked = f["metric-primary"] !== undefined;
  const primary = picked
    ? one(f, "metric-primary")
    : one(f, "metric") === "value"
    ? "conversion_value"
    : "conversion";
  const baseline = number(one(f, "baseline"));
  const mde = number(one(f, "mde"));
  const body: Record<string, unknown> = {
    name: one(f, "name"),
    campaignId: one(f, "campaignId") || null,
    variants,
    primaryMetric: { type: primary === "conversion_value" ? "value" : "conversion" },
    targeting: { stages: many(f, "stage"), tags },
    alpha: number(one(f, "alpha")) ?? 0.05,
    sequential: one(f, "sequential") === "on",
    mode: one(f, "mode") || "ab",
  };
  if (picked) {
    body.metrics = {
      primary,
      secondary: many(f, "metric-secondary"),
      guardrails: many(f, "metric-guardrail"),
    };
  }
  const minShare = number(one(f, "minShare"));
  if (minShare !== undefined) body.minShare = minShare / 100;
  const reweightMinutes = number(one(f, "reweightMinutes"));
  if (reweightMinutes !== undefined) body.reweightMinutes = reweightMinutes;
  if (baseline !== undefined || mde !== undefined) {
    body.plan = {
      baselineRate: (baseline ?? NaN) / 100,
      minimumDetectableEffect: (mde ?? NaN) / 100,
      power: number(one(f, "power")) ?? 0.8,
    };
  } else body.plannedSampleSize = number(one(f, "planned")) ?? null;
  Object.assign(body, layerBodyOf(f));
  if (isNew) {
    body.key = one(f, "key");
    if (one(f, "bankId")) body.bankId = one(f, "bankId");
  }
  return body;
}

/**
 * Turns a refused form into the form again with the message (in the reader's language when it
 * has a translation); other errors propagate.
 */
export function formError(error: unknown, t?: Translate): string {
  if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
    return messageIn(error, t);
  }
  throw error;
}

type T = { t: Translate; v: (k: string) => string };

function KeyFields(
  { t, v, isNew, isAdmin, campaigns }: T & {
    isNew: boolean;
    isAdmin: boolean;
    campaigns: Campaign[];
  },
) {
  return (
    <div class="form-row">
      {isNew && (
        <label>
          {t("loop.form.key")}
          <input
            type="text"
            name="key"
            required
            pattern="[a-z0-9][a-z0-9\-]{0,63}"
            value={v("key")}
          />
        </label>
      )}
      <label>
        {t("loop.form.name")}
        <input type="text" name="name" required maxLength={200} value={v("name")} />
      </label>
      {isNew && isAdmin && (
        <label>
          {t("loop.form.bank")}
          <input type="text" name="bankId" value={v("bankId")} />
        </label>
      )}
      <label>
        {t("loop.form.campaign")}
        <select name="campaignId">
          <option value="">{t("loop.form.noCampaign")}</option>
          {campaigns.map((c) => (
            <option value={c.id} selected={v("campaignId") === c.id}>{c.name}</option>
          ))}
        </select>
      </label>
    </div>
  );
}

function VariantRows({ t, v }: T) {
  const row = (i: number) => (
    <div class="form-row">
      <input
        type="text"
        name={`variant-name-${i}`}
        aria-label={`${t("loop.form.variantName")} ${i + 1}`}
        placeholder={t("loop.form.variantName")}
        value={v(`variant-name-${i}`)}
      />
      <input
        type="text"
        class="wide"
        name={`variant-description-${i}`}
        aria-label={`${t("loop.form.variantDescription")} ${i + 1}`}
        placeholder={t("loop.form.variantDescription")}
        value={v(`variant-description-${i}`)}
      />
      <input
        type="text"
        inputMode="decimal"
        class="narrow"
        name={`variant-weight-${i}`}
        aria-label={`${t("loop.form.weight")} ${i + 1}`}
        placeholder={t("loop.form.weight")}
        value={v(`variant-weight-${i}`)}
      />
    </div>
  );
  return (
    <fieldset>
      <legend>{t("loop.form.variants")}</legend>
      {[...Array(VARIANT_ROWS).keys()].map(row)}
    </fieldset>
  );
}

function ModeFields({ t, v }: T) {
  return (
    <fieldset data-testid="mode-fields">
      <legend>{t("bandit.form.mode")}</legend>
      <div class="form-row">
        <select name="mode" aria-label={t("bandit.form.mode")}>
          <option value="ab" selected={v("mode") !== "bandit"}>{t("bandit.form.ab")}</option>
          <option value="bandit" selected={v("mode") === "bandit"}>
            {t("bandit.form.bandit")}
          </option>
        </select>
        <label>
          {t("bandit.form.minShare")}
          <input
            type="text"
            inputMode="decimal"
            class="narrow"
            name="minShare"
            value={v("minShare") || "1"}
          />
        </label>
        <label>
          {t("bandit.form.reweightMinutes")}
          <input
            type="text"
            inputMode="numeric"
            class="narrow"
            name="reweightMinutes"
            value={v("reweightMinutes") || "15"}
          />
        </label>
      </div>
      <p class="muted small">{t("bandit.form.hint")}</p>
    </fieldset>
  );
}

function TargetingFields({ t, v, stages }: T & { stages: string[] }) {
  return (
    <fieldset>
      <legend>{t("loop.form.stages")}</legend>
      <div class="form-row">
        {STAGES.map((s) => (
          <label class="check">
            <input type="checkbox" name="stage" value={s} checked={stages.includes(s)} />
            {t(`loop.stage.${s}`)}
          </label>
        ))}
      </div>
      <label>
        {t("loop.form.tags")} <input type="text" name="tags" value={v("tags")} />
      </label>
    </fieldset>
  );
}

function PlanFields({ t, v }: T) {
  const field = (key: MessageKey, name: string, fallback = "", mode = "decimal") => (
    <label>
      {t(key)}
      <input type="text" inputMode={mode} name={name} value={v(name) || fallback} />
    </label>
  );
  return (
    <fieldset>
      <legend>{t("loop.form.plan")}</legend>
      <div class="form-row">
        {field("loop.form.alpha", "alpha", "0.05")}
        {field("loop.form.baseline", "baseline")}
        {field("loop.form.mde", "mde")}
        {field("loop.form.power", "power", "0.8")}
        {field("loop.form.planned", "planned", "", "numeric")}
      </div>
      <label class="check">
        <input type="checkbox" name="sequential" checked={v("sequential") === "on"} />
        {t("loop.form.sequential")}
      </label>
    </fieldset>
  );
}

/**
 * The metrics as the form shows them: as posted (or stored, on edit), else the defaults — a
 * fresh new form, or a post from a client without the library's fields.
 */
export function pickedOf(f: Fields): PickedMetrics {
  if (f["metric-primary"] === undefined) {
    const d = DEFAULT_EXPERIMENT_METRICS;
    return { primary: d.primary, secondary: [...d.secondary], guardrails: [...d.guardrails] };
  }
  return {
    primary: one(f, "metric-primary"),
    secondary: many(f, "metric-secondary"),
    guardrails: many(f, "metric-guardrail"),
  };
}

/** The library a form picks from: the bank's, or the built-ins while no bank is known. */
export async function formLibrary(db: Db, bankId: string | null) {
  return bankId ? await listMetrics(db, bankId) : [...BUILTIN_METRICS];
}

/** The create / edit form of an experiment (server-rendered, no script). */
export function ExperimentForm(
  props: {
    t: Translate;
    locale: Locale;
    fields: Fields;
    campaigns: Campaign[];
    library: Parameters<typeof MetricPicker>[0]["library"];
    bankId: string | null;
    legacyGuardrails?: string[];
    action: string;
    isNew: boolean;
    isAdmin: boolean;
    error?: string;
    /** The bank's layers, for the layer field. */
    layers?: readonly { key: string; name: string }[];
    /** More fields before the submit button (the schedule: ./schedule_form.tsx). */
    extra?: ComponentChildren;
  },
) {
  const { t, fields, isNew, error } = props;
  const v = (k: string) => one(fields, k);
  return (
    <form
      method="post"
      action={props.action}
      class="card experiment-form"
      data-testid="experiment-form"
    >
      {error && <p class="errors" role="alert">{t("loop.form.error", { message: error })}</p>}
      <KeyFields t={t} v={v} isNew={isNew} isAdmin={props.isAdmin} campaigns={props.campaigns} />
      <VariantRows t={t} v={v} />
      <ModeFields t={t} v={v} />
      <MetricPicker
        t={t}
        locale={props.locale}
        library={props.library}
        picked={pickedOf(fields)}
        legacy={props.legacyGuardrails ?? []}
        bankId={props.bankId}
      />
      <TargetingFields t={t} v={v} stages={many(fields, "stage")} />
      <LayerFields t={t} fields={fields} layers={props.layers ?? []} />
      <PlanFields t={t} v={v} />
      {props.extra}
      <button type="submit">{t(isNew ? "loop.form.create" : "loop.form.save")}</button>
    </form>
  );
}
