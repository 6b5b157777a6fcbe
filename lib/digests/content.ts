/**
 * What a digest says (issue 18, part 4), as stored (language-neutral figures, `content` of table
 * `digests`), and its text for the notification channels in each language. Pure.
 *
 * - Weekly, for executives: the scorecard's movement (the latest submitted assessment's overall
 *   score and level against the one before), the experiments started and decided in the week
 *   with each decided winner's relative lift over its control and its 95 % interval
 *   (lib/experiments/lineage.ts `stepLift`, 0 for a kept control), the program's cumulative
 *   effect (each campaign's lift compounded along its promotion chain, the share of campaigns
 *   tested and the median lift, as the lens's measured indicators compute them), and the
 *   week's alerts.
 * - Daily, for growth teams: the running experiments with their recommendation, exposed
 *   customers against the planned sample, open alerts, the starts and stops scheduled for the
 *   next day, and the day's new alerts.
 *
 * Rates and lifts are fractions (0.12 = +12 %).
 */
import { type Locale, translator } from "../i18n/mod.ts";
import { formatNumber, formatPercent } from "../i18n/mod.ts";
import type { MessageType } from "../notify/types.ts";
import { type DigestKind, formatInZone } from "./period.ts";

export interface ExperimentRef {
  key: string;
  name: string;
  /** ISO time of the event the list is about (started, decided, scheduled). */
  at: string;
}

export interface DecidedRef extends ExperimentRef {
  winner: string | null;
  keptControl: boolean;
  lift: number | null;
  ci: [number, number] | null;
}

export interface AlertRef {
  type: MessageType;
  key: string;
  name: string;
  at: string;
  summary: Record<Locale, string>;
}

export interface AlertDigest {
  total: number;
  byType: Partial<Record<MessageType, number>>;
  /** The latest few (`MAX_ALERTS_LISTED`), newest first. */
  items: AlertRef[];
}

export interface ScoreRef {
  period: string;
  score: number | null;
  level: number | null;
}

export interface WeeklyContent {
  kind: "weekly";
  scorecard: { latest: ScoreRef; previous: ScoreRef | null } | null;
  started: ExperimentRef[];
  decided: DecidedRef[];
  program: {
    abTestShare: number | null;
    medianUplift: number | null;
    campaigns: {
      id: string;
      name: string;
      decidedSteps: number;
      lift: number | null;
      ci: [number, number] | null;
    }[];
  };
  alerts: AlertDigest;
}

export interface RunningRef {
  key: string;
  name: string;
  mode: "ab" | "bandit";
  startedAt: string | null;
  users: number;
  planned: number | null;
  /** users / planned, null without a plan. */
  progress: number | null;
  recommendation: "ship" | "keep_running" | "stop" | null;
  winner: string | null;
  openAlerts: number;
}

export interface DailyContent {
  kind: "daily";
  running: RunningRef[];
  /** Starts and stops scheduled within the next 24 hours. */
  upcoming: (ExperimentRef & { action: "start" | "stop" })[];
  alerts: AlertDigest;
}

export type DigestContent = WeeklyContent | DailyContent;

export const MAX_ALERTS_LISTED = 10;

/** Counts alerts by type and keeps the newest `MAX_ALERTS_LISTED`. */
export function alertDigest(alerts: readonly AlertRef[]): AlertDigest {
  const byType: Partial<Record<MessageType, number>> = {};
  for (const a of alerts) byType[a.type] = (byType[a.type] ?? 0) + 1;
  const items = [...alerts].sort((a, b) => b.at.localeCompare(a.at)).slice(0, MAX_ALERTS_LISTED);
  return { total: alerts.length, byType, items };
}

/** A relative lift with its sign ("+12.3%", "−4.0%"); "—" when unknown. */
export function formatLift(locale: Locale, lift: number | null): string {
  if (lift === null) return "—";
  const text = formatPercent(locale, Math.abs(lift), 1);
  return lift > 0 ? `+${text}` : lift < 0 ? `−${text}` : text;
}

export interface DigestHeader {
  kind: DigestKind;
  bankName: string;
  label: string;
  start: Date;
  end: Date;
  timeZone: string;
}

/**
 * The digest as a short text for a chat robot or a webhook's `summary`, in `locale`: the period,
 * then one line per section. The full digest is a page (`/digests/:id`).
 */
export function digestText(header: DigestHeader, content: DigestContent, locale: Locale): string {
  const t = translator(locale);
  // The period's last day: the end is the next period's first midnight.
  const lastDay = new Date(header.end.getTime() - 1);
  const lines = [
    t(`digest.title.${header.kind}`, { bank: header.bankName, label: header.label }),
    t("digest.text.period", {
      from: formatInZone(locale, header.start, header.timeZone, false),
      to: formatInZone(locale, lastDay, header.timeZone, false),
    }),
  ];
  const n = (v: number) => formatNumber(locale, v, { maximumFractionDigits: 0 });
  if (content.kind === "weekly") {
    const s = content.scorecard;
    if (s && s.latest.score !== null) {
      const delta = s.previous?.score != null ? s.latest.score - s.previous.score : null;
      lines.push(t("digest.text.score", {
        score: formatNumber(locale, s.latest.score),
        change: delta === null
          ? t("digest.text.noPrevious")
          : `${delta >= 0 ? "+" : "−"}${formatNumber(locale, Math.abs(delta))}`,
      }));
    }
    lines.push(t("digest.text.experiments", {
      started: n(content.started.length),
      decided: n(content.decided.length),
    }));
    for (const d of content.decided.slice(0, 5)) {
      lines.push(
        d.keptControl
          ? t("digest.text.keptControl", { name: d.name })
          : t("digest.text.decidedLift", {
            name: d.name,
            winner: d.winner ?? "—",
            lift: formatLift(locale, d.lift),
          }),
      );
    }
    const compounded = content.program.campaigns.filter((c) => c.lift !== null);
    if (compounded.length > 0 || content.program.abTestShare !== null) {
      lines.push(t("digest.text.program", {
        share: content.program.abTestShare === null
          ? "—"
          : formatPercent(locale, content.program.abTestShare / 100, 0),
        median: content.program.medianUplift === null
          ? "—"
          : formatLift(locale, content.program.medianUplift / 100),
      }));
    }
  } else {
    lines.push(t("digest.text.running", { n: n(content.running.length) }));
    for (const r of content.running.slice(0, 8)) {
      lines.push(t("digest.text.runningLine", {
        name: r.name,
        users: n(r.users),
        progress: r.progress === null ? "—" : formatPercent(locale, r.progress, 0),
        status: r.recommendation ? t(`digest.rec.${r.recommendation}`) : "—",
      }));
    }
    if (content.upcoming.length > 0) {
      lines.push(t("digest.text.upcoming", { n: n(content.upcoming.length) }));
    }
  }
  lines.push(t("digest.text.alerts", { n: n(content.alerts.total) }));
  return lines.join("\n");
}
