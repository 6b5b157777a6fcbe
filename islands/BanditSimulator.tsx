import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { type Locale, type Translate, translator } from "../lib/i18n/mod.ts";
import {
  type BanditInputs,
  banditSpecs,
  POLICIES,
  policyLabel,
  type PolicyResult,
} from "../components/tools/bandit_inputs.ts";
import { BanditResults } from "../components/tools/BanditResults.tsx";
import { parseNumber } from "../components/tools/inputs.ts";
import { ArmRates } from "../components/tools/ArmRates.tsx";
import { regretChart, useLineChart } from "./_chart.ts";
import { runSimulations } from "./_run_simulations.ts";
import { NumberField } from "../components/tools/NumberField.tsx";

export interface BanditSimulatorProps {
  [key: string]: unknown;
  locale: Locale;
  initial: BanditInputs;
  results: PolicyResult[];
}

/** Policies, arms and sizes in; regret curves and pull shares out (run in the browser). */
export default function BanditSimulator({ locale, initial, results }: BanditSimulatorProps) {
  const t = translator(locale);
  const inputs = useSignal(initial);
  const shown = useSignal({ results, inputs: initial });
  const progress = useSignal<{ policy: string; done: number; total: number } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const set = (patch: Partial<BanditInputs>) => (inputs.value = { ...inputs.value, ...patch });
  const plan = banditSpecs(inputs.value, t);
  const epsilonOf = (i: BanditInputs) => parseNumber(i.epsilon);
  const lines = shown.value.results.map((r) => ({
    label: policyLabel(r.policy, epsilonOf(shown.value.inputs), t),
    curve: r.result.regretCurve,
  }));
  useLineChart(canvas, () => regretChart(lines, t), [shown.value, locale]);

  async function run() {
    if (!plan.ok || progress.value) return;
    const runInputs = inputs.value;
    const out = await runSimulations(plan.specs, ({ spec, done, total }) => {
      progress.value = { policy: policyLabel(spec.policy, spec.epsilon ?? 0.1, t), done, total };
    });
    shown.value = { results: out, inputs: runInputs };
    progress.value = null;
  }

  return (
    <section class="card tool" data-testid="bandit">
      <SimulatorForm
        t={t}
        inputs={inputs.value}
        set={set}
        canRun={plan.ok && progress.value === null}
        onRun={run}
      />
      {!plan.ok && (
        <ul class="form-error" role="alert" data-testid="bandit-errors">
          {plan.errors.map((e) => <li key={e}>{e}</li>)}
        </ul>
      )}
      <RunStatus locale={locale} progress={progress.value} />
      <figure class="tool-chart">
        <figcaption>{t("tools.bandit.regretTitle")}</figcaption>
        <div class="tool-chart-box">
          <canvas
            ref={canvas}
            role="img"
            aria-label={t("tools.bandit.regretTitle")}
            data-testid="regret-chart"
          />
        </div>
      </figure>
      <BanditResults
        results={shown.value.results}
        armRates={shown.value.inputs.rates.map((r) => parseNumber(r) / 100)}
        epsilon={epsilonOf(shown.value.inputs)}
        locale={locale}
      />
    </section>
  );
}

/** The simulation's inputs: policies (ε for ε-greedy), arm rates, horizon, runs, seed. */
function SimulatorForm(
  { t, inputs, set, canRun, onRun }: {
    t: Translate;
    inputs: BanditInputs;
    set: (patch: Partial<BanditInputs>) => void;
    canRun: boolean;
    onRun: () => void;
  },
) {
  const epsilon = parseNumber(inputs.epsilon);
  const field = (key: "horizon" | "runs" | "seed" | "epsilon", label: string) => (
    <NumberField
      name={key}
      label={label}
      value={inputs[key]}
      onValue={(value) => set({ [key]: value })}
    />
  );
  return (
    <form class="tool-form" onSubmit={(e) => (e.preventDefault(), onRun())}>
      <fieldset class="wide">
        <legend>{t("tools.bandit.policies")}</legend>
        {POLICIES.map((p) => (
          <label class="check">
            <input
              type="checkbox"
              name={`policy-${p}`}
              checked={inputs.policies.includes(p)}
              onChange={(e) =>
                set({
                  policies: POLICIES.filter((q) =>
                    q === p ? e.currentTarget.checked : inputs.policies.includes(q)
                  ),
                })}
            />
            {policyLabel(p, epsilon, t)}
          </label>
        ))}
      </fieldset>
      {field("epsilon", t("tools.bandit.epsilonValue"))}
      <ArmRates rates={inputs.rates} onChange={(rates) => set({ rates })} t={t} />
      {field("horizon", t("tools.bandit.horizon"))}
      {field("runs", t("tools.bandit.runs"))}
      {field("seed", t("tools.bandit.seed"))}
      <button type="submit" data-testid="run" disabled={!canRun}>
        {t("tools.bandit.run")}
      </button>
    </form>
  );
}

/** Which policy is running and how far, or the note on where simulations run. */
function RunStatus(
  { locale, progress }: {
    locale: Locale;
    progress: { policy: string; done: number; total: number } | null;
  },
) {
  const t = translator(locale);
  return (
    <div class="tool-progress" aria-live="polite" data-testid="bandit-status">
      {progress
        ? (
          <>
            <span>
              {t("tools.bandit.running", {
                policy: progress.policy,
                done: progress.done.toLocaleString(locale),
                total: progress.total.toLocaleString(locale),
              })}
            </span>
            <progress max={progress.total} value={progress.done} />
          </>
        )
        : <span class="muted small">{t("tools.bandit.note")}</span>}
    </div>
  );
}
