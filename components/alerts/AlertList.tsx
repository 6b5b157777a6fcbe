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
  return (
    <table class="data" data-testid="alerts">
      <thead>
        <tr>
          <th>{t("alerts.col.when")}</th>
          <th>{t("alerts.col.type")}</th>
          {props.showExperiment && <th>{t("alerts.col.experiment")}</th>}
          <th>{t("alerts.col.summary")}</th>
          <th>{t("alerts.col.status")}</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr data-testid="alert" data-type={a.type} class={a.ackedAt ? "muted" : undefined}>
            <td>{when.format(a.createdAt)}</td>
            <td>
              <span class={a.ackedAt ? "badge" : "badge warning"}>{t(`alert.type.${a.type}`)}</span>
            </td>
            {props.showExperiment && (
              <td>
                <a href={`/experiments/${a.experimentKey}?bank=${a.bankId}`}>{a.experimentName}</a>
                <br />
                <code class="small">{a.experimentKey}</code>
              </td>
            )}
            <td>{a.summary[locale]}</td>
            <td>
              {a.ackedAt
                ? t("alerts.acked")
                : props.back
                ? (
                  <form method="post" action={`/alerts/${a.id}/ack`} class="inline-form">
                    <input type="hidden" name="back" value={props.back} />
                    <button type="submit" data-testid="ack">{t("alerts.ack")}</button>
                  </form>
                )
                : t("alerts.open")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
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
