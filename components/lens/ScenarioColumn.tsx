import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { DataTable } from "../DataTable.tsx";
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
        <DataTable
          testid="scenario-table"
          columns={[
            { header: "", rowHeader: true, cell: (r) => r.name },
            { header: t("scenario.official"), numeric: true, cell: (r) => r.official },
            {
              header: <>{t("scenario.label")}: {t(`scenario.${scenario.id}`)}</>,
              numeric: true,
              class: "scenario-col",
              cell: (r) => <em>{r.alt}</em>,
              cellProps: (r) => ({
                "data-testid": r.key === "level" ? undefined : "scenario-value",
              }),
            },
            { header: t("scenario.diff"), numeric: true, cell: (r) => r.diff },
          ]}
          rows={[
            ...rows.map((r) => ({
              key: r.key,
              name: r.name,
              official: n(r.official),
              alt: n(r.alt),
              diff: diff(r.official, r.alt),
            })),
            {
              key: "level",
              name: t("lens.level"),
              official: levelLabel(t, score.overall.level),
              alt: levelLabel(t, alt.overall.level),
              diff: "",
            },
          ]}
          rowKey={(r) => r.key}
          rowProps={(r) => ({ "data-figure": r.key })}
        />
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
