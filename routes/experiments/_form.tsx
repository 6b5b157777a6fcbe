import type { Campaign } from "../../db/campaigns.ts";
import { AppError, messageIn } from "../../lib/errors.ts";
import type { Experiment } from "../../db/experiments.ts";
import type { MessageKey, Translate } from "../../lib/i18n/mod.ts";
import { STAGES } from "./_service.ts";

/** The form's raw fields (as posted): `name`, `variant-name-0`, `stage` (several), … */
export type Fields = Record<string, string | string[]>;

export const VARIANT_ROWS = 5;
export const GUARDRAIL_ROWS = 2;

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
export function fieldsOf(e: Experiment): Fields {
  const fields: Fields = {
    key: e.key,
    name: e.name,
    campaignId: e.campaignId ?? "",
    metric: e.primaryMetric.type,
    metricName: e.primaryMetric.name ?? "",
    stage: e.targeting.stages ?? [],
    tags: (e.targeting.tags ?? []).join(", "),
    alpha: String(e.alpha),
    sequential: e.sequential ? "on" : "",
    planned: e.plannedSampleSize ? String(e.plannedSampleSize) : "",
    mode: e.mode,
    minShare: String(Math.round(e.minShare * 1e6) / 1e4),
    reweightMinutes: String(e.reweightMinutes),
  };
  e.variants.forEach((v, i) => {
    fields[`variant-name-${i}`] = v.name;
    fields[`variant-description-${i}`] = v.description;
    fields[`variant-weight-${i}`] = String(Math.round(v.weight * 1e6) / 1e4);
  });
  e.guardrails.forEach((g, i) => {
    fields[`guardrail-name-${i}`] = g.name;
    fields[`guardrail-type-${i}`] = g.type;
    fields[`guardrail-direction-${i}`] = g.direction;
  });
  return fields;
}

/**
 * The JSON body the API takes, from the form: blank variant and guardrail rows are left out,
 * numbers stay numbers (or NaN, which the schema refuses), percentages become fractions.
 */
export function bodyOf(f: Fields, isNew: boolean): Record<string, unknown> {
  const variants = [...Array(VARIANT_ROWS).keys()].filter((i) => one(f, `variant-name-${i}`))
    .map((i) => ({
      name: one(f, `variant-name-${i}`),
      description: one(f, `variant-description-${i}`),
      weight: number(one(f, `variant-weight-${i}`)) ?? 1,
    }));
  const guardrails = [...Array(GUARDRAIL_ROWS).keys()].filter((i) => one(f, `guardrail-name-${i}`))
    .map((i) => ({
      name: one(f, `guardrail-name-${i}`),
      type: one(f, `guardrail-type-${i}`),
      direction: one(f, `guardrail-direction-${i}`),
    }));
  const tags = one(f, "tags").split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  const baseline = number(one(f, "baseline"));
  const mde = number(one(f, "mde"));
  const body: Record<string, unknown> = {
    name: one(f, "name"),
    campaignId: one(f, "campaignId") || null,
    variants,
    primaryMetric: {
      type: one(f, "metric") || "conversion",
      ...(one(f, "metricName") ? { name: one(f, "metricName") } : {}),
    },
    guardrails,
    targeting: { stages: many(f, "stage"), tags },
    alpha: number(one(f, "alpha")) ?? 0.05,
    sequential: one(f, "sequential") === "on",
    mode: one(f, "mode") || "ab",
  };
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

/** The create / edit form of an experiment (server-rendered, no script). */
export function ExperimentForm(
  { t, fields, campaigns, action, isNew, isAdmin, error }: {
    t: Translate;
    fields: Fields;
    campaigns: Campaign[];
    action: string;
    isNew: boolean;
    isAdmin: boolean;
    error?: string;
  },
) {
  const v = (k: string) => one(fields, k);
  return (
    <form method="post" action={action} class="card experiment-form" data-testid="experiment-form">
      {error && <p class="errors" role="alert">{t("loop.form.error", { message: error })}</p>}
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
      <fieldset>
        <legend>{t("loop.form.variants")}</legend>
        {[...Array(VARIANT_ROWS).keys()].map((i) => (
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
        ))}
      </fieldset>
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
      <fieldset>
        <legend>{t("loop.form.metric")}</legend>
        <div class="form-row">
          <select name="metric" aria-label={t("loop.form.metric")}>
            <option value="conversion" selected={v("metric") !== "value"}>
              {t("loop.form.metricConversion")}
            </option>
            <option value="value" selected={v("metric") === "value"}>
              {t("loop.form.metricValue")}
            </option>
          </select>
          <input
            type="text"
            name="metricName"
            aria-label={t("loop.form.metricName")}
            placeholder={t("loop.form.metricName")}
            value={v("metricName")}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("loop.form.guardrails")}</legend>
        {[...Array(GUARDRAIL_ROWS).keys()].map((i) => (
          <div class="form-row">
            <input
              type="text"
              name={`guardrail-name-${i}`}
              aria-label={`${t("loop.form.guardrailName")} ${i + 1}`}
              placeholder={t("loop.form.guardrailName")}
              value={v(`guardrail-name-${i}`)}
            />
            <select name={`guardrail-type-${i}`} aria-label={t("loop.form.metric")}>
              <option value="conversion">{t("loop.form.metricConversion")}</option>
              <option value="value" selected={v(`guardrail-type-${i}`) === "value"}>
                {t("loop.form.metricValue")}
              </option>
            </select>
            <select name={`guardrail-direction-${i}`} aria-label={t("loop.form.guardrails")}>
              <option value="higher_is_better">{t("loop.form.higherBetter")}</option>
              <option
                value="lower_is_better"
                selected={v(`guardrail-direction-${i}`) === "lower_is_better"}
              >
                {t("loop.form.lowerBetter")}
              </option>
            </select>
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("loop.form.stages")}</legend>
        <div class="form-row">
          {STAGES.map((s) => (
            <label class="check">
              <input
                type="checkbox"
                name="stage"
                value={s}
                checked={many(fields, "stage").includes(s)}
              />
              {t(`loop.stage.${s}` as MessageKey)}
            </label>
          ))}
        </div>
        <label>
          {t("loop.form.tags")} <input type="text" name="tags" value={v("tags")} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t("loop.form.plan")}</legend>
        <div class="form-row">
          <label>
            {t("loop.form.alpha")}
            <input type="text" inputMode="decimal" name="alpha" value={v("alpha") || "0.05"} />
          </label>
          <label>
            {t("loop.form.baseline")}
            <input type="text" inputMode="decimal" name="baseline" value={v("baseline")} />
          </label>
          <label>
            {t("loop.form.mde")}
            <input type="text" inputMode="decimal" name="mde" value={v("mde")} />
          </label>
          <label>
            {t("loop.form.power")}
            <input type="text" inputMode="decimal" name="power" value={v("power") || "0.8"} />
          </label>
          <label>
            {t("loop.form.planned")}
            <input type="text" inputMode="numeric" name="planned" value={v("planned")} />
          </label>
        </div>
        <label class="check">
          <input type="checkbox" name="sequential" checked={v("sequential") === "on"} />
          {t("loop.form.sequential")}
        </label>
      </fieldset>
      <button type="submit">{t(isNew ? "loop.form.create" : "loop.form.save")}</button>
    </form>
  );
}
