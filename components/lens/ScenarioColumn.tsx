import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { dimensionById } from "../../lib/lens/model.ts";
import { type Scenario, SCENARIOS, scoreScenario } from "../../lib/lens/scenarios.ts";
import type { LensScore } from "../../lib/lens/scoring.ts";
import { levelLabel, nameOf } from "./names.ts";

interface Props {
  score: LensScore;
  scenario: Scenario | undefined;
  /** The period shown, kept when another scenario is picked. */
  period: string;
  locale: Locale;
  t: Translate;
}

/** The official scores beside a weighting scenario's, clearly marked as unofficial. */
export function ScenarioColumn({ score, scenario, period, locale, t }: Props) {
  const n = (v: number | null | undefined) => formatNumber(locale, v);
  const alt = scenario ? scoreScenario(score, scenario.weights) : null;
  const diff = (a: number | null, b: number | null) =>
    a === null || b === null
      ? "—"
      : formatNumber(locale, b - a, { maximumFractionDigits: 2, signDisplay: "exceptZero" });
  const rows = [
    {
      key: "overall",
      name: t("lens.overall"),
      official: score.overall.score,
      alt: alt?.overall.score ?? null,
    },
    ...score.dimensions.map((d, k) => ({
      key: d.id,
      name: nameOf(locale, dimensionById(d.id)),
      official: d.score,
      alt: alt?.dimensions[k].score ?? null,
    })),
  ];
  return (
    <section class="card scenario" data-testid="scenario">
      <h2>{t("scenario.title")}</h2>
      <form method="get" class="inline" data-testid="scenario-form">
        <input type="hidden" name="period" value={period} />
        <label>
          {t("scenario.pick")}{" "}
          <select name="scenario">
            <option value="">{t("scenario.none")}</option>
            {SCENARIOS.map((s) => (
              <option key={s.id} value={s.id} selected={s.id === scenario?.id}>
                {t(`scenario.${s.id}`)}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit">{t("lens.show")}</button>
      </form>
      <p class="muted small">{t("scenario.notice")}</p>
      {alt && scenario && (
        <table class="data" data-testid="scenario-table">
          <thead>
            <tr>
              <th scope="col"></th>
              <th scope="col" class="num">{t("scenario.official")}</th>
              <th scope="col" class="num scenario-col">
                {t("scenario.label")}: {t(`scenario.${scenario.id}`)}
              </th>
              <th scope="col" class="num">{t("scenario.diff")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-figure={r.key}>
                <th scope="row">{r.name}</th>
                <td class="num">{n(r.official)}</td>
                <td class="num scenario-col" data-testid="scenario-value">
                  <em>{n(r.alt)}</em>
                </td>
                <td class="num">{diff(r.official, r.alt)}</td>
              </tr>
            ))}
            <tr data-figure="level">
              <th scope="row">{t("lens.level")}</th>
              <td class="num">{levelLabel(t, score.overall.level)}</td>
              <td class="num scenario-col">
                <em>{levelLabel(t, alt.overall.level)}</em>
              </td>
              <td class="num"></td>
            </tr>
          </tbody>
        </table>
      )}
      {alt && (
        <p class="small" data-testid="scenario-weights">
          {t("scenario.weights")}: {score.dimensions.map((d, k) =>
            `${nameOf(locale, dimensionById(d.id))} ${
              formatNumber(locale, alt.weights.dimensions[k] * 100, { maximumFractionDigits: 1 })
            }%`
          ).join(" / ")}
        </p>
      )}
    </section>
  );
}
