import type { BanditReadout } from "../../lib/experiments/bandit.ts";
import {
  formatDate,
  formatNumber,
  formatPercent,
  formatPValue,
  type Locale,
  translator,
} from "../../lib/i18n/mod.ts";
import AllocationChart from "../../islands/AllocationChart.tsx";
import { DataTable } from "../DataTable.tsx";
import { Island } from "../Island.tsx";
import { experimentHref } from "./links.ts";

/** What the panels need of an experiment (db/experiments.ts `Experiment` fits). */
interface Experiment {
  key: string;
  bankId: string;
  mode: "ab" | "bandit";
  status: "draft" | "running" | "stopped" | "decided";
  variants: readonly { name: string; weight: number }[];
  minShare: number;
  reweightMinutes: number;
  startedAt: Date | null;
  stoppedAt: Date | null;
  winnerVariant: string | null;
}

type Count = (n: number) => string;

/** The weights in force from each moment on: the configured ones, each reweighting, now. */
function allocationSteps(e: Experiment, bandit: BanditReadout, now: Date) {
  const start = e.startedAt?.getTime() ?? Date.parse(bandit.allocations[0]?.computedAt ?? "");
  const end = (e.stoppedAt ?? now).getTime();
  const steps = [
    { at: start, weights: e.variants.map((v) => v.weight) },
    ...bandit.allocations.map((a) => ({ at: Date.parse(a.computedAt), weights: a.weights })),
  ].filter((s) => Number.isFinite(s.at));
  if (steps.length > 0) {
    steps.push({ at: Math.max(end, steps.at(-1)!.at), weights: bandit.weights });
  }
  return steps;
}

/**
 * A bandit's allocation: each arm's probability of being best, its weight in force and whether
 * the data took it offline; the stacked allocation chart; the sample-ratio check per period.
 */
export function BanditPanel(
  { e, bandit, users, locale, now, canReweight }: {
    e: Experiment;
    bandit: BanditReadout;
    users: number[];
    locale: Locale;
    now: Date;
    canReweight: boolean;
  },
) {
  const t = translator(locale);
  const arms = e.variants.map((v) => v.name);
  const steps = allocationSteps(e, bandit, now);
  const count = (n: number) => formatNumber(locale, n, { maximumFractionDigits: 0 });
  return (
    <section class="card" data-testid="bandit">
      <h2>{t("bandit.title")}</h2>
      <p class="muted small">
        {t("bandit.intro", {
          floor: formatPercent(locale, e.minShare, 1),
          minutes: formatNumber(locale, e.reweightMinutes),
        })} {t("bandit.decideAt", { p: formatPercent(locale, bandit.decideAt, 0) })}{" "}
        {t("bandit.adaptiveNote")}
      </p>
      {!bandit.burnedIn && (
        <p class="badge warn" data-testid="burn-in">
          {t("bandit.burnIn", { n: formatNumber(locale, bandit.burnIn) })}
        </p>
      )}
      <ArmsTable {...{ arms, bandit, users, locale, count }} />
      <ReweightStatus {...{ e, bandit, locale, canReweight }} />
      {steps.length > 1 && <Island component={AllocationChart} props={{ locale, arms, steps }} />}
      <h3>{t("bandit.periods.title")}</h3>
      <p class="muted small">{t("bandit.periods.intro")}</p>
      <PeriodsTable {...{ arms, bandit, locale, count }} />
    </section>
  );
}

/** Per arm: customers, weighted rate, probability of being best, weight, active or offline. */
function ArmsTable(
  { arms, bandit, users, locale, count }: {
    arms: string[];
    bandit: BanditReadout;
    users: number[];
    locale: Locale;
    count: Count;
  },
) {
  const t = translator(locale);
  return (
    <table class="data" data-testid="bandit-arms">
      <thead>
        <tr>
          <th scope="col">{t("bandit.col.arm")}</th>
          <th scope="col" class="num">{t("bandit.col.users")}</th>
          <th scope="col" class="num">{t("stats.weightedRate")}</th>
          <th scope="col" class="num">{t("bandit.col.pBest")}</th>
          <th scope="col" class="num">{t("bandit.col.weight")}</th>
          <th scope="col">{t("bandit.col.state")}</th>
        </tr>
      </thead>
      <tbody>
        {arms.map((name, i) => {
          const offline = bandit.offline.includes(name);
          return (
            <tr data-arm={name} data-offline={offline ? "true" : "false"}>
              <th scope="row">{name}</th>
              <td class="num">{count(users[i] ?? 0)}</td>
              <td class="num">{formatPercent(locale, bandit.weightedRates[i], 2)}</td>
              <td class="num">{formatPercent(locale, bandit.probabilityBest[i], 1)}</td>
              <td class="num">{formatPercent(locale, bandit.weights[i], 1)}</td>
              <td>
                {offline
                  ? <span class="badge warn">{t("bandit.state.offline")}</span>
                  : t("bandit.state.active")}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** When the last reweighting was, when the next is due, and the reweight-now button. */
function ReweightStatus(
  { e, bandit, locale, canReweight }: {
    e: Experiment;
    bandit: BanditReadout;
    locale: Locale;
    canReweight: boolean;
  },
) {
  const t = translator(locale);
  const last = bandit.allocations.at(-1);
  const nextDue = last && e.status === "running"
    ? new Date(Date.parse(last.computedAt) + e.reweightMinutes * 60_000)
    : null;
  return (
    <>
      <p class="small" data-testid="last-reweight">
        {last
          ? t("bandit.lastReweight", {
            at: formatDate(locale, last.computedAt, true),
            reason: t(`bandit.reason.${last.reason}`),
          })
          : t("bandit.noReweight")}
        {nextDue && <>{" · "}{t("bandit.nextDue", { at: formatDate(locale, nextDue, true) })}</>}
      </p>
      {canReweight && e.status === "running" && (
        <form method="post" action={experimentHref(e, "/reweight")} class="inline">
          <button type="submit" data-testid="action-reweight">{t("bandit.reweightNow")}</button>
        </form>
      )}
    </>
  );
}

/** The sample-ratio check per allocation period. */
function PeriodsTable(
  { arms, bandit, locale, count }: {
    arms: string[];
    bandit: BanditReadout;
    locale: Locale;
    count: Count;
  },
) {
  const t = translator(locale);
  return (
    <DataTable
      testid="bandit-periods"
      rows={bandit.periods}
      rowProps={(p) => ({ "data-mismatch": p.srm.mismatch ? "true" : "false" })}
      columns={[
        {
          header: t("bandit.periods.period"),
          cell: (p) => (
            <>
              {p.from ? formatDate(locale, p.from, true) : t("bandit.periods.initial")} –{" "}
              {p.to ? formatDate(locale, p.to, true) : t("bandit.periods.now")}
            </>
          ),
        },
        {
          header: t("bandit.periods.split"),
          cell: (p) =>
            arms.map((a, i) =>
              `${a} ${count(p.users[i])} (${formatPercent(locale, p.weights[i], 1)})`
            ).join(" · "),
        },
        {
          header: t("bandit.periods.p"),
          numeric: true,
          cell: (p) => formatPValue(locale, p.srm.pValue),
        },
        {
          header: t("bandit.col.state"),
          cell: (p) =>
            p.srm.mismatch
              ? <span class="badge bad">{t("bandit.periods.mismatch")}</span>
              : t("bandit.periods.ok"),
        },
      ]}
    />
  );
}

/** The loop's action: promote the winner (or keep the control) and draft the next iteration. */
export function PromotePanel(
  { e, winner, next, locale }: {
    e: Experiment;
    winner: string | null;
    next: string | null;
    locale: Locale;
  },
) {
  const t = translator(locale);
  const control = e.variants[0].name;
  if (next) {
    return (
      <section class="card" data-testid="promoted">
        <p>
          {t("promote.done")} <a href={experimentHref({ key: next, bankId: e.bankId })}>{next}</a>
        </p>
      </section>
    );
  }
  const chosen = e.status === "decided" ? e.winnerVariant ?? control : winner;
  return (
    <section class="card" data-testid="promote">
      <h2>{t("promote.title")}</h2>
      <p class="muted small">{t("promote.intro")}</p>
      <form method="post" action={experimentHref(e, "/promote")} class="inline">
        <input type="hidden" name="winner" value={chosen ?? control} />
        {e.mode === "bandit" && chosen && chosen !== control && (
          <label class="check">
            <input type="checkbox" name="confirm" value="on" /> {t("promote.confirm")}
          </label>
        )}{" "}
        <button type="submit" data-testid="action-promote">
          {chosen && chosen !== control
            ? t("promote.winner", { name: chosen })
            : t("promote.keepControl", { name: control })}
        </button>
      </form>
    </section>
  );
}
