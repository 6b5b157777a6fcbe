import type { Translate } from "../../lib/i18n/mod.ts";
import type { CustomFigure } from "../../lib/lens/custom_groups.ts";
import { MODEL } from "../../lib/lens/model.ts";

/** The custom-group picker of the peers form (nothing when the reader has no groups). */
export function CustomGroupPick(
  { groups, current, t }: {
    groups: { id: string; name: string }[];
    current?: string;
    t: Translate;
  },
) {
  if (groups.length === 0) return null;
  return (
    <label>
      {t("groups.pick")}
      <select name="custom" data-testid="custom-group-pick">
        <option value="">{t("groups.none")}</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id} selected={g.id === current}>{g.name}</option>
        ))}
      </select>
    </label>
  );
}

/** Why a custom group's statistics are not shown, or how many banks they come from. */
export function CustomGroupNote(
  { view, t }: {
    view: { custom: { name: string; bankIds: string[] }; figures: CustomFigure[] };
    t: Translate;
  },
) {
  const overall = view.figures[0];
  const k = MODEL.peer_statistics.k_min;
  if (overall.refusal === "TOO_FEW_BANKS") {
    return (
      <p class="notice" data-testid="custom-refused" role="status">
        {t("groups.tooFew", { n: overall.summary.tried[0]?.n ?? 0, k })}
      </p>
    );
  }
  if (overall.refusal === "TOO_CLOSE") {
    return (
      <p class="notice" data-testid="custom-refused" role="status">
        {t("groups.tooClose", { n: k - 1 })}
      </p>
    );
  }
  return (
    <p class="muted small" data-testid="custom-note">
      {t("groups.custom")}: <strong>{view.custom.name}</strong> ·{" "}
      {t("groups.count", { n: view.custom.bankIds.length })}
    </p>
  );
}
