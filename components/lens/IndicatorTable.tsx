import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import type { FigureBenchmark } from "../../lib/lens/benchmark.ts";
import { indicatorById, MODEL } from "../../lib/lens/model.ts";
import type { IndicatorResult, LensScore } from "../../lib/lens/scoring.ts";
import { formatValue, nameOf } from "./names.ts";
import { unitLabel } from "../../lib/i18n/unit_messages.ts";

interface Props {
  score: LensScore;
  benchmarks: Map<string, FigureBenchmark>;
  measured: Partial<Record<string, { value: number }>>;
  locale: Locale;
  t: Translate;
}

function StatusCell({ result, t }: { result: IndicatorResult; t: Translate }) {
  if (result.status === "not_applicable") return <span class="badge muted">{t("lens.na")}</span>;
  if (result.status === "missing") return <span class="badge muted">{t("lens.missing")}</span>;
  if (result.status === "missing_critical") {
    return <span class="badge warn">{t("lens.missingCritical")}</span>;
  }
  if (result.status === "invalid") return <span class="badge warn">{t("lens.invalid")}</span>;
  return null;
}

/** Every indicator by capability: value, unit, score, peer median and the bank's percentile. */
export function IndicatorTable({ score, benchmarks, measured, locale, t }: Props) {
  const n = (v: number | null | undefined) => formatNumber(locale, v);
  return (
    <section class="card indicators" data-testid="indicator-table">
      <h2>{t("lens.indicators")}</h2>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{t("lens.indicator")}</th>
            <th scope="col" class="num">{t("lens.value")}</th>
            <th scope="col">{t("lens.unit")}</th>
            <th scope="col" class="num">{t("lens.score")}</th>
            <th scope="col" class="num">{t("lens.peerMedian")}</th>
            <th scope="col" class="num">{t("lens.percentile")}</th>
          </tr>
        </thead>
        {score.dimensions.flatMap((d) => d.capabilities).map((cap) => {
          const capModel = MODEL.dimensions.flatMap((d) => d.capabilities).find((c) =>
            c.id === cap.id
          );
          return (
            <tbody data-capability={cap.id}>
              <tr class="group-row">
                <th scope="rowgroup" colSpan={3}>{nameOf(locale, capModel)}</th>
                <td class="num">
                  <strong>{cap.score === null ? t("lens.insufficient") : n(cap.score)}</strong>
                </td>
                <td class="num">{n(benchmarks.get(`capability:${cap.id}`)?.summary.median)}</td>
                <td class="num">{n(benchmarks.get(`capability:${cap.id}`)?.percentile)}</td>
              </tr>
              {cap.indicators.map((result) => {
                const indicator = indicatorById(result.id)!;
                const bench = benchmarks.get(`indicator:${result.id}`);
                const m = measured[result.id];
                return (
                  <tr data-indicator={result.id}>
                    <td>
                      {nameOf(locale, indicator)}
                      {indicator.critical && <span class="badge warn">{t("lens.critical")}</span>}
                    </td>
                    <td class="num">
                      {formatValue(locale, indicator, result.value)}{" "}
                      <StatusCell result={result} t={t} />
                      {m && (
                        <span class="badge measured" data-testid="measured">
                          {t("lens.measured")}: {formatValue(locale, indicator, m.value)}
                        </span>
                      )}
                    </td>
                    <td class="muted">
                      {indicator.type === "metric" ? unitLabel(t, indicator.unit) : "1–5"}
                    </td>
                    <td class="num">{n(result.score)}</td>
                    <td class="num">
                      {formatNumber(locale, bench?.summary.median, { maximumFractionDigits: 2 })}
                    </td>
                    <td class="num">{n(bench?.percentile)}</td>
                  </tr>
                );
              })}
            </tbody>
          );
        })}
      </table>
    </section>
  );
}
