import { type Column, DataTable } from "../DataTable.tsx";
import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import type { MessageType, NotifyLocale } from "../../lib/notify/types.ts";

/** What the list shows of an alert (db/alerts.ts `AlertView` has these fields). */
export interface AlertRow {
  id: string;
  bankId: string;
  experimentKey: string;
  experimentName: string;
  type: MessageType;
  summary: Record<NotifyLocale, string>;
  createdAt: Date;
  ackedAt: Date | null;
}

/** A table of alerts with an "acknowledge" button on open ones (the inbox, the experiment). */
export function AlertList(props: {
  alerts: readonly AlertRow[];
  t: Translate;
  locale: Locale;
  /** Where the acknowledge form goes back to; null: no buttons (read-only roles). */
  back: string | null;
  showExperiment?: boolean;
}) {
  const { t, locale, alerts } = props;
  if (alerts.length === 0) {
    return <p class="muted" data-testid="alerts-empty">{t("alerts.empty")}</p>;
  }
  const when = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Shanghai",
  });
  const columns: Column<AlertRow>[] = [
    { header: t("alerts.col.when"), cell: (a) => when.format(a.createdAt) },
    {
      header: t("alerts.col.type"),
      cell: (a) => (
        <span class={a.ackedAt ? "badge" : "badge warning"}>{t(`alert.type.${a.type}`)}</span>
      ),
    },
    ...(props.showExperiment
      ? [{
        header: t("alerts.col.experiment"),
        cell: (a: AlertRow) => (
          <>
            <a href={`/experiments/${a.experimentKey}?bank=${a.bankId}`}>{a.experimentName}</a>
            <br />
            <code class="small">{a.experimentKey}</code>
          </>
        ),
      }]
      : []),
    { header: t("alerts.col.summary"), cell: (a) => a.summary[locale] },
    { header: t("alerts.col.status"), cell: (a) => <AckCell alert={a} t={t} back={props.back} /> },
  ];
  return (
    <DataTable
      testid="alerts"
      columns={columns}
      rows={alerts}
      rowKey={(a) => a.id}
      rowProps={(a): Record<string, string> => ({
        "data-testid": "alert",
        "data-type": a.type,
        ...(a.ackedAt ? { class: "muted" } : {}),
      })}
    />
  );
}

/** An alert's status: acknowledged, a button to acknowledge it, or "open" for read-only roles. */
function AckCell(props: { alert: AlertRow; t: Translate; back: string | null }) {
  const { alert: a, t } = props;
  if (a.ackedAt) return <>{t("alerts.acked")}</>;
  if (!props.back) return <>{t("alerts.open")}</>;
  return (
    <form method="post" action={`/alerts/${a.id}/ack`} class="inline-form">
      <input type="hidden" name="back" value={props.back} />
      <button type="submit" data-testid="ack">{t("alerts.ack")}</button>
    </form>
  );
}

/** The alerts of one experiment, for its page. */
export function ExperimentAlerts(props: {
  alerts: readonly AlertRow[];
  t: Translate;
  locale: Locale;
  back: string | null;
}) {
  return (
    <section class="card" data-testid="experiment-alerts">
      <h2>{props.t("alerts.onExperiment")}</h2>
      <AlertList alerts={props.alerts} t={props.t} locale={props.locale} back={props.back} />
    </section>
  );
}
