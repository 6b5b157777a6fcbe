import { useSignal } from "@preact/signals";
import { formatPercent, type Locale, translator } from "../lib/i18n/mod.ts";
import { parseInteger } from "../components/tools/inputs.ts";
import { analyzeArms, type ArmInput, MAX_ARMS } from "../components/tools/significance.ts";
import { SignificanceResults } from "../components/tools/SignificanceResults.tsx";

export interface SignificanceCalculatorProps {
  [key: string]: unknown;
  locale: Locale;
  arms: ArmInput[];
  sequential: boolean;
}

/**
 * Arms' users and conversions in, the full read-out out. Computed in the browser with lib/stats
 * (the same code as POST /api/stats/proportions, ~20 KB gzip with jStat) so every keystroke
 * answers at once without spending the public API's rate limit.
 */
export default function SignificanceCalculator(props: SignificanceCalculatorProps) {
  const { locale } = props;
  const t = translator(locale);
  const arms = useSignal(props.arms);
  const sequential = useSignal(props.sequential);
  const outcome = analyzeArms(arms.value, { sequential: sequential.value }, t);
  const update = (
    i: number,
    patch: Partial<ArmInput>,
  ) => (arms.value = arms.value.map((arm, j) => (i === j ? { ...arm, ...patch } : arm)));
  const rate = (arm: ArmInput) => {
    const users = parseInteger(arm.users, 1, 1e12);
    const conversions = parseInteger(arm.conversions, 0, 1e12);
    return users && conversions !== null ? formatPercent(locale, conversions / users, 2) : "—";
  };
  const cell = (i: number, key: "name" | "users" | "conversions", label: string) => (
    <td>
      <input
        type="text"
        inputMode={key === "name" ? "text" : "numeric"}
        name={`${key}-${i}`}
        aria-label={`${label} ${i + 1}`}
        value={arms.value[i][key]}
        onInput={(e) => update(i, { [key]: e.currentTarget.value })}
      />
    </td>
  );

  return (
    <section class="card tool" data-testid="significance">
      <h2>{t("tools.sig.title")}</h2>
      <form class="arms-form" onSubmit={(e) => e.preventDefault()}>
        <div class="table-scroll">
          <table class="data arms">
            <thead>
              <tr>
                <th scope="col">{t("tools.sig.arm")}</th>
                <th scope="col">{t("tools.sig.users")}</th>
                <th scope="col">{t("tools.sig.conversions")}</th>
                <th scope="col" class="num">{t("tools.sig.rate")}</th>
                <th scope="col"></th>
              </tr>
            </thead>
            <tbody>
              {arms.value.map((arm, i) => (
                <tr>
                  {cell(i, "name", t("tools.sig.arm"))}
                  {cell(i, "users", t("tools.sig.users"))}
                  {cell(i, "conversions", t("tools.sig.conversions"))}
                  <td class="num">{rate(arm)}</td>
                  <td>
                    {arms.value.length > 2 && (
                      <button
                        type="button"
                        class="link"
                        data-testid={`remove-arm-${i}`}
                        onClick={() => (arms.value = arms.value.filter((_, j) => j !== i))}
                      >
                        {t("tools.sig.removeArm")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="tool-row">
          <button
            type="button"
            class="secondary"
            data-testid="add-arm"
            disabled={arms.value.length >= MAX_ARMS}
            onClick={() => (arms.value = [...arms.value, {
              name: t("tools.sig.variant", { n: arms.value.length }),
              users: "",
              conversions: "",
            }])}
          >
            {t("tools.sig.addArm")}
          </button>
          <label class="check">
            <input
              type="checkbox"
              name="sequential"
              checked={sequential.value}
              onChange={(e) => (sequential.value = e.currentTarget.checked)}
            />
            {t("tools.sig.sequential")}
          </label>
        </div>
        <p class="muted small">{t("tools.sig.sequentialHint")}</p>
      </form>
      {outcome.ok
        ? <SignificanceResults analysis={outcome.analysis} locale={locale} />
        : (
          <ul class="form-error" role="alert" data-testid="significance-errors">
            {outcome.errors.map((e) => <li key={e}>{e}</li>)}
          </ul>
        )}
    </section>
  );
}
