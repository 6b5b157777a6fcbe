import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { unitLabel } from "../../lib/i18n/unit_messages.ts";
import type { IndicatorConsensus } from "../../lib/lens/consensus.ts";
import { indicatorById } from "../../lib/lens/model.ts";
import { nameOf } from "./names.ts";

interface Assessor {
  assessorId: string;
  assessorEmail: string;
  assessorName: string;
}

interface Props {
  action: string;
  drafts: Assessor[];
  indicators: IndicatorConsensus[];
  canReconcile: boolean;
  locale: Locale;
  t: Translate;
}

/** Per indicator: each assessor's value and level, the median, the proposal, the disagreement. */
export function ConsensusTable({ action, drafts, indicators, canReconcile, locale, t }: Props) {
  const disagreements = indicators.filter((i) => i.disagree).length;
  const who = (d: Assessor) => d.assessorName || d.assessorEmail;
  const shown = (id: string, value: number | null) => {
    const ind = indicatorById(id);
    if (value === null || !ind) return t("assessors.empty");
    return ind.type === "maturity"
      ? `L${formatNumber(locale, value)}`
      : `${formatNumber(locale, value, { maximumFractionDigits: 2 })} ${unitLabel(t, ind.unit)}`;
  };
  return (
    <form method="post" action={action} class="consensus" data-testid="consensus">
      <p>
        {t("assessors.count", { count: drafts.length })} ·{" "}
        <strong data-testid="disagreements">
          {t("assessors.disagreements", { count: disagreements })}
        </strong>
      </p>
      <table class="data consensus-table">
        <thead>
          <tr>
            <th scope="col">{t("assessors.indicator")}</th>
            {drafts.map((d) => <th key={d.assessorId} scope="col">{who(d)}</th>)}
            <th scope="col" class="num">{t("assessors.median")}</th>
            <th scope="col">{t("assessors.levels")}</th>
            <th scope="col">{t("assessors.disagree")}</th>
            {canReconcile && <th scope="col">{t("assessors.choice")}</th>}
          </tr>
        </thead>
        <tbody>
          {indicators.map((c) => {
            const ind = indicatorById(c.id);
            return (
              <tr key={c.id} data-indicator={c.id} class={c.disagree ? "disagree" : undefined}>
                <th scope="row" data-label={t("assessors.indicator")}>
                  {ind ? nameOf(locale, ind) : c.id}
                </th>
                {c.entries.map((e, k) => (
                  <td key={e.assessorId} data-label={who(drafts[k])}>
                    {e.notApplicable ? t("assessors.na") : shown(c.id, e.value)}
                  </td>
                ))}
                <td class="num" data-label={t("assessors.median")}>{shown(c.id, c.median)}</td>
                <td data-label={t("assessors.levels")}>
                  {c.levels
                    ? (c.levels.min === c.levels.max
                      ? `L${c.levels.min}`
                      : `L${c.levels.min}–L${c.levels.max}`)
                    : t("assessors.empty")}
                </td>
                <td
                  data-label={t("assessors.disagree")}
                  class={c.disagree ? "disagree" : undefined}
                  data-disagree={c.disagree ? "1" : "0"}
                >
                  {c.disagree
                    ? <span class="badge warn" title={t("assessors.disagreeHelp")}>!</span>
                    : ""}
                </td>
                {canReconcile && (
                  <td data-label={t("assessors.choice")}>
                    <select name={`c:${c.id}`} aria-label={t("assessors.choice")}>
                      <option value="median" selected>
                        {t("assessors.choice.median")} ({shown(c.id, c.proposed)})
                      </option>
                      {drafts.map((d, k) => (
                        <option key={d.assessorId} value={d.assessorId}>
                          {who(d)} ({c.entries[k].notApplicable
                            ? t("assessors.na")
                            : shown(c.id, c.entries[k].value)})
                        </option>
                      ))}
                    </select>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {canReconcile
        ? (
          <p class="form-actions">
            <span class="small muted">{t("assessors.reconcileHelp")}</span>{" "}
            <button type="submit" class="primary" data-testid="reconcile">
              {t("assessors.reconcile")}
            </button>
          </p>
        )
        : <p class="muted small">{t("assessors.readOnly")}</p>}
    </form>
  );
}
