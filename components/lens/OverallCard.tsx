import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import type { FigureBenchmark } from "../../lib/lens/benchmark.ts";
import { indicatorById, MODEL } from "../../lib/lens/model.ts";
import type { LensScore } from "../../lib/lens/scoring.ts";
import { ScoreBar } from "../ScoreBar.tsx";
import { groupName, levelLabel, nameOf } from "./names.ts";
import { PeerNote } from "./PeerNote.tsx";

/** Critical indicators scoring below the gate: why a level is capped. */
export function cappingIndicators(score: LensScore): string[] {
  const below = MODEL.aggregation.compliance_gate.cap_level_if_any_critical_below;
  return score.dimensions.flatMap((d) =>
    d.capabilities.flatMap((c) =>
      c.indicators.filter((i) =>
        indicatorById(i.id)?.critical && i.score !== null && i.score < below
      ).map((i) => i.id)
    )
  );
}

interface Props {
  score: LensScore;
  overall: FigureBenchmark | undefined;
  locale: Locale;
  t: Translate;
}

/** The headline: overall score, level (and why it is capped), deduction, peer position. */
export function OverallCard({ score, overall, locale, t }: Props) {
  const o = score.overall;
  const n = (v: number | null | undefined) => formatNumber(locale, v);
  const gap = (to: number | null | undefined) =>
    o.score === null || to == null ? null : o.score - to;
  const signed = { maximumFractionDigits: 1, signDisplay: "exceptZero" } as const;
  const summary = overall?.summary;
  return (
    <section class="card overall" data-testid="overall">
      <h2>{t("lens.overall")}</h2>
      <p class="big-number" data-testid="overall-score">{n(o.score)}</p>
      <ScoreBar score={o.score} />
      <p>
        {t("lens.level")}: <strong data-testid="overall-level">{levelLabel(t, o.level)}</strong>
      </p>
      {o.score === null && <p class="warning">{t("lens.insufficientOverall")}</p>}
      {o.capped && (
        <p class="warning" data-testid="capped">
          {t("lens.capped", {
            names: cappingIndicators(score).map((id) => nameOf(locale, indicatorById(id))).join(
              "、",
            ),
          })}
        </p>
      )}
      {o.deduction > 0 && (
        <p class="muted">
          {t("lens.rawScore")} {n(o.rawScore)} − {t("lens.deduction")} {n(o.deduction)}
        </p>
      )}
      {summary && summary.group !== null && (
        <dl class="facts">
          <dt>{t("lens.peerGroup")}</dt>
          <dd>{groupName(locale, t, summary.group)} (n = {summary.n})</dd>
          <dt>{t("lens.peerMedian")}</dt>
          <dd>
            {n(summary.median)} ({t("lens.gapMedian")}{" "}
            {formatNumber(locale, gap(summary.median), signed)})
          </dd>
          <dt>{t("lens.peerLeaders")}</dt>
          <dd>
            {n(summary.leaders)} ({t("lens.gapQ3")}{" "}
            {formatNumber(locale, gap(summary.leaders), signed)})
          </dd>
          <dt>{t("lens.percentile")}</dt>
          <dd data-testid="overall-percentile">{n(overall?.percentile)}</dd>
        </dl>
      )}
      {summary && <PeerNote summary={summary} locale={locale} t={t} />}
    </section>
  );
}
