import { type Column, DataTable } from "../DataTable.tsx";
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

type Decided = WeeklyContent["decided"][number];
type Campaign = WeeklyContent["program"]["campaigns"][number];
type Running = DailyContent["running"][number];
type DigestAlert = DigestContent["alerts"]["items"][number];

function WeeklyScorecard({ content: w, t, locale }: Props & { content: WeeklyContent }) {
  const s = w.scorecard;
  const delta = s?.previous?.score != null && s.latest.score !== null
    ? s.latest.score - s.previous.score
    : null;
  return (
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
  );
}

function DecidedTable({ content: w, bankId, t, locale }: Props & { content: WeeklyContent }) {
  const columns: Column<Decided>[] = [
    {
      header: t("digest.col.experiment"),
      cell: (d) => <a href={href(bankId, d.key)}>{d.name}</a>,
    },
    {
      header: t("digest.col.winner"),
      cell: (d) => d.keptControl ? t("digest.keptControl") : d.winner ?? "—",
    },
    { header: t("digest.col.lift"), numeric: true, cell: (d) => formatLift(locale, d.lift) },
    {
      header: t("digest.col.interval"),
      cell: (d) => <Interval ci={d.ci} locale={locale} />,
    },
  ];
  return <DataTable testid="digest-decided" columns={columns} rows={w.decided} />;
}

function WeeklyExperiments(props: Props & { content: WeeklyContent }) {
  const { content: w, bankId, timeZone, t, locale } = props;
  return (
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
      {w.decided.length > 0 && <DecidedTable {...props} />}
    </section>
  );
}

function CampaignTable({ content: w, t, locale }: Props & { content: WeeklyContent }) {
  const columns: Column<Campaign>[] = [
    {
      header: t("digest.col.campaign"),
      cell: (c) => <a href={`/campaigns/${c.id}`}>{c.name}</a>,
    },
    {
      header: t("digest.col.steps"),
      numeric: true,
      cell: (c) => formatNumber(locale, c.decidedSteps),
    },
    { header: t("digest.col.compounded"), numeric: true, cell: (c) => formatLift(locale, c.lift) },
    {
      header: t("digest.col.interval"),
      cell: (c) => <Interval ci={c.ci} locale={locale} />,
    },
  ];
  return <DataTable columns={columns} rows={w.program.campaigns} />;
}

function WeeklyProgram(props: Props & { content: WeeklyContent }) {
  const { content: w, t, locale } = props;
  return (
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
        ? <CampaignTable {...props} />
        : <p class="muted">{t("digest.program.none")}</p>}
    </section>
  );
}

function Weekly(props: Props & { content: WeeklyContent }) {
  return (
    <>
      <WeeklyScorecard {...props} />
      <WeeklyExperiments {...props} />
      <WeeklyProgram {...props} />
    </>
  );
}

function RunningStatus({ r, t }: { r: Running; t: Translate }) {
  if (!r.recommendation) return <>—</>;
  return (
    <>
      {r.recommendation === "ship" && r.winner
        ? t("digest.rec.shipWinner", { name: r.winner })
        : t(`digest.rec.${r.recommendation}`)}
    </>
  );
}

function RunningTable({ content: d, bankId, t, locale }: Props & { content: DailyContent }) {
  const columns: Column<Running>[] = [
    {
      header: t("digest.col.experiment"),
      cell: (r) => <a href={href(bankId, r.key)}>{r.name}</a>,
    },
    {
      header: t("digest.col.users"),
      numeric: true,
      cell: (r) => (
        <>
          {formatNumber(locale, r.users)}
          {r.planned !== null && (
            <span class="muted small">
              {" / "}
              {formatNumber(locale, r.planned)}
            </span>
          )}
        </>
      ),
    },
    {
      header: t("digest.col.progress"),
      numeric: true,
      cell: (r) => r.progress === null ? "—" : formatPercent(locale, r.progress, 0),
    },
    { header: t("digest.col.status"), cell: (r) => <RunningStatus r={r} t={t} /> },
    {
      header: t("digest.col.openAlerts"),
      numeric: true,
      cell: (r) => formatNumber(locale, r.openAlerts),
    },
  ];
  return <DataTable columns={columns} rows={d.running} />;
}

function Daily(props: Props & { content: DailyContent }) {
  const { content: d, bankId, timeZone, t, locale } = props;
  return (
    <>
      <section class="card" data-testid="digest-running">
        <h2>{t("digest.section.running")}</h2>
        {d.running.length === 0
          ? <p class="muted">{t("digest.running.none")}</p>
          : <RunningTable {...props} />}
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

function DigestAlerts({ content, bankId, timeZone, t, locale }: Props) {
  const columns: Column<DigestAlert>[] = [
    { header: t("alerts.col.when"), cell: (a) => formatInZone(locale, a.at, timeZone) },
    { header: t("alerts.col.type"), cell: (a) => t(`alert.type.${a.type}`) },
    {
      header: t("alerts.col.experiment"),
      cell: (a) => <a href={href(bankId, a.key)}>{a.name}</a>,
    },
    { header: t("alerts.col.summary"), cell: (a) => a.summary[locale] },
  ];
  return <DataTable columns={columns} rows={content.alerts.items} />;
}

/** A digest as a page: its sections, then the period's alerts. */
export function DigestView(props: Props) {
  const { content, t, locale } = props;
  const alerts = content.alerts;
  return (
    <div class="loop-stack" data-testid="digest">
      {content.kind === "weekly"
        ? <Weekly {...props} content={content} />
        : <Daily {...props} content={content} />}
      <section class="card" data-testid="digest-alerts">
        <h2>{t("digest.section.alerts")}</h2>
        <p>{t("digest.text.alerts", { n: formatNumber(locale, alerts.total) })}</p>
        {alerts.items.length > 0 && <DigestAlerts {...props} />}
      </section>
    </div>
  );
}
