import { formatPercent, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import type { ConfidenceShares } from "../../lib/lens/evidence.ts";

/** Percent figures of the shares, for the card and the report's method appendix. */
export function confidenceParams(locale: Locale, shares: ConfidenceShares) {
  return {
    share: formatPercent(locale, shares.checked),
    verified: formatPercent(locale, shares.verified),
    measured: formatPercent(locale, shares.measured),
    self: formatPercent(locale, 1 - shares.checked),
  };
}

/** How much of the overall score rests on verified or measured values (issue 19 part 6). */
export function ConfidenceCard({ shares, locale, t }: {
  shares: ConfidenceShares | null;
  locale: Locale;
  t: Translate;
}) {
  return (
    <section class="card confidence" data-testid="confidence">
      <h2>{t("evidence.confidence")}</h2>
      {shares === null ? <p class="muted">{t("evidence.confidenceNone")}</p> : (
        <>
          <p>
            <strong data-testid="confidence-share">
              {t("evidence.confidenceShare", confidenceParams(locale, shares))}
            </strong>
          </p>
          <svg
            class="confidence-bar"
            viewBox="0 0 100 8"
            preserveAspectRatio="none"
            aria-hidden="true"
          >
            <rect x="0" y="0" width="100" height="8" class="track" />
            <rect x="0" y="0" width={shares.verified * 100} height="8" class="verified" />
            <rect
              x={shares.verified * 100}
              y="0"
              width={shares.measured * 100}
              height="8"
              class="measured"
            />
          </svg>
          <p class="small">{t("evidence.confidenceSplit", confidenceParams(locale, shares))}</p>
          <p class="small muted">{t("evidence.confidenceHelp")}</p>
        </>
      )}
    </section>
  );
}
