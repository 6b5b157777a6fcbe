/**
 * Targets and the roadmap to them (the telescope, issue 19 part 3). A bank sets, per dimension,
 * a target level or score and a date; from a scored assessment this module derives:
 *
 * - **gaps**: per dimension, target − score (0 once met); per capability, the dimension's target
 *   score − the capability's score (every capability is asked to reach its dimension's target,
 *   the simplest reading that adds up: a dimension is the weighted mean of its capabilities).
 * - **roadmap**: a suggested order of work. Greedy, one maturity step (25 points, capped at 100)
 *   at a time: among the scored capabilities of dimensions still below target, take the step with
 *   the largest overall score gain (dimension weight × the dimension's rise; ties in model order),
 *   until every targeted dimension is met, no step is left, or `maxSteps`. Each step lists the
 *   capability's weakest indicators with the next rubric level of the model.
 * - **milestones**: the step at which a dimension reaches its target or the overall level rises,
 *   with a date: steps are spread evenly from `today` to the target date.
 * - **progress**: each submitted period's distance to target, Σ over targeted dimensions of
 *   weight × max(0, target − score), in overall points (0 = every target met).
 *
 * Pure: dates are ISO `YYYY-MM-DD` strings; `today` is passed in. No rounding inside.
 */
import { ENTRY_POINT_STEP, weakestIndicators, type WeakIndicator } from "./insights.ts";
import { levelInfo, MODEL } from "./model.ts";
import { cappedLevel, dimensionScore, TIE_TOLERANCE } from "./rules.ts";
import type { LensScore } from "./scoring.ts";

export type TargetKind = "level" | "score";

/** A dimension's target: a level 1–5 (its lower bound as a score) or a score 0–100. */
export interface DimensionTarget {
  kind: TargetKind;
  value: number;
}

/** What is stored per bank: targets for some or all dimensions and the date to reach them. */
export interface LensTarget {
  /** ISO date, YYYY-MM-DD. */
  targetDate: string;
  /** dimension id → target; dimensions left out have none. */
  dimensions: Record<string, DimensionTarget>;
}

/** A problem with a target: `UNKNOWN_DIMENSION`, `BAD_DATE`, `BAD_LEVEL`, `BAD_SCORE`, `NO_TARGETS`. */
export interface TargetProblem {
  code: "UNKNOWN_DIMENSION" | "BAD_DATE" | "BAD_LEVEL" | "BAD_SCORE" | "NO_TARGETS";
  field: string;
  message: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a valid ISO date, or null (2026-02-30 is not a date). */
export function dayNumber(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return null;
  }
  return ms / 86_400_000;
}

function isoOfDay(day: number): string {
  return new Date(Math.round(day) * 86_400_000).toISOString().slice(0, 10);
}

/** Every problem with a target (empty when sound). */
export function targetProblems(target: LensTarget): TargetProblem[] {
  const problems: TargetProblem[] = [];
  if (dayNumber(target.targetDate) === null) {
    problems.push({
      code: "BAD_DATE",
      field: "targetDate",
      message: `Target date "${target.targetDate}" is not a date (YYYY-MM-DD)`,
    });
  }
  const entries = Object.entries(target.dimensions);
  if (entries.length === 0) {
    problems.push({ code: "NO_TARGETS", field: "dimensions", message: "Set at least one target" });
  }
  for (const [id, t] of entries) {
    const field = `dimensions.${id}`;
    if (!MODEL.dimensions.some((d) => d.id === id)) {
      problems.push({ code: "UNKNOWN_DIMENSION", field, message: `Unknown dimension "${id}"` });
    } else if (t.kind === "level" && !(Number.isInteger(t.value) && t.value >= 1 && t.value <= 5)) {
      problems.push({ code: "BAD_LEVEL", field, message: `Level "${t.value}" is not 1 to 5` });
    } else if (
      t.kind === "score" && !(Number.isFinite(t.value) && t.value >= 0 && t.value <= 100)
    ) {
      problems.push({ code: "BAD_SCORE", field, message: `Score "${t.value}" is not 0 to 100` });
    }
  }
  return problems;
}

/** The score a target asks for: a level's lower bound (level 4 → 60), or the score itself. */
export function targetScore(target: DimensionTarget): number {
  return target.kind === "level" ? levelInfo(target.value)?.min ?? 0 : target.value;
}

/** `gap` = max(0, target − score); null (with `met` null) when the dimension has no score. */
export interface DimensionGap {
  dimensionId: string;
  score: number | null;
  target: DimensionTarget | null;
  targetScore: number | null;
  gap: number | null;
  met: boolean | null;
}

/** A capability against its dimension's target score; `steps` = ⌈gap / 25⌉. */
export interface CapabilityGap {
  capabilityId: string;
  dimensionId: string;
  score: number | null;
  targetScore: number;
  gap: number | null;
  steps: number | null;
}

/** Gaps of the dimensions (all, in model order) and of the capabilities of targeted ones. */
export function targetGaps(
  score: LensScore,
  target: LensTarget,
): { dimensions: DimensionGap[]; capabilities: CapabilityGap[] } {
  const dimensions = score.dimensions.map((d): DimensionGap => {
    const t = Object.hasOwn(target.dimensions, d.id) ? target.dimensions[d.id] : null;
    const goal = t ? targetScore(t) : null;
    const gap = goal === null || d.score === null ? null : Math.max(0, goal - d.score);
    return {
      dimensionId: d.id,
      score: d.score,
      target: t,
      targetScore: goal,
      gap,
      met: gap === null ? null : gap <= TIE_TOLERANCE,
    };
  });
  const capabilities = score.dimensions.flatMap((d, k) => {
    const goal = dimensions[k].targetScore;
    if (goal === null) return [];
    return d.capabilities.map((c): CapabilityGap => {
      const gap = c.score === null ? null : Math.max(0, goal - c.score);
      return {
        capabilityId: c.id,
        dimensionId: d.id,
        score: c.score,
        targetScore: goal,
        gap,
        steps: gap === null ? null : Math.ceil((gap - TIE_TOLERANCE) / ENTRY_POINT_STEP),
      };
    });
  });
  return { dimensions, capabilities };
}

/**
 * Distance to target of one set of dimension scores (model order): Σ over targeted dimensions
 * of weight × max(0, target − score), in overall points; null when a targeted dimension has no
 * score.
 */
export function distanceToTarget(
  dimensionScores: readonly (number | null)[],
  target: LensTarget,
): number | null {
  let distance = 0;
  for (const [k, dim] of MODEL.dimensions.entries()) {
    if (!Object.hasOwn(target.dimensions, dim.id)) continue;
    const s = dimensionScores[k];
    if (s === null) return null;
    distance += dim.weight * Math.max(0, targetScore(target.dimensions[dim.id]) - s);
  }
  return distance;
}

/** One suggested step of work: raise a capability by one maturity step. */
export interface RoadmapStep {
  /** 1, 2, …: the suggested order. */
  order: number;
  capabilityId: string;
  dimensionId: string;
  from: number;
  to: number;
  /** Overall points the step adds: dimension weight × the dimension's rise. */
  gain: number;
  dimensionAfter: number;
  /** The overall score after the step (same deduction, floor 0); null when not computable. */
  overallAfter: number | null;
  /** The date the step is due (steps spread evenly from today to the target date). */
  due: string;
  /** The capability's weakest indicators; maturity ones with the rubric level to reach next. */
  weakest: WeakIndicator[];
}

/** A point on the way: a dimension reaches its target, or the overall level rises. */
export interface Milestone {
  kind: "dimension" | "level";
  /** The dimension id, or the new level as a string. */
  id: string;
  step: number;
  due: string;
}

export interface Roadmap {
  steps: RoadmapStep[];
  milestones: Milestone[];
  /** Every targeted dimension is met once the steps are done. */
  reachable: boolean;
  /** The target date is today or already past. */
  overdue: boolean;
}

/** How many steps a roadmap lists at most. */
export const MAX_STEPS = 20;

/** The greedy roadmap to `target` from `score` (see the module comment). */
export function roadmap(
  score: LensScore,
  target: LensTarget,
  options: { today: string; maxSteps?: number },
): Roadmap {
  const maxSteps = options.maxSteps ?? MAX_STEPS;
  const caps = score.dimensions.map((d) => d.capabilities.map((c) => c.score));
  const dims = score.dimensions.map((d) => d.score);
  const goals = MODEL.dimensions.map((d) =>
    Object.hasOwn(target.dimensions, d.id) ? targetScore(target.dimensions[d.id]) : null
  );
  const below = (k: number) =>
    goals[k] !== null && dims[k] !== null && (goals[k] as number) - (dims[k] as number) >
      TIE_TOLERANCE;
  const taken = new Map<string, number>();
  const raw: Omit<RoadmapStep, "due">[] = [];
  const milestones: Omit<Milestone, "due">[] = [];
  let level = score.overall.level;
  while (raw.length < maxSteps) {
    let best: { d: number; c: number; to: number; after: number; gain: number } | null = null;
    MODEL.dimensions.forEach((dim, d) => {
      if (!below(d)) return;
      const weights = dim.capabilities.map((c) => c.weight);
      caps[d].forEach((s, c) => {
        if (s === null || s >= 100) return;
        const to = Math.min(100, s + ENTRY_POINT_STEP);
        const after = dimensionScore(weights, caps[d].map((x, i) => i === c ? to : x)) as number;
        const gain = dim.weight * (after - (dims[d] as number));
        if (!best || gain - best.gain > TIE_TOLERANCE) best = { d, c, to, after, gain };
      });
    });
    if (best === null) break;
    const { d, c, to, after, gain } = best as {
      d: number;
      c: number;
      to: number;
      after: number;
      gain: number;
    };
    const dimResult = score.dimensions[d];
    const cap = dimResult.capabilities[c];
    const from = caps[d][c] as number;
    const wasBelow = below(d);
    caps[d][c] = to;
    dims[d] = after;
    const overallAfter = overallOf(dims, score.overall.deduction);
    const order = raw.length + 1;
    const earlier = taken.get(cap.id) ?? 0;
    taken.set(cap.id, earlier + 1);
    raw.push({
      order,
      capabilityId: cap.id,
      dimensionId: dimResult.id,
      from,
      to,
      gain,
      dimensionAfter: after,
      overallAfter,
      weakest: weakestIndicators(cap).map((w) =>
        w.nextLevel === null ? w : { ...w, nextLevel: Math.min(5, w.nextLevel + earlier) }
      ),
    });
    if (wasBelow && !below(d)) {
      milestones.push({ kind: "dimension", id: dimResult.id, step: order });
    }
    const newLevel = overallAfter === null ? null : cappedLevel(overallAfter, score.overall.capped);
    if (newLevel !== null && (level === null || newLevel > level)) {
      milestones.push({ kind: "level", id: String(newLevel), step: order });
      level = newLevel;
    }
  }
  const start = dayNumber(options.today) ?? 0;
  const end = dayNumber(target.targetDate) ?? start;
  const overdue = end <= start;
  const dueOf = (order: number) =>
    isoOfDay(overdue ? end : start + ((end - start) * order) / raw.length);
  const reachable = MODEL.dimensions.every((_, k) => goals[k] === null || !below(k)) &&
    goals.some((g, k) => g !== null && dims[k] !== null);
  return {
    steps: raw.map((s) => ({ ...s, due: dueOf(s.order) })),
    milestones: milestones.map((m) => ({ ...m, due: dueOf(m.step) })),
    reachable,
    overdue,
  };
}

function overallOf(dims: (number | null)[], deduction: number): number | null {
  if (dims.some((s) => s === null)) return null;
  const raw = dims.reduce(
    (sum: number, s, k) => sum + MODEL.dimensions[k].weight * (s as number),
    0,
  );
  return Math.max(0, raw - deduction);
}

/** One submitted period measured against the target. */
export interface ProgressRow {
  period: string;
  overall: number | null;
  /** Per dimension (model order): score and gap (null when not targeted or not scored). */
  dimensions: { dimensionId: string; score: number | null; gap: number | null }[];
  distance: number | null;
  /** Targeted dimensions met / targeted dimensions. */
  met: number;
  targeted: number;
}

/** Progress as assessments arrive: each submitted period's distance to target, oldest first. */
export function targetProgress(
  trend: readonly { period: string; status: string; score: LensScore }[],
  target: LensTarget,
): ProgressRow[] {
  return trend.filter((p) => p.status === "submitted").map((p) => {
    const dimensions = p.score.dimensions.map((d) => {
      const t = Object.hasOwn(target.dimensions, d.id) ? target.dimensions[d.id] : null;
      return {
        dimensionId: d.id,
        score: d.score,
        gap: t === null || d.score === null ? null : Math.max(0, targetScore(t) - d.score),
      };
    });
    const targeted = dimensions.filter((d) => Object.hasOwn(target.dimensions, d.dimensionId));
    return {
      period: p.period,
      overall: p.score.overall.score,
      dimensions,
      distance: distanceToTarget(p.score.dimensions.map((d) => d.score), target),
      met: targeted.filter((d) => d.gap !== null && d.gap <= TIE_TOLERANCE).length,
      targeted: targeted.length,
    };
  });
}

/** Everything the scorecard and the API show about a target. */
export interface TargetPlan {
  gaps: { dimensions: DimensionGap[]; capabilities: CapabilityGap[] };
  roadmap: Roadmap;
  progress: ProgressRow[];
}

/** Gaps and roadmap from `score` (the assessment shown), progress over every period. */
export function targetPlan(
  score: LensScore,
  trend: readonly { period: string; status: string; score: LensScore }[],
  target: LensTarget,
  today: string,
): TargetPlan {
  return {
    gaps: targetGaps(score, target),
    roadmap: roadmap(score, target, { today }),
    progress: targetProgress(trend, target),
  };
}
