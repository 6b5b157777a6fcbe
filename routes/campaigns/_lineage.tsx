import type { Context } from "hono";
import type { ComponentChildren } from "preact";
import { Island } from "../../components/Island.tsx";
import { experimentHref } from "../../components/experiments/links.ts";
import { campaignChain } from "../../db/lineage.ts";
import LiftChain from "../../islands/LiftChain.tsx";
import { notFound } from "../../lib/errors.ts";
import {
  type Lineage,
  lineage,
  type LineageReason,
  type LineageStep,
} from "../../lib/experiments/lineage.ts";
import { formatNumber, formatPercent, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import type { Interval } from "../../lib/stats/types.ts";
import type { AppEnv } from "../../plugins/context.ts";

/** The campaign in scope and its lineage (404 for another bank's or a malformed id). */
export async function lineageOf(c: Context<AppEnv>, id: string) {
  const chain = await campaignChain(c.var.db, c.var.scope, id);
  if (!chain) throw notFound("No such campaign", { key: "error.api.noCampaign" });
  return { campaign: chain.campaign, lineage: lineage(chain.iterations) };
}

interface Props {
  lineage: Lineage;
  /** The campaign's bank: the links to its experiments name it (keys are unique per bank). */
  bankId: string;
  locale: Locale;
  t: Translate;
  /** Shown at the end of the card (e.g. the link to a new iteration). */
  children?: ComponentChildren;
}

function formats(locale: Locale, t: Translate) {
  const lift = (v: number | null) =>
    formatNumber(locale, v, {
      style: "percent",
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: "exceptZero",
    });
  return {
    lift,
    range: (ci: Interval | null) =>
      ci ? t("lineage.range", { lo: lift(ci[0]), hi: lift(ci[1]) }) : "—",
    reason: (reasons: LineageReason[]) => reasons.map((r) => t(`lineage.reason.${r}`)).join("; "),
  };
}

function Compounded({ lineage: { compounded, confidence }, locale, t }: Props) {
  const f = formats(locale, t);
  const level = formatPercent(locale, confidence, 0);
  if (compounded.decidedSteps === 0) {
    return <p class="muted" data-testid="compounded">{t("lineage.noDecided")}</p>;
  }
  return (
    <p class="lineage-total" data-testid="compounded">
      <strong>
        {t("lineage.compoundedValue", {
          steps: compounded.decidedSteps,
          lift: f.lift(compounded.lift),
        })}
      </strong>{" "}
      {compounded.ci
        ? (
          <span data-testid="compounded-ci">
            ({t("lineage.compoundedInterval", {
              level,
              lo: f.lift(compounded.ci[0]),
              hi: f.lift(compounded.ci[1]),
            })})
          </span>
        )
        : <span class="muted">({f.reason(compounded.reasons)})</span>}
    </p>
  );
}

type Formats = ReturnType<typeof formats>;

function Head({ level, t, compounded }: { level: string; t: Translate; compounded: boolean }) {
  return (
    <thead>
      <tr>
        <th scope="col">{t("lineage.col.iteration")}</th>
        <th scope="col">{t("lineage.col.experiment")}</th>
        <th scope="col">{t("lineage.col.mode")}</th>
        <th scope="col">{t("lineage.col.status")}</th>
        <th scope="col">{t("lineage.col.winner")}</th>
        <th scope="col" class="num">{t("lineage.col.rates")}</th>
        <th scope="col" class="num">{t("lineage.col.lift")}</th>
        <th scope="col" class="num">{t("lineage.col.interval", { level })}</th>
        {compounded && <th scope="col" class="num">{t("lineage.col.compounded")}</th>}
      </tr>
    </thead>
  );
}

interface RowProps {
  step: LineageStep;
  bankId: string;
  parent: number | undefined;
  compounded: boolean;
  locale: Locale;
  t: Translate;
  f: Formats;
}

function StepRow({ step: s, bankId, parent, compounded, locale, t, f }: RowProps) {
  const r = s.result;
  return (
    <tr data-key={s.key} data-status={s.status}>
      <td>
        {t("lineage.iteration", { n: s.iteration })}
        {parent !== undefined && (
          <span class="muted small block">{t("lineage.from", { n: parent })}</span>
        )}
      </td>
      <td>
        <a href={experimentHref({ key: s.key, bankId })}>{s.name}</a>
      </td>
      <td class="lineage-mode">{t(`lineage.mode.${s.mode}`)}</td>
      <td>
        <span class={`badge status-${s.status}`}>
          {t(`loop.status.${s.status}`)}
        </span>
      </td>
      <td data-testid="winner">
        {!r
          ? "—"
          : r.outcome === "kept_control"
          ? t("lineage.keptControl", { name: s.winner ?? "" })
          : s.winner}
      </td>
      <td class="num">
        {r
          ? `${formatPercent(locale, r.controlRate, 2)} → ${formatPercent(locale, r.winnerRate, 2)}`
          : "—"}
      </td>
      <td class="num" data-testid="lift">
        {!r
          ? <span class="muted">{t("lineage.pending")}</span>
          : r.outcome === "kept_control"
          ? t("lineage.keptControlLift")
          : r.lift === null
          ? <span class="muted">{f.reason(r.reasons)}</span>
          : <strong>{f.lift(r.lift)}</strong>}
      </td>
      <td class="num" data-testid="interval">
        {r?.ci
          ? f.range(r.ci)
          : r?.lift !== null && r?.reasons.length
          ? <span class="muted">{f.reason(r.reasons)}</span>
          : "—"}
      </td>
      {compounded && (
        <td class="num" data-testid="step-compounded">
          {s.compounded
            ? (
              <>
                {f.lift(s.compounded.lift)}
                {s.compounded.ci && (
                  <span class="muted small block">{f.range(s.compounded.ci)}</span>
                )}
              </>
            )
            : "—"}
        </td>
      )}
    </tr>
  );
}

/**
 * The campaign page's chain of iterations (linked by promotion), compounded lift, chart and
 * winner's-curse note; then the experiments that stand alone, each with its own lift only.
 */
export function LineageSection(props: Props) {
  const { lineage: { steps, standalone, series, confidence, compounded }, locale, t } = props;
  const f = formats(locale, t);
  const level = formatPercent(locale, confidence, 0);
  const numberOf = new Map([...steps, ...standalone].map((s) => [s.key, s.iteration]));
  const row = (s: LineageStep, inChain: boolean) => (
    <StepRow
      step={s}
      bankId={props.bankId}
      parent={s.parentKey ? numberOf.get(s.parentKey) : undefined}
      compounded={inChain}
      locale={locale}
      t={t}
      f={f}
    />
  );
  return (
    <section class="card lineage" data-testid="lineage">
      <h2>{t("lineage.title")}</h2>
      {steps.length === 0 ? <p class="muted">{t("lineage.none")}</p> : (
        <>
          <p class="muted">{t("lineage.intro", { level })}</p>
          <div class="table-scroll">
            <table class="data" data-testid="iterations">
              <Head level={level} t={t} compounded />
              <tbody>{steps.map((s) => row(s, true))}</tbody>
            </table>
          </div>
          <Compounded {...props} />
          {series.length > 0 && (
            <Island component={LiftChain} props={{ locale, confidence, points: series }} />
          )}
          {compounded.decidedSteps > 0 && (
            <aside class="notice lineage-curse" data-testid="winners-curse">
              <strong>{t("lineage.curseTitle")}</strong> {t("lineage.curse")}
            </aside>
          )}
          {standalone.length > 0 && (
            <div data-testid="standalone">
              <h3>{t("lineage.standaloneTitle")}</h3>
              <p class="muted">{t("lineage.standaloneIntro")}</p>
              <div class="table-scroll">
                <table class="data" data-testid="standalone-iterations">
                  <Head level={level} t={t} compounded={false} />
                  <tbody>{standalone.map((s) => row(s, false))}</tbody>
                </table>
              </div>
            </div>
          )}
          <p class="muted small">{t("lineage.method", { level })}</p>
        </>
      )}
      {props.children}
    </section>
  );
}
