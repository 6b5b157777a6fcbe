import type { Translate } from "../../lib/i18n/mod.ts";

/** The simulator's arm rates (percent, as typed) with add and remove buttons, 2–20 arms. */
export function ArmRates(
  { rates, onChange, t }: { rates: string[]; onChange: (rates: string[]) => void; t: Translate },
) {
  return (
    <fieldset class="wide">
      <legend>{t("tools.bandit.rates")}</legend>
      {rates.map((rate, i) => (
        <span class="arm-rate">
          <input
            type="text"
            inputMode="decimal"
            name={`rate-${i}`}
            aria-label={t("tools.bandit.arm", { n: i + 1 })}
            value={rate}
            onInput={(e) => onChange(rates.map((r, j) => j === i ? e.currentTarget.value : r))}
          />
          {rates.length > 2 && (
            <button
              type="button"
              class="link"
              onClick={() => onChange(rates.filter((_, j) => j !== i))}
            >
              {t("tools.sig.removeArm")}
            </button>
          )}
        </span>
      ))}
      {rates.length < 20 && (
        <button
          type="button"
          class="secondary"
          onClick={() => onChange([...rates, ""])}
        >
          {t("tools.sig.addArm")}
        </button>
      )}
    </fieldset>
  );
}
