import { DataTable } from "../DataTable.tsx";
import {
  formatDate,
  formatNumber,
  formatPercent,
  type Locale,
  type Translate,
} from "../../lib/i18n/mod.ts";
import type { AssignmentReason } from "../../lib/experiments/eligibility.ts";

/**
 * How many assignment answers each reason gave for one experiment (issue 17), every reason in
 * the order they are checked. Answers, not customers: the note says so.
 */
export function ReasonCounts(props: {
  reasons: readonly { reason: string; answers: number }[];
  total: number;
  updatedAt: Date | null;
  t: Translate;
  locale: Locale;
}) {
  const { t, locale, total } = props;
  return (
    <section class="card" data-testid="reason-counts">
      <h2>{t("reasonCounts.title")}</h2>
      <p class="muted small" data-testid="reason-counts-note">{t("reasonCounts.note")}</p>
      {total === 0
        ? <p class="muted" data-testid="reason-counts-empty">{t("reasonCounts.none")}</p>
        : (
          <DataTable
            testid="reason-counts-table"
            rows={props.reasons}
            rowKey={(r) => r.reason}
            rowProps={(r) => ({ "data-reason": r.reason, "data-answers": String(r.answers) })}
            columns={[
              {
                header: t("reasonCounts.col.reason"),
                cell: (r) => t(`reasonCounts.reason.${r.reason as AssignmentReason}`),
              },
              {
                header: t("reasonCounts.col.answers"),
                numeric: true,
                cell: (r) => formatNumber(locale, r.answers),
              },
              {
                header: t("reasonCounts.col.share"),
                numeric: true,
                cell: (r) => formatPercent(locale, r.answers / total),
              },
            ]}
          />
        )}
      {total > 0 && (
        <p class="muted small">
          {t("reasonCounts.total")}: {formatNumber(locale, total)}
          {props.updatedAt &&
            (
              <>
                {" · "}
                {t("reasonCounts.updated", { at: formatDate(locale, props.updatedAt, true) })}
              </>
            )}
        </p>
      )}
    </section>
  );
}
