import type { DailyContent, DigestContent, WeeklyContent } from "../../lib/digests/content.ts";
import { formatLift } from "../../lib/digests/content.ts";
import { formatInZone } from "../../lib/digests/period.ts";
import { formatNumber, formatPercent, type Locale, type Translate } from "../../lib/i18n/mod.ts";

interface Props {
  content: DigestContent;
  bankId: string;
  timeZone: string;
  t: Translate;
  locale: Locale;
}

const href = (bankId: string, key: string) =>
  `/experiments/${encodeURIComponent(key)}?bank=${encodeURIComponent(bankId)}`;

function Interval(
  { ci, locale }: { ci: [number, number] | null; locale: Locale },
) {
  if (!ci) return <>—</>;
  return <>[{formatLift(locale, ci[0])}, {formatLift(locale, ci[1])}]</>;
}

function Weekly({ content: w, bankId, timeZone, t, locale }: Props & { content: WeeklyContent }) {
  const s = w.scorecard;
  const delta = s?.previous?.score != null && s.latest.score !== null
    ? s.latest.score - s.previous.score
    : null;
  return (
    <>
      <section class="card" data-testid="digest-scorecard">
        <h2>{t("digest.section.scorecard")}</h2>
        {s
          ? (
            <p>
              {t("digest.score.latest", {
                period: s.latest.period,
                score: formatNumber(locale, s.latest.score),
              })}
              {s.latest.level !== null && <>{" · "}{t(`level.${s.latest.level as 1}`)}</>}
              {" · "}
              {s.previous
                ? t("digest.score.change", {
                  period: s.previous.period,
                  change: delta === null
                    ? "—"
                    : `${delta >= 0 ? "+" : "−"}${formatNumber(locale, Math.abs(delta))}`,
                })
                : t("digest.text.noPrevious")}
            </p>
          )
          : <p class="muted">{t("digest.score.none")}</p>}
      </section>
      <section class="card" data-testid="digest-experiments">
        <h2>{t("digest.section.experiments")}</h2>
        <p>
          {t("digest.text.experiments", {
            started: formatNumber(locale, w.started.length),
            decided: formatNumber(locale, w.decided.length),
          })}
        </p>
        {w.started.length > 0 && (
          <ul data-testid="digest-started">
            {w.started.map((e) => (
              <li>
                <a href={href(bankId, e.key)}>{e.name}</a>{" "}
                <span class="muted small">
                  {t("digest.startedAt", { at: formatInZone(locale, e.at, timeZone) })}
                </span>
              </li>
            ))}
          </ul>
        )}
        {w.decided.length > 0 && (
          <table class="data" data-testid="digest-decided">
            <thead>
              <tr>
                <th>{t("digest.col.experiment")}</th>
                <th>{t("digest.col.winner")}</th>
                <th class="num">{t("digest.col.lift")}</th>
                <th>{t("digest.col.interval")}</th>
              </tr>
            </thead>
            <tbody>
              {w.decided.map((d) => (
                <tr>
                  <td data-label={t("digest.col.experiment")}>
                    <a href={href(bankId, d.key)}>{d.name}</a>
                  </td>
                  <td data-label={t("digest.col.winner")}>
                    {d.keptControl ? t("digest.keptControl") : d.winner ?? "—"}
                  </td>
                  <td class="num" data-label={t("digest.col.lift")}>
                    {formatLift(locale, d.lift)}
                  </td>
                  <td data-label={t("digest.col.interval")}>
                    <Interval ci={d.ci} locale={locale} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" data-testid="digest-program">
        <h2>{t("digest.section.program")}</h2>
        <p>
          {t("digest.text.program", {
            share: w.program.abTestShare === null
              ? "—"
              : formatPercent(locale, w.program.abTestShare / 100, 0),
            median: w.program.medianUplift === null
              ? "—"
              : formatLift(locale, w.program.medianUplift / 100),
          })}
        </p>
        {w.program.campaigns.length > 0
          ? (
            <table class="data">
              <thead>
                <tr>
                  <th>{t("digest.col.campaign")}</th>
                  <th class="num">{t("digest.col.steps")}</th>
                  <th class="num">{t("digest.col.compounded")}</th>
                  <th>{t("digest.col.interval")}</th>
                </tr>
              </thead>
              <tbody>
                {w.program.campaigns.map((c) => (
                  <tr>
                    <td data-label={t("digest.col.campaign")}>
                      <a href={`/campaigns/${c.id}`}>{c.name}</a>
                    </td>
                    <td class="num" data-label={t("digest.col.steps")}>
                      {formatNumber(locale, c.decidedSteps)}
                    </td>
                    <td class="num" data-label={t("digest.col.compounded")}>
                      {formatLift(locale, c.lift)}
                    </td>
                    <td data-label={t("digest.col.interval")}>
                      <Interval ci={c.ci} locale={locale} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
          : <p class="muted">{t("digest.program.none")}</p>}
      </section>
    </>
  );
}

function Daily({ content: d, bankId, timeZone, t, locale }: Props & { content: DailyContent }) {
  return (
    <>
      <section class="card" data-testid="digest-running">
        <h2>{t("digest.section.running")}</h2>
        {d.running.length === 0
          ? <p class="muted">{t("digest.running.none")}</p>
          : (
            <table class="data">
              <thead>
                <tr>
                  <th>{t("digest.col.experiment")}</th>
                  <th class="num">{t("digest.col.users")}</th>
                  <th class="num">{t("digest.col.progress")}</th>
                  <th>{t("digest.col.status")}</th>
                  <th class="num">{t("digest.col.openAlerts")}</th>
                </tr>
              </thead>
              <tbody>
                {d.running.map((r) => (
                  <tr>
                    <td data-label={t("digest.col.experiment")}>
                      <a href={href(bankId, r.key)}>{r.name}</a>
                    </td>
                    <td class="num" data-label={t("digest.col.users")}>
                      {formatNumber(locale, r.users)}
                      {r.planned !== null && (
                        <span class="muted small">
                          {" / "}
                          {formatNumber(locale, r.planned)}
                        </span>
                      )}
                    </td>
                    <td class="num" data-label={t("digest.col.progress")}>
                      {r.progress === null ? "—" : formatPercent(locale, r.progress, 0)}
                    </td>
                    <td data-label={t("digest.col.status")}>
                      {r.recommendation
                        ? r.recommendation === "ship" && r.winner
                          ? t("digest.rec.shipWinner", { name: r.winner })
                          : t(`digest.rec.${r.recommendation}`)
                        : "—"}
                    </td>
                    <td class="num" data-label={t("digest.col.openAlerts")}>
                      {formatNumber(locale, r.openAlerts)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </section>
      {d.upcoming.length > 0 && (
        <section class="card" data-testid="digest-upcoming">
          <h2>{t("digest.section.upcoming")}</h2>
          <ul>
            {d.upcoming.map((u) => (
              <li>
                {formatInZone(locale, u.at, timeZone)} · {t(`digest.upcoming.${u.action}`)} ·{" "}
                <a href={href(bankId, u.key)}>{u.name}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** A digest as a page: its sections, then the period's alerts. */
export function DigestView(props: Props) {
  const { content, t, locale, bankId, timeZone } = props;
  const alerts = content.alerts;
  return (
    <div class="loop-stack" data-testid="digest">
      {content.kind === "weekly"
        ? <Weekly {...props} content={content} />
        : <Daily {...props} content={content} />}
      <section class="card" data-testid="digest-alerts">
        <h2>{t("digest.section.alerts")}</h2>
        <p>{t("digest.text.alerts", { n: formatNumber(locale, alerts.total) })}</p>
        {alerts.items.length > 0 && (
          <table class="data">
            <thead>
              <tr>
                <th>{t("alerts.col.when")}</th>
                <th>{t("alerts.col.type")}</th>
                <th>{t("alerts.col.experiment")}</th>
                <th>{t("alerts.col.summary")}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.items.map((a) => (
                <tr>
                  <td data-label={t("alerts.col.when")}>{formatInZone(locale, a.at, timeZone)}</td>
                  <td data-label={t("alerts.col.type")}>{t(`alert.type.${a.type}`)}</td>
                  <td data-label={t("alerts.col.experiment")}>
                    <a href={href(bankId, a.key)}>{a.name}</a>
                  </td>
                  <td data-label={t("alerts.col.summary")}>{a.summary[locale]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
