import { formatInZone, instantToLocal } from "../../lib/digests/period.ts";
import { formatNumber, keyFor, type Locale, type Translate } from "../../lib/i18n/mod.ts";

/** The schedule as the card shows it (routes/experiments/_schedule.ts `ScheduleView`). */
export interface ScheduleCardProps {
  schedule: {
    startAt: string | null;
    stopAt: string | null;
    stopWhenSampleReached: boolean;
    startedBySchedulerAt: string | null;
    stoppedBySchedulerAt: string | null;
    refusal: { action: "start" | "stop"; message: Record<Locale, string>; at: string } | null;
  } | null;
  timeZone: string;
  status: "draft" | "running" | "stopped" | "decided";
  plannedSampleSize: number | null;
  /** Where the form posts; null: read-only (executives, ended experiments). */
  action: string | null;
  /** A refusal code of the last post (`?scheduleError=`). */
  error: string | null;
  t: Translate;
  locale: Locale;
}

/** The experiment's scheduled start and stop, what the scheduler did, and the form to change it. */
export function ScheduleCard(props: ScheduleCardProps) {
  const { schedule: s, timeZone, t, locale } = props;
  const when = (iso: string) => formatInZone(locale, iso, timeZone);
  const errorKey = props.error
    ? keyFor("schedule.error.", props.error) ?? keyFor("error.code.", props.error)
    : undefined;
  const lines = [];
  if (s?.startAt) {
    lines.push(
      s.startedBySchedulerAt
        ? t("schedule.startedAt", { at: when(s.startedBySchedulerAt) })
        : t("schedule.startAt", { at: when(s.startAt) }),
    );
  }
  if (s?.stopAt) lines.push(t("schedule.stopAt", { at: when(s.stopAt) }));
  if (s?.stopWhenSampleReached) {
    lines.push(
      t("schedule.stopOnSample", { n: formatNumber(locale, props.plannedSampleSize ?? null) }),
    );
  }
  if (s?.stoppedBySchedulerAt) {
    lines.push(t("schedule.stoppedAt", { at: when(s.stoppedBySchedulerAt) }));
  }
  return (
    <section class="card" id="schedule" data-testid="schedule">
      <h2>{t("schedule.title")}</h2>
      {lines.length > 0
        ? (
          <ul data-testid="schedule-lines">
            {lines.map((line) => <li key={line}>{line}</li>)}
          </ul>
        )
        : <p class="muted" data-testid="schedule-none">{t("schedule.none")}</p>}
      {s?.refusal && (
        <p class="flash warning" role="alert" data-testid="schedule-refusal">
          {t(`schedule.refused.${s.refusal.action}`, { reason: s.refusal.message[locale] })}{" "}
          <span class="muted small">({when(s.refusal.at)})</span>
        </p>
      )}
      {errorKey && <p class="errors" role="alert" data-testid="schedule-error">{t(errorKey)}</p>}
      {props.action && (
        <form method="post" action={props.action} data-testid="schedule-form">
          {props.status === "draft" && (
            <label>
              {t("schedule.field.startAt")}{" "}
              <input
                type="datetime-local"
                name="startAt"
                value={s?.startAt ? instantToLocal(new Date(s.startAt), timeZone) : ""}
              />
            </label>
          )}{" "}
          <label>
            {t("schedule.field.stopAt")}{" "}
            <input
              type="datetime-local"
              name="stopAt"
              value={s?.stopAt ? instantToLocal(new Date(s.stopAt), timeZone) : ""}
            />
          </label>{" "}
          <label class="check">
            <input
              type="checkbox"
              name="stopWhenSampleReached"
              checked={s?.stopWhenSampleReached ?? false}
              disabled={!props.plannedSampleSize}
            />{" "}
            {t("schedule.field.stopOnSample")}
          </label>
          <p class="muted small">{t("schedule.zoneNote", { zone: timeZone })}</p>
          <p>
            <button type="submit" name="do" value="save" data-testid="schedule-save">
              {t("schedule.save")}
            </button>{" "}
            {s && (
              <button type="submit" name="do" value="clear" data-testid="schedule-clear">
                {t("schedule.clear")}
              </button>
            )}
          </p>
        </form>
      )}
    </section>
  );
}
