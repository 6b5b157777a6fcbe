/**
 * Producing digests (issue 18, part 4), on the per-minute scheduler of every instance
 * (routes/alerts/_scheduler.ts): for each bank with readers and each kind, the latest period
 * whose sending time (09:00 in the bank's time zone) has passed (lib/digests/period.ts); when
 * the bank has no digest of that period yet, it is composed from the bank's own data and stored
 * with its deliveries (db/digests.ts: unique per bank, kind and period, so two instances
 * composing at once store one and queue its deliveries once).
 */
import {
  alertsBetween,
  digestExists,
  experimentsBetween,
  openAlertCounts,
  storeDigest,
  upcomingActions,
} from "../../db/digests.ts";
import { assessmentsOfBank } from "../../db/assessments.ts";
import { getBank } from "../../db/banks.ts";
import { armTotals, campaignChain } from "../../db/lineage.ts";
import { listCampaigns } from "../../db/campaigns.ts";
import { listExperiments } from "../../db/experiments.ts";
import { measuredIndicators } from "../../db/measured_indicators.ts";
import { banksWithTimeZones } from "../../db/schedules.ts";
import {
  alertDigest,
  type AlertRef,
  type DailyContent,
  type DigestContent,
  digestText,
  type WeeklyContent,
} from "../../lib/digests/content.ts";
import { DIGEST_KINDS, type DigestPeriod, duePeriod } from "../../lib/digests/period.ts";
import { lineage, stepLift } from "../../lib/experiments/lineage.ts";
import { scoreStoredAssessment } from "../../lib/lens/scoring.ts";
import type { MessageType } from "../../lib/notify/types.ts";
import { bankScope } from "../../lib/scope.ts";
import type { AppDeps } from "../../plugins/context.ts";
import { readoutOf } from "../alerts/_check.ts";

type Connection = AppDeps["db"];

const iso = (d: Date) => d.toISOString();
const pair = (ci: readonly [number, number] | null | undefined): [number, number] | null =>
  ci ? [ci[0], ci[1]] : null;

async function alertRefs(db: Connection, bankId: string, period: DigestPeriod) {
  const rows = await alertsBetween(db, bankId, period.start, period.end);
  return alertDigest(rows.map((a): AlertRef => ({
    type: a.type as MessageType,
    key: a.key,
    name: a.name,
    at: iso(a.at),
    summary: a.summary,
  })));
}

/** The weekly digest's figures for `bankId` over `period`. */
export async function composeWeekly(
  db: Connection,
  bankId: string,
  period: DigestPeriod,
): Promise<WeeklyContent> {
  const scope = bankScope(bankId);
  const submitted = (await assessmentsOfBank(db, scope, bankId))
    .filter((a) => a.status === "submitted");
  const scoreOf = (a: (typeof submitted)[number]) => {
    const overall = scoreStoredAssessment(a).overall;
    return { period: a.period, score: overall.score, level: overall.level };
  };
  const latest = submitted.at(-1);
  const previous = submitted.at(-2);
  const started = await experimentsBetween(db, bankId, "started", period.start, period.end);
  const decided = await experimentsBetween(db, bankId, "decided", period.start, period.end);
  const totals = await armTotals(db, decided.map((e) => e.id));
  const campaigns = [];
  for (const campaign of await listCampaigns(db, scope)) {
    if (campaign.bankId !== bankId) continue;
    const chain = await campaignChain(db, scope, campaign.id);
    if (!chain) continue;
    const compounded = lineage(chain.iterations).compounded;
    if (compounded.decidedSteps === 0) continue;
    campaigns.push({
      id: campaign.id,
      name: campaign.name,
      decidedSteps: compounded.decidedSteps,
      lift: compounded.lift,
      ci: pair(compounded.ci),
    });
  }
  const measured = await measuredIndicators(db, scope, bankId);
  return {
    kind: "weekly",
    scorecard: latest
      ? { latest: scoreOf(latest), previous: previous ? scoreOf(previous) : null }
      : null,
    started: started.map((e) => ({ key: e.key, name: e.name, at: iso(e.at) })),
    decided: decided.map((e) => {
      const arms = totals.get(e.id) ?? [];
      const step = stepLift(arms, e.winner);
      return {
        key: e.key,
        name: e.name,
        at: iso(e.at),
        winner: e.winner,
        keptControl: step.outcome === "kept_control",
        lift: step.lift,
        ci: pair(step.ci),
      };
    }),
    program: {
      abTestShare: measured.ab_test_share?.value ?? null,
      medianUplift: measured.campaign_conversion_uplift?.value ?? null,
      campaigns,
    },
    alerts: await alertRefs(db, bankId, period),
  };
}

/** The daily digest's figures for `bankId` over `period`, as of `now`. */
export async function composeDaily(
  db: Connection,
  bankId: string,
  period: DigestPeriod,
  now: Date,
): Promise<DailyContent> {
  const scope = bankScope(bankId);
  const running = (await listExperiments(db, scope, { status: "running" }))
    .filter((e) => e.bankId === bankId);
  const totals = await armTotals(db, running.map((e) => e.id));
  const open = await openAlertCounts(db, bankId);
  const rows = [];
  for (const e of running) {
    const users = (totals.get(e.id) ?? []).reduce((s, a) => s + a.users, 0);
    let recommendation = null;
    try {
      recommendation = (await readoutOf(db, e, now)).recommendation;
    } catch (error) {
      console.error(`digest read-out of ${bankId}/${e.key} failed:`, error);
    }
    rows.push({
      key: e.key,
      name: e.name,
      mode: e.mode,
      startedAt: e.startedAt ? iso(e.startedAt) : null,
      users,
      planned: e.plannedSampleSize,
      progress: e.plannedSampleSize ? users / e.plannedSampleSize : null,
      recommendation: recommendation?.action ?? null,
      winner: recommendation?.winner ?? null,
      openAlerts: open.get(e.id) ?? 0,
    });
  }
  const upcoming = await upcomingActions(db, bankId, now, new Date(now.getTime() + 86_400_000));
  return {
    kind: "daily",
    running: rows,
    upcoming: upcoming.map((u) => ({ key: u.key, name: u.name, action: u.action, at: iso(u.at) })),
    alerts: await alertRefs(db, bankId, period),
  };
}

/**
 * Composes and stores one digest unless the bank already has it; returns its id when this call
 * stored it (null when it existed or another instance stored it first).
 */
export async function produceDigest(
  db: Connection,
  bankId: string,
  period: DigestPeriod,
  now: Date,
): Promise<string | null> {
  if (await digestExists(db, bankId, period.kind, period.start)) return null;
  const bank = await getBank(db, bankScope(bankId), bankId);
  if (!bank) return null;
  const content: DigestContent = period.kind === "weekly"
    ? await composeWeekly(db, bankId, period)
    : await composeDaily(db, bankId, period, now);
  const header = {
    kind: period.kind,
    label: period.label,
    start: period.start,
    end: period.end,
    timeZone: period.timeZone,
  };
  return await storeDigest(db, {
    bankId,
    kind: period.kind,
    periodStart: period.start,
    periodEnd: period.end,
    label: period.label,
    timeZone: period.timeZone,
    content,
  }, (id) => ({
    id,
    type: "digest",
    bankId,
    at: iso(now),
    summary: {
      "zh-CN": digestText({ ...header, bankName: bank.nameZh }, content, "zh-CN"),
      en: digestText({ ...header, bankName: bank.nameEn }, content, "en"),
    },
    details: {
      kind: period.kind,
      label: period.label,
      periodStart: iso(period.start),
      periodEnd: iso(period.end),
      timeZone: period.timeZone,
      path: `/digests/${id}`,
      content,
    },
  }), now);
}

/** One scheduled round: every due digest of every bank with readers. Errors are per digest. */
export async function produceDigests(db: Connection, now: Date): Promise<string[]> {
  const made: string[] = [];
  for (const { bankId, timeZone } of await banksWithTimeZones(db)) {
    for (const kind of DIGEST_KINDS) {
      try {
        const id = await produceDigest(db, bankId, duePeriod(kind, now, timeZone), now);
        if (id) made.push(id);
      } catch (error) {
        console.error(`${kind} digest of ${bankId} failed:`, error);
      }
    }
  }
  return made;
}
