import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import { MODEL } from "../../lib/lens/model.ts";
import type { PeerSummary } from "../../lib/lens/peers.ts";
import { groupName } from "./names.ts";

/** Says which group the statistics come from when it is not the one asked for. */
export function PeerNote(
  { summary, locale, t }: { summary: PeerSummary; locale: Locale; t: Translate },
) {
  const k = MODEL.peer_statistics.k_min;
  if (summary.reason === "TOO_FEW_BANKS") {
    return <p class="notice" data-testid="peer-note">{t("lens.tooFew", { k })}</p>;
  }
  if (summary.reason === "OWN_GROUP") return null;
  return (
    <p class="notice" data-testid="peer-note">
      {t("lens.fallback", {
        k,
        requested: groupName(locale, t, summary.requestedGroup),
        group: groupName(locale, t, summary.group),
        n: summary.n,
      })}
    </p>
  );
}
