import { useSignal } from "@preact/signals";
import { formatNumber, type Locale, translator } from "../lib/i18n/mod.ts";
import { ScoreBar } from "../components/ScoreBar.tsx";

export interface ExplorerDimension {
  id: string;
  name: string;
  score: number | null;
  capabilities: Array<{ id: string; name: string; score: number | null }>;
}

export interface DimensionExplorerProps {
  [key: string]: unknown;
  locale: Locale;
  dimensions: ExplorerDimension[];
}

/** Tabs over the three dimensions; the chosen one lists its capabilities with their scores. */
export default function DimensionExplorer({ locale, dimensions }: DimensionExplorerProps) {
  const t = translator(locale);
  const selected = useSignal(dimensions[0]?.id ?? "");
  const current = dimensions.find((d) => d.id === selected.value) ?? dimensions[0];
  return (
    <section class="card explorer" aria-label={t("dashboard.dimensions")}>
      <h2>{t("dashboard.dimensions")}</h2>
      <p class="muted">{t("dashboard.pickDimension")}</p>
      <div class="tabs" role="tablist">
        {dimensions.map((d) => (
          <button
            type="button"
            role="tab"
            id={`tab-${d.id}`}
            aria-selected={d.id === current?.id}
            aria-controls={`panel-${d.id}`}
            data-dimension={d.id}
            onClick={() => (selected.value = d.id)}
          >
            <span>{d.name}</span>
            <strong>{formatNumber(locale, d.score)}</strong>
          </button>
        ))}
      </div>
      {current && (
        <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
          <table class="scores" data-testid="capability-table">
            <thead>
              <tr>
                <th scope="col">{t("dashboard.capability")}</th>
                <th scope="col" class="num">{t("dashboard.score")}</th>
                <th scope="col" aria-hidden="true"></th>
              </tr>
            </thead>
            <tbody>
              {current.capabilities.map((cap) => (
                <tr data-capability={cap.id}>
                  <td>{cap.name}</td>
                  <td class="num">
                    {cap.score === null
                      ? t("dashboard.insufficient")
                      : formatNumber(locale, cap.score)}
                  </td>
                  <td class="bar-cell">
                    <ScoreBar score={cap.score} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
