import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { type Column, DataTable } from "../DataTable.tsx";
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
  const columns: Column<IndicatorConsensus>[] = [
    {
      header: t("assessors.indicator"),
      rowHeader: true,
      cell: (c) => {
        const ind = indicatorById(c.id);
        return ind ? nameOf(locale, ind) : c.id;
      },
    },
    ...drafts.map((d, k): Column<IndicatorConsensus> => ({
      header: who(d),
      cell: (c) => {
        const e = c.entries[k];
        return e.notApplicable ? t("assessors.na") : shown(c.id, e.value);
      },
    })),
    { header: t("assessors.median"), numeric: true, cell: (c) => shown(c.id, c.median) },
    {
      header: t("assessors.levels"),
      cell: (c) =>
        c.levels
          ? (c.levels.min === c.levels.max
            ? `L${c.levels.min}`
            : `L${c.levels.min}–L${c.levels.max}`)
          : t("assessors.empty"),
    },
    {
      header: t("assessors.disagree"),
      cellProps: (c) => ({
        class: c.disagree ? "disagree" : undefined,
        "data-disagree": c.disagree ? "1" : "0",
      }),
      cell: (c) =>
        c.disagree ? <span class="badge warn" title={t("assessors.disagreeHelp")}>!</span> : "",
    },
    ...(canReconcile
      ? [{
        header: t("assessors.choice"),
        cell: (c: IndicatorConsensus) => (
          <select name={`c:${c.id}`} aria-label={t("assessors.choice")}>
            <option value="median" selected>
              {t("assessors.choice.median")} ({shown(c.id, c.proposed)})
            </option>
            {drafts.map((d, k) => (
              <option key={d.assessorId} value={d.assessorId}>
                {who(d)}{" "}
                ({c.entries[k].notApplicable ? t("assessors.na") : shown(c.id, c.entries[k].value)})
              </option>
            ))}
          </select>
        ),
      }]
      : []),
  ];
  return (
    <form method="post" action={action} class="consensus" data-testid="consensus">
      <p>
        {t("assessors.count", { count: drafts.length })} ·{" "}
        <strong data-testid="disagreements">
          {t("assessors.disagreements", { count: disagreements })}
        </strong>
      </p>
      <DataTable
        class="consensus-table"
        columns={columns}
        rows={indicators}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ "data-indicator": c.id, class: c.disagree ? "disagree" : undefined })}
      />
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
