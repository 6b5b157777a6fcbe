import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import type { FigureBenchmark } from "../../lib/lens/benchmark.ts";
import { capabilityById, dimensionById, indicatorById } from "../../lib/lens/model.ts";
import { unitLabel } from "../../lib/i18n/unit_messages.ts";
import { groupName, nameOf } from "./names.ts";

interface Props {
  title: string;
  testid: string;
  figures: FigureBenchmark[];
  withBank: boolean;
  locale: Locale;
  t: Translate;
}

function figureName(locale: Locale, f: FigureBenchmark, t: Translate): string {
  if (f.kind === "overall") return t("lens.overall");
  if (f.kind === "dimension") return nameOf(locale, dimensionById(f.id));
  if (f.kind === "capability") return nameOf(locale, capabilityById(f.id));
  const indicator = indicatorById(f.id);
  const unit = indicator?.type === "metric" ? ` (${unitLabel(t, indicator.unit)})` : " (1–5)";
  return nameOf(locale, indicator) + unit;
}

/**
 * Quartiles (and deciles from 10 banks) of each figure, never a minimum or maximum, and the
 * leaders: the better quartile in the figure's direction (the lower one for latency or churn).
 */
export function PeerTable({ title, testid, figures, withBank, locale, t }: Props) {
  const n = (v: number | null | undefined) => formatNumber(locale, v, { maximumFractionDigits: 2 });
  return (
    <section class="card" data-testid={testid}>
      <h2>{title}</h2>
      <table class="data">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">{t("lens.peerGroup")}</th>
            <th scope="col" class="num">{t("lens.peerN")}</th>
            <th scope="col" class="num">{t("lens.peerP10")}</th>
            <th scope="col" class="num">{t("lens.peerQ1")}</th>
            <th scope="col" class="num">{t("lens.peerMedian")}</th>
            <th scope="col" class="num">{t("lens.peerQ3")}</th>
            <th scope="col" class="num">{t("lens.peerP90")}</th>
            <th scope="col" class="num">{t("lens.peerLeaders")}</th>
            {withBank && <th scope="col" class="num">{t("lens.thisBank")}</th>}
            {withBank && <th scope="col" class="num">{t("lens.percentile")}</th>}
          </tr>
        </thead>
        <tbody>
          {figures.map((f) => (
            <tr data-figure={f.id} data-reason={f.summary.reason}>
              <th scope="row">
                {figureName(locale, f, t)}
                {f.direction === "lower_better" && (
                  <div class="muted small" data-testid="lower-better">
                    {t("lens.lowerBetter")}
                  </div>
                )}
              </th>
              <td>
                {groupName(locale, t, f.summary.group)}
                {f.summary.reason === "FALLBACK" && <span class="badge muted">↩</span>}
              </td>
              <td class="num">{f.summary.group === null ? "—" : f.summary.n}</td>
              <td class="num">{n(f.summary.p10)}</td>
              <td class="num">{n(f.summary.q1)}</td>
              <td class="num">{n(f.summary.median)}</td>
              <td class="num">{n(f.summary.q3)}</td>
              <td class="num">{n(f.summary.p90)}</td>
              <td class="num" data-testid="leaders">{n(f.summary.leaders)}</td>
              {withBank && <td class="num">{n(f.value)}</td>}
              {withBank && <td class="num">{n(f.percentile)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
