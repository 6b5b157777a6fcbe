import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { formatNumber, formatPercent, type Locale, translator } from "../lib/i18n/mod.ts";
import { plan, type PlannerInputs } from "../components/tools/planner.ts";
import { parseNumber } from "../components/tools/inputs.ts";
import { powerChart, useLineChart } from "./_chart.ts";
import { NumberField } from "../components/tools/NumberField.tsx";

export interface SampleSizePlannerProps {
  [key: string]: unknown;
  locale: Locale;
  initial: PlannerInputs;
}

const ALPHAS = [0.01, 0.05, 0.1];
const POWERS = [0.8, 0.9, 0.95];

type Outcome = ReturnType<typeof plan>;
type SetInputs = (patch: Partial<PlannerInputs>) => void;

/** Users per arm, total and days for a planned test, with the power curve around the plan. */
export default function SampleSizePlanner({ locale, initial }: SampleSizePlannerProps) {
  const t = translator(locale);
  const inputs = useSignal(initial);
  const canvas = useRef<HTMLCanvasElement>(null);
  const outcome = plan(inputs.value);
  const set = (patch: Partial<PlannerInputs>) => (inputs.value = { ...inputs.value, ...patch });
  useLineChart(
    canvas,
    () => outcome.ok ? powerChart(outcome.curve, inputs.value.power, t) : null,
    [JSON.stringify(outcome), locale],
  );
  return (
    <section class="card tool" data-testid="planner">
      <h2>{t("tools.plan.title")}</h2>
      <PlannerForm locale={locale} inputs={inputs.value} set={set} />
      {outcome.ok
        ? <PlanFigures locale={locale} inputs={inputs.value} outcome={outcome} />
        : <p class="form-error" role="alert">{t(outcome.error, outcome.params)}</p>}
      <figure class="tool-chart">
        <figcaption>{t("tools.plan.chartTitle")}</figcaption>
        <div class="tool-chart-box">
          <canvas ref={canvas} role="img" aria-label={t("tools.plan.chartTitle")} />
        </div>
      </figure>
    </section>
  );
}

/** The planner's inputs: baseline, effect (relative or absolute), α, power, arms, traffic. */
function PlannerForm(
  { locale, inputs, set }: { locale: Locale; inputs: PlannerInputs; set: SetInputs },
) {
  const t = translator(locale);
  const field = (key: "baseline" | "mde" | "arms" | "traffic", label: string) => (
    <NumberField
      name={key}
      label={label}
      value={inputs[key]}
      onValue={(value) => set({ [key]: value })}
    />
  );
  const choice = (key: "alpha" | "power", values: number[]) => (
    <select
      name={key}
      value={String(inputs[key])}
      onChange={(e) => set({ [key]: Number(e.currentTarget.value) })}
    >
      {values.map((v) => <option key={v} value={String(v)}>{formatPercent(locale, v, 0)}</option>)}
    </select>
  );
  return (
    <form class="tool-form" onSubmit={(e) => e.preventDefault()}>
      {field("baseline", t("tools.plan.baseline"))}
      <fieldset>
        <legend>{t("tools.plan.mde")}</legend>
        {(["relative", "absolute"] as const).map((type) => (
          <label class="radio">
            <input
              type="radio"
              name="effectType"
              value={type}
              checked={inputs.effectType === type}
              onChange={() => set({ effectType: type })}
            />
            {t(type === "relative" ? "tools.plan.relative" : "tools.plan.absolute")}
          </label>
        ))}
        <input
          type="text"
          inputMode="decimal"
          name="mde"
          aria-label={t("tools.plan.mde")}
          value={inputs.mde}
          onInput={(e) => set({ mde: e.currentTarget.value })}
        />
      </fieldset>
      <label>
        <span>{t("tools.plan.alpha")}</span>
        {choice("alpha", ALPHAS)}
      </label>
      <label>
        <span>{t("tools.plan.power")}</span>
        {choice("power", POWERS)}
      </label>
      {field("arms", t("tools.plan.arms"))}
      {field("traffic", t("tools.plan.traffic"))}
    </form>
  );
}

/** The plan: users per arm, total, days, the sentence saying it, the multi-arm note. */
function PlanFigures(
  { locale, inputs, outcome }: {
    locale: Locale;
    inputs: PlannerInputs;
    outcome: Extract<Outcome, { ok: true }>;
  },
) {
  const t = translator(locale);
  const num = (n: number) => formatNumber(locale, n, { maximumFractionDigits: 0 });
  const pct = (r: number) => formatPercent(locale, r, r < 0.1 ? 2 : 1);
  return (
    <div aria-live="polite">
      <dl class="tool-figures">
        <div>
          <dt>{t("tools.plan.perArm")}</dt>
          <dd data-testid="per-arm">{num(outcome.perVariant)}</dd>
        </div>
        <div>
          <dt>{t("tools.plan.total")}</dt>
          <dd data-testid="total">{num(outcome.total)}</dd>
        </div>
        <div>
          <dt>{t("tools.plan.days")}</dt>
          <dd data-testid="days">{t("tools.plan.daysValue", { days: num(outcome.days) })}</dd>
        </div>
      </dl>
      <p>
        {t("tools.plan.summary", {
          power: formatPercent(locale, inputs.power, 0),
          p1: pct(outcome.baselineRate),
          p2: pct(outcome.variantRate),
          n: num(outcome.perVariant),
          total: num(outcome.total),
          days: num(outcome.days),
          traffic: num(parseNumber(inputs.traffic)),
        })}
      </p>
      {outcome.arms > 2 && (
        <p class="muted small">
          {t("tools.plan.multiArm", {
            arms: outcome.arms,
            k: outcome.arms - 1,
            alpha: formatNumber(locale, outcome.alpha, { maximumSignificantDigits: 3 }),
          })}
        </p>
      )}
    </div>
  );
}
