import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { capabilityById, indicatorById } from "../../lib/lens/model.ts";
import type { LensScore, RankedCapability } from "../../lib/lens/scoring.ts";
import { formatValue, nameOf, rubricText } from "./names.ts";

interface Props {
  score: LensScore;
  locale: Locale;
  t: Translate;
}

function Ranked(
  { items, locale, testid }: { items: RankedCapability[]; locale: Locale; testid: string },
) {
  return (
    <ol class="ranked" data-testid={testid}>
      {items.map((c) => (
        <li data-capability={c.id}>
          <span>{nameOf(locale, capabilityById(c.id))}</span>{" "}
          <strong>{formatNumber(locale, c.score)}</strong>
        </li>
      ))}
    </ol>
  );
}

/** The magnifying glass: strengths and weaknesses. */
export function Magnifier({ score, locale, t }: Props) {
  return (
    <section class="card" data-testid="magnifier">
      <h2>{t("lens.magnifier")}</h2>
      <div class="two-col">
        <div>
          <h3>{t("lens.strengths")}</h3>
          <Ranked items={score.strengths} locale={locale} testid="strengths" />
        </div>
        <div>
          <h3>{t("lens.weaknesses")}</h3>
          <Ranked items={score.weaknesses} locale={locale} testid="weaknesses" />
        </div>
      </div>
    </section>
  );
}

/** The telescope: the three entry points, their weakest indicators and the next rubric level. */
export function Telescope({ score, locale, t }: Props) {
  return (
    <section class="card" data-testid="entry-points">
      <h2>{t("lens.telescope")}</h2>
      {score.entryPoints.length === 0 && <p class="muted">{t("lens.noEntryPoints")}</p>}
      <ol class="entry-points">
        {score.entryPoints.map((e) => (
          <li data-capability={e.capabilityId}>
            <strong>{nameOf(locale, capabilityById(e.capabilityId))}</strong>{" "}
            <span class="muted">
              {formatNumber(locale, e.score)} → {formatNumber(locale, e.raisedScore)}
            </span>
            <div class="small">
              {t("lens.entryGain", {
                gain: formatNumber(locale, e.gain, { maximumFractionDigits: 2 }),
              })}
            </div>
            <ul class="plain small">
              {e.weakestIndicators.map((w) => {
                const indicator = indicatorById(w.id);
                if (!indicator) return null;
                const next = indicator.type === "maturity" && w.nextLevel !== null
                  ? indicator.rubric[String(w.nextLevel)]
                  : null;
                return (
                  <li data-indicator={w.id}>
                    {t("lens.weakest")}: {nameOf(locale, indicator)}{" "}
                    ({formatValue(locale, indicator, w.value)}, {t("lens.score")}{" "}
                    {formatNumber(locale, w.score)})
                    {next && (
                      <div class="rubric-next">
                        {t("lens.nextLevel", { level: w.nextLevel! })}: {rubricText(locale, next)}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
