import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { capabilityById, dimensionById, indicatorById } from "../../lib/lens/model.ts";
import type { DimensionTarget, LensTarget, TargetPlan } from "../../lib/lens/targets.ts";
import { formatValue, levelLabel, nameOf, rubricText } from "./names.ts";

interface Props {
  target: LensTarget & { note?: string };
  plan: TargetPlan;
  locale: Locale;
  t: Translate;
  /** Where "change the target" goes; omitted when the reader may not change it. */
  editHref?: string;
  /** The board report shows a short version: no capability table, three steps. */
  short?: boolean;
}

function targetText(t: Translate, locale: Locale, target: DimensionTarget | null): string {
  if (!target) return "—";
  return target.kind === "level" ? levelLabel(t, target.value) : formatNumber(locale, target.value);
}

/** The telescope's plan: target per dimension, gaps, order of work, milestones and progress. */
export function Roadmap({ target, plan, locale, t, editHref, short }: Props) {
  const n = (v: number | null | undefined) => formatNumber(locale, v);
  const dim = (id: string) => nameOf(locale, dimensionById(id));
  const { roadmap } = plan;
  const steps = short ? roadmap.steps.slice(0, 3) : roadmap.steps;
  return (
    <section class="card roadmap" data-testid="roadmap" id="roadmap">
      <h2>{t("plan.title")}</h2>
      <p>
        <strong>{t("plan.by", { date: target.targetDate })}</strong>
        {roadmap.overdue && <span class="badge warn">{t("plan.overdue")}</span>}
        {editHref && (
          <>
            {" · "}
            <a href={editHref} data-testid="target-edit">{t("plan.edit")}</a>
          </>
        )}
      </p>
      {target.note && <p class="muted small">{t("plan.note")}: {target.note}</p>}
      <table class="data" data-testid="target-gaps">
        <thead>
          <tr>
            <th scope="col">{t("plan.dimension")}</th>
            <th scope="col" class="num">{t("plan.current")}</th>
            <th scope="col" class="num">{t("plan.target")}</th>
            <th scope="col" class="num">{t("plan.gap")}</th>
          </tr>
        </thead>
        <tbody>
          {plan.gaps.dimensions.map((g) => (
            <tr data-dimension={g.dimensionId}>
              <th scope="row">{dim(g.dimensionId)}</th>
              <td class="num">{n(g.score)}</td>
              <td class="num">{targetText(t, locale, g.target)}</td>
              <td class="num">
                {g.met ? <span class="badge">{t("plan.met")}</span> : n(g.gap)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!short && plan.gaps.capabilities.length > 0 && (
        <>
          <h3>{t("plan.capGaps")}</h3>
          <table class="data" data-testid="capability-gaps">
            <thead>
              <tr>
                <th scope="col">{t("plan.capability")}</th>
                <th scope="col" class="num">{t("plan.current")}</th>
                <th scope="col" class="num">{t("plan.target")}</th>
                <th scope="col" class="num">{t("plan.gap")}</th>
                <th scope="col" class="num">{t("plan.steps")}</th>
              </tr>
            </thead>
            <tbody>
              {plan.gaps.capabilities.map((g) => (
                <tr data-capability={g.capabilityId}>
                  <th scope="row">{nameOf(locale, capabilityById(g.capabilityId))}</th>
                  <td class="num">{g.score === null ? t("plan.insufficient") : n(g.score)}</td>
                  <td class="num">{n(g.targetScore)}</td>
                  <td class="num">{g.gap === 0 ? t("plan.met") : n(g.gap)}</td>
                  <td class="num">{n(g.steps)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>{short ? t("plan.report.first") : t("plan.order")}</h3>
      {!short && <p class="muted small">{t("plan.orderHelp")}</p>}
      {roadmap.steps.length === 0 && <p class="muted">{t("plan.noSteps")}</p>}
      <ol class="entry-points roadmap-steps" data-testid="roadmap-steps">
        {steps.map((s) => (
          <li data-capability={s.capabilityId}>
            <strong>{nameOf(locale, capabilityById(s.capabilityId))}</strong>{" "}
            <span class="muted">{n(s.from)} → {n(s.to)}</span>
            <div class="small">
              {t("plan.stepGain", {
                gain: formatNumber(locale, s.gain, { maximumFractionDigits: 2 }),
              })} · {t("plan.due", { date: s.due })}
            </div>
            <ul class="plain small">
              {s.weakest.map((w) => {
                const indicator = indicatorById(w.id);
                if (!indicator) return null;
                const next = indicator.type === "maturity" && w.nextLevel !== null
                  ? indicator.rubric[String(w.nextLevel)]
                  : null;
                return (
                  <li data-indicator={w.id}>
                    {t("lens.weakest")}: {nameOf(locale, indicator)}{" "}
                    ({formatValue(locale, indicator, w.value)})
                    {next && (
                      <div class="rubric-next">
                        {t("lens.nextLevel", { level: w.nextLevel! })}: {rubricText(locale, next)}
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
      {!roadmap.reachable && roadmap.steps.length > 0 && (
        <p class="notice small">{t("plan.unreachable")}</p>
      )}
      {roadmap.milestones.length > 0 && (
        <>
          <h3>{t("plan.milestones")}</h3>
          <ul class="plain" data-testid="milestones">
            {roadmap.milestones.map((m) => (
              <li>
                <strong>{m.due}</strong> · {m.kind === "dimension"
                  ? t("plan.milestone.dimension", { name: dim(m.id) })
                  : t("plan.milestone.level", { level: levelLabel(t, Number(m.id)) })}{" "}
                <span class="muted small">({t("plan.step", { n: m.step })})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {!short && (
        <>
          <h3>{t("plan.progress")}</h3>
          {plan.progress.length === 0
            ? <p class="muted">{t("plan.noProgress")}</p>
            : (
              <table class="data" data-testid="target-progress">
                <thead>
                  <tr>
                    <th scope="col">{t("plan.period")}</th>
                    <th scope="col" class="num">{t("lens.overall")}</th>
                    {plan.progress[0].dimensions.map((d) => (
                      <th scope="col" class="num">{dim(d.dimensionId)} · {t("plan.gap")}</th>
                    ))}
                    <th scope="col" class="num">{t("plan.distance")}</th>
                    <th scope="col" class="num">{t("plan.metCount")}</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.progress.map((p) => (
                    <tr data-period={p.period}>
                      <th scope="row">{p.period}</th>
                      <td class="num">{n(p.overall)}</td>
                      {p.dimensions.map((d) => <td key={d.dimensionId} class="num">{n(d.gap)}</td>)}
                      <td class="num">{n(p.distance)}</td>
                      <td class="num">{p.met}/{p.targeted}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </>
      )}
    </section>
  );
}

/** The plan on the scorecard: the roadmap, or an invitation to set a target. */
export function PlanSection(
  { view, locale, t, short }: {
    view: {
      target: (LensTarget & { note?: string }) | null;
      plan: TargetPlan | null;
      editHref?: string;
    };
    locale: Locale;
    t: Translate;
    short?: boolean;
  },
) {
  if (view.target && view.plan) {
    return (
      <Roadmap
        target={view.target}
        plan={view.plan}
        editHref={short ? undefined : view.editHref}
        {...{ locale, t, short }}
      />
    );
  }
  if (short) return null;
  return (
    <section class="card roadmap" data-testid="roadmap" id="roadmap">
      <h2>{t("plan.title")}</h2>
      <p class="muted">
        {t("plan.none")}
        {view.editHref && (
          <>
            {" "}
            <a href={view.editHref} data-testid="target-edit">{t("plan.set")}</a>
          </>
        )}
      </p>
    </section>
  );
}
