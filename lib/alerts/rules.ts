/**
 * Which alerts an experiment's read-out raises (issue 18), and whether its circuit breaker trips.
 * Pure: the caller computes the read-out (routes/experiments/_results.ts) and stores what comes
 * back (db/alerts.ts). Each alert has a `cause`: the same cause is stored once, so a guardrail
 * seen breached every minute is one alert; a different guardrail, arm or winner is another.
 *
 * - `guardrail_breached`: a guardrail metric some challenger is significantly worse on
 *   (lib/metrics/analysis.ts `worse`, Holm per guardrail); cause `guardrail:<metric>:<arm>`.
 * - `srm`: the sample-ratio check flags a mismatch (bandits: the worst allocation period).
 * - `bandit_arm_cut`: an arm the last reweighting cut to the floor; cause `cut:<arm>`.
 * - `bandit_decided`: the bandit's rule says ship; cause `decided:<arm>`.
 * - `sample_reached`: the planned sample size is reached.
 * - `decided`: an A/B test's recommendation is to ship a challenger or keep the control while it
 *   is still running; cause `ship:<arm>` or `stop`.
 * - `no_exposures`: a running experiment received no exposure for `noExposureHours` (since its
 *   last exposure, or since its start); cause `since:<time>`, so a new silence after traffic
 *   came back is a new alert.
 *
 * Early noise: every alert but `no_exposures` waits until each arm has
 * `MIN_USERS_PER_ARM` exposed customers (`readout.enoughData`) — a broken integration is what
 * `no_exposures` is for, and it shows before any arm has data.
 */
import { MIN_USERS_PER_ARM } from "../experiments/decisions.ts";
import type { Readout } from "../experiments/readout.ts";
import { translator } from "../i18n/mod.ts";
import type { MessageType, NotifyLocale } from "../notify/types.ts";

export { MIN_USERS_PER_ARM };

export interface AlertCandidate {
  type: MessageType;
  cause: string;
  summary: Record<NotifyLocale, string>;
  details: Record<string, unknown>;
}

export interface AlertInput {
  readout: Readout | null;
  mode: "ab" | "bandit";
  status: string;
  plannedSampleSize: number | null;
  startedAt: Date | null;
  lastExposureAt: Date | null;
  noExposureHours: number;
  now: Date;
}

const LOCALES: NotifyLocale[] = ["zh-CN", "en"];

type SummaryKey =
  | "alert.summary.guardrail_breached"
  | "alert.summary.srm"
  | "alert.summary.bandit_arm_cut"
  | "alert.summary.bandit_decided"
  | "alert.summary.sample_reached"
  | "alert.summary.decided.ship"
  | "alert.summary.decided.stop"
  | "alert.summary.no_exposures"
  | "alert.summary.no_exposures.never"
  | "alert.summary.experiment_stopped"
  | "alert.summary.cap_pressure"
  | "alert.summary.test";

/** The same sentence in both languages. `params` may hold per-language values. */
export function bothLanguages(
  key: SummaryKey,
  params: Record<string, string | number | Record<NotifyLocale, string>> = {},
): Record<NotifyLocale, string> {
  const out = {} as Record<NotifyLocale, string>;
  for (const locale of LOCALES) {
    const flat: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) flat[k] = typeof v === "object" ? v[locale] : v;
    out[locale] = translator(locale)(key, flat);
  }
  return out;
}

export function formatP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "—";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

export function formatLift(lift: number | null): string {
  if (lift === null || !Number.isFinite(lift)) return "—";
  return `${lift > 0 ? "+" : ""}${(lift * 100).toFixed(1)}%`;
}

/** Every alert the experiment's state raises now (known causes included: storing dedupes). */
export function alertsFor(input: AlertInput): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  const silence = noExposures(input);
  if (silence) out.push(silence);
  const r = input.readout;
  if (!r || !r.enoughData) return out;
  const users = r.variants.reduce((s, v) => s + v.users, 0);
  const arms = Object.fromEntries(r.variants.map((v) => [v.name, v.users]));

  for (const m of r.metrics) {
    if (m.role !== "guardrail" || !m.breached) continue;
    const control = m.variants[0];
    for (const c of m.comparisons) {
      if (!c.worse) continue;
      const arm = m.variants.find((v) => v.name === c.variant);
      out.push({
        type: "guardrail_breached",
        cause: `guardrail:${m.key}:${c.variant}`,
        summary: bothLanguages("alert.summary.guardrail_breached", {
          metric: m.name,
          variant: c.variant,
          lift: formatLift(c.relativeLift),
          p: formatP(c.adjustedPValue),
        }),
        details: {
          metric: m.key,
          metricName: m.name,
          version: m.version,
          direction: m.direction,
          variant: c.variant,
          control: control
            ? { name: control.name, units: control.units, value: control.mean }
            : null,
          arm: arm ? { name: arm.name, units: arm.units, value: arm.mean } : null,
          absoluteLift: c.absoluteLift,
          relativeLift: c.relativeLift,
          pValue: c.pValue,
          adjustedPValue: c.adjustedPValue,
          alpha: m.alpha,
        },
      });
    }
  }

  if (r.srm.mismatch) {
    out.push({
      type: "srm",
      cause: "srm",
      summary: bothLanguages("alert.summary.srm", { p: formatP(r.srm.pValue), users }),
      details: { pValue: r.srm.pValue, chiSquare: r.srm.chiSquare, users: arms },
    });
  }

  if (input.mode === "bandit" && r.bandit) {
    for (const arm of r.bandit.offline) {
      out.push({
        type: "bandit_arm_cut",
        cause: `cut:${arm}`,
        summary: bothLanguages("alert.summary.bandit_arm_cut", { arm }),
        details: { arm, weights: r.bandit.weights, probabilityBest: r.bandit.probabilityBest },
      });
    }
    const rec = r.recommendation;
    if (rec.action === "ship" && rec.winner && !rec.ended) {
      const i = r.variants.findIndex((v) => v.name === rec.winner);
      const probability = r.bandit.probabilityBest[i] ?? null;
      out.push({
        type: "bandit_decided",
        cause: `decided:${rec.winner}`,
        summary: bothLanguages("alert.summary.bandit_decided", {
          winner: rec.winner,
          probability: probability === null ? "—" : `${(probability * 100).toFixed(1)}%`,
        }),
        details: { winner: rec.winner, probabilityBest: probability, reasons: rec.reasons },
      });
    }
  }

  if (input.plannedSampleSize && users >= input.plannedSampleSize) {
    out.push({
      type: "sample_reached",
      cause: "sample_reached",
      summary: bothLanguages("alert.summary.sample_reached", {
        users,
        planned: input.plannedSampleSize,
      }),
      details: { users, planned: input.plannedSampleSize, arms },
    });
  }

  const rec = r.recommendation;
  if (input.mode === "ab" && !rec.ended && input.status === "running") {
    if (rec.action === "ship" && rec.winner) {
      out.push({
        type: "decided",
        cause: `ship:${rec.winner}`,
        summary: bothLanguages("alert.summary.decided.ship", { winner: rec.winner }),
        details: { action: rec.action, winner: rec.winner, reasons: rec.reasons, users: arms },
      });
    } else if (
      rec.action === "stop" && !rec.reasons.includes("SRM") &&
      !rec.reasons.includes("NOT_ENOUGH_DATA")
    ) {
      out.push({
        type: "decided",
        cause: "stop",
        summary: bothLanguages("alert.summary.decided.stop"),
        details: { action: rec.action, winner: null, reasons: rec.reasons, users: arms },
      });
    }
  }
  return out;
}

function noExposures(input: AlertInput): AlertCandidate | null {
  if (input.status !== "running") return null;
  const since = input.lastExposureAt ?? input.startedAt;
  if (!since) return null;
  const hours = (input.now.getTime() - since.getTime()) / 3600_000;
  if (hours < input.noExposureHours) return null;
  const whole = Math.floor(hours);
  return {
    type: "no_exposures",
    cause: `since:${since.toISOString()}`,
    summary: input.lastExposureAt
      ? bothLanguages("alert.summary.no_exposures", {
        hours: whole,
        last: input.lastExposureAt.toISOString(),
      })
      : bothLanguages("alert.summary.no_exposures.never", { hours: whole }),
    details: {
      lastExposureAt: input.lastExposureAt?.toISOString() ?? null,
      startedAt: input.startedAt?.toISOString() ?? null,
      hours: whole,
      threshold: input.noExposureHours,
    },
  };
}

/**
 * The alert that trips the circuit breaker, if any: the first breached guardrail when
 * `onGuardrail`, else an SRM when `onSrm`.
 */
export function breakerTrip(
  candidates: readonly AlertCandidate[],
  autoStop: { onGuardrail: boolean; onSrm: boolean },
): AlertCandidate | null {
  return (autoStop.onGuardrail && candidates.find((c) => c.type === "guardrail_breached")) ||
    (autoStop.onSrm && candidates.find((c) => c.type === "srm")) || null;
}

/** The `experiment_stopped` alert for a tripped breaker, with the numbers that tripped it. */
export function stoppedAlert(trip: AlertCandidate): AlertCandidate {
  const reason: Record<NotifyLocale, string> = trip.type === "srm"
    ? {
      "zh-CN": translator("zh-CN")("alert.reason.srm", {
        p: formatP(trip.details.pValue as number),
      }),
      en: translator("en")("alert.reason.srm", { p: formatP(trip.details.pValue as number) }),
    }
    : {
      "zh-CN": translator("zh-CN")("alert.reason.guardrail", {
        metric: (trip.details.metricName as Record<NotifyLocale, string>)?.["zh-CN"] ?? "",
        variant: String(trip.details.variant),
      }),
      en: translator("en")("alert.reason.guardrail", {
        metric: (trip.details.metricName as Record<NotifyLocale, string>)?.en ?? "",
        variant: String(trip.details.variant),
      }),
    };
  return {
    type: "experiment_stopped",
    cause: "auto_stop",
    summary: bothLanguages("alert.summary.experiment_stopped", { reason }),
    details: { trigger: trip.type, cause: trip.cause, numbers: trip.details },
  };
}
