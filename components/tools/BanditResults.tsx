import { formatNumber, formatPercent, type Locale, translator } from "../../lib/i18n/mod.ts";
import { policyLabel, type PolicyResult } from "./bandit_inputs.ts";

/** Cumulative regret and share of pulls per arm for each simulated policy. */
export function BanditResults(
  { results, armRates, epsilon, locale }: {
    results: PolicyResult[];
    armRates: number[];
    epsilon: number;
    locale: Locale;
  },
) {
  const t = translator(locale);
  const best = armRates.indexOf(Math.max(...armRates));
  return (
    <div class="table-scroll">
      <table class="data" data-testid="bandit-table">
        <caption>{t("tools.bandit.sharesTitle")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("tools.bandit.policy")}</th>
            <th scope="col" class="num">{t("tools.bandit.regret")}</th>
            {armRates.map((rate, i) => (
              <th scope="col" class="num">
                {t("tools.bandit.arm", { n: i + 1 })} ({formatPercent(locale, rate, 1)})
                {i === best && <span class="badge">{t("tools.bandit.best")}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {results.map(({ policy, result }) => (
            <tr data-policy={policy}>
              <th scope="row">{policyLabel(policy, epsilon, t)}</th>
              <td class="num">{formatNumber(locale, result.cumulativeRegret)}</td>
              {result.pullShares.map((share) => (
                <td class="num">{formatPercent(locale, share, 1)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
