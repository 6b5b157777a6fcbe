import assert from "node:assert/strict";
import banks from "./demo-banks.json" with { type: "json" };
import { MODEL } from "./model.ts";
import { scoreAssessment } from "./scoring.ts";
import {
  dayNumber,
  distanceToTarget,
  type LensTarget,
  roadmap,
  targetGaps,
  targetProblems,
  targetProgress,
  targetScore,
} from "./targets.ts";

function scoreOf(bankId: string) {
  const bank = banks.find((b) => b.id === bankId);
  assert.ok(bank);
  return scoreAssessment({ values: bank.values });
}

const close = (a: number | null, b: number, tol = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} ≈ ${b}`);

Deno.test("targetScore() reads a level as its lower bound and a score as itself", () => {
  assert.equal(targetScore({ kind: "level", value: 4 }), 60);
  assert.equal(targetScore({ kind: "level", value: 1 }), 0);
  assert.equal(targetScore({ kind: "score", value: 72.5 }), 72.5);
});

Deno.test("targetProblems() refuses unknown dimensions, bad dates, levels and scores", () => {
  assert.deepEqual(
    targetProblems({
      targetDate: "2027-12-31",
      dimensions: { digital: { kind: "level", value: 4 } },
    }),
    [],
  );
  const codes = (t: LensTarget) => targetProblems(t).map((p) => p.code);
  assert.deepEqual(codes({ targetDate: "2027-02-30", dimensions: {} }), ["BAD_DATE", "NO_TARGETS"]);
  assert.deepEqual(
    codes({
      targetDate: "2027-01-01",
      dimensions: {
        cloud: { kind: "score", value: 50 },
        digital: { kind: "level", value: 3.5 },
        open: { kind: "score", value: 100.5 },
        intelligent: { kind: "level", value: 6 },
      },
    }),
    ["UNKNOWN_DIMENSION", "BAD_LEVEL", "BAD_SCORE", "BAD_LEVEL"],
  );
  assert.equal(dayNumber("2024-02-29"), 19782);
  assert.equal(dayNumber("2023-02-29"), null);
});

Deno.test("targetGaps(): dimension gap is target − score, 0 once met; capabilities per dimension", () => {
  const score = scoreOf("CC2");
  const [digital, intelligent] = score.dimensions;
  const target: LensTarget = {
    targetDate: "2027-12-31",
    dimensions: {
      digital: { kind: "score", value: (digital.score as number) + 10 },
      intelligent: { kind: "score", value: (intelligent.score as number) - 5 },
    },
  };
  const gaps = targetGaps(score, target);
  close(gaps.dimensions[0].gap, 10);
  assert.equal(gaps.dimensions[0].met, false);
  assert.equal(gaps.dimensions[1].gap, 0);
  assert.equal(gaps.dimensions[1].met, true);
  assert.equal(gaps.dimensions[2].target, null);
  assert.equal(gaps.dimensions[2].gap, null);
  // capabilities of the two targeted dimensions only
  const capCount = MODEL.dimensions[0].capabilities.length +
    MODEL.dimensions[1].capabilities.length;
  assert.equal(gaps.capabilities.length, capCount);
  for (const c of gaps.capabilities) {
    if (c.score === null) continue;
    const expected = Math.max(0, c.targetScore - c.score);
    close(c.gap, expected);
    assert.equal(c.steps, Math.ceil((expected - 1e-9) / 25));
  }
});

Deno.test("distanceToTarget() weighs each targeted dimension's shortfall by its weight", () => {
  const target: LensTarget = {
    targetDate: "2027-12-31",
    dimensions: { digital: { kind: "level", value: 4 }, open: { kind: "score", value: 50 } },
  };
  // digital 0.4 × (60 − 45) + open 0.25 × max(0, 50 − 70); intelligent not targeted
  close(distanceToTarget([45, 10, 70], target), 6);
  assert.equal(distanceToTarget([45, null, 70], target), 0 + 6); // untargeted null is fine
  assert.equal(distanceToTarget([null, 10, 70], target), null);
});

Deno.test("roadmap(): greedy steps by overall gain reach the targets, with milestones and dates", () => {
  const score = scoreOf("RC5");
  const digital = score.dimensions[0].score as number;
  const target: LensTarget = {
    targetDate: "2027-01-01",
    dimensions: { digital: { kind: "score", value: Math.min(100, digital + 12) } },
  };
  const plan = roadmap(score, target, { today: "2026-01-01" });
  assert.ok(plan.steps.length > 0);
  assert.equal(plan.reachable, true);
  assert.equal(plan.overdue, false);
  // every step is in the digital dimension, gains never increase, the last is due on the date
  for (const [k, s] of plan.steps.entries()) {
    assert.equal(s.dimensionId, "digital");
    assert.equal(s.order, k + 1);
    assert.equal(s.to, Math.min(100, s.from + 25));
    if (k > 0) assert.ok(s.gain <= plan.steps[k - 1].gain + 1e-9);
  }
  assert.equal(plan.steps.at(-1)!.due, "2027-01-01");
  assert.ok(plan.steps.at(-1)!.dimensionAfter >= digital + 12 - 1e-9);
  assert.ok(plan.steps.at(-2) === undefined || plan.steps.at(-2)!.dimensionAfter < digital + 12);
  const m = plan.milestones.find((x) => x.kind === "dimension");
  assert.deepEqual(m && { id: m.id, step: m.step }, { id: "digital", step: plan.steps.length });
  // the first step is the best single step: recompute every candidate by hand
  const dim = MODEL.dimensions[0];
  const caps = score.dimensions[0].capabilities;
  const gains = caps.map((c, i) => {
    if (c.score === null || c.score >= 100) return -1;
    const scores = caps.map((x, j) => j === i ? Math.min(100, c.score! + 25) : x.score);
    const present = dim.capabilities.flatMap((cc, j) =>
      scores[j] === null ? [] : [{ w: cc.weight, s: scores[j]! }]
    );
    const after = present.reduce((a, p) => a + p.w * p.s, 0) /
      present.reduce((a, p) => a + p.w, 0);
    return dim.weight * (after - digital);
  });
  close(plan.steps[0].gain, Math.max(...gains));
  assert.equal(plan.steps[0].capabilityId, caps[gains.indexOf(Math.max(...gains))].id);
});

Deno.test("roadmap(): a met target needs no steps; an overdue one is due on its date", () => {
  const score = scoreOf("CC2");
  const met = roadmap(score, {
    targetDate: "2030-01-01",
    dimensions: { open: { kind: "level", value: 1 } },
  }, { today: "2026-11-30" });
  assert.deepEqual(met.steps, []);
  assert.equal(met.reachable, true);
  const late = roadmap(score, {
    targetDate: "2025-06-30",
    dimensions: { intelligent: { kind: "score", value: 100 } },
  }, { today: "2026-11-30", maxSteps: 4 });
  assert.equal(late.overdue, true);
  assert.equal(late.steps.length, 4);
  assert.ok(late.steps.every((s) => s.due === "2025-06-30"));
  assert.equal(late.reachable, false);
});

Deno.test("roadmap(): a level target of 5 everywhere lists next rubric levels that climb", () => {
  const score = scoreOf("RC5");
  const plan = roadmap(score, {
    targetDate: "2028-12-31",
    dimensions: {
      digital: { kind: "level", value: 5 },
      intelligent: { kind: "level", value: 5 },
      open: { kind: "level", value: 5 },
    },
  }, { today: "2026-11-30" });
  assert.equal(plan.steps.length, 20);
  const levels = plan.milestones.filter((m) => m.kind === "level").map((m) => Number(m.id));
  assert.deepEqual(levels, [...levels].sort((a, b) => a - b));
  for (const s of plan.steps) {
    for (const w of s.weakest) {
      if (w.nextLevel !== null) assert.ok(w.nextLevel >= 2 && w.nextLevel <= 5);
    }
  }
  const dues = plan.steps.map((s) => s.due);
  assert.deepEqual(dues, [...dues].sort());
});

Deno.test("targetProgress(): one row per submitted period with its distance", () => {
  const a = scoreOf("RC5"), b = scoreOf("CC2");
  const target: LensTarget = {
    targetDate: "2027-12-31",
    dimensions: { digital: { kind: "level", value: 4 }, open: { kind: "level", value: 3 } },
  };
  const rows = targetProgress([
    { period: "2025", status: "submitted", score: a },
    { period: "2026H1", status: "draft", score: a },
    { period: "2026", status: "submitted", score: b },
  ], target);
  assert.deepEqual(rows.map((r) => r.period), ["2025", "2026"]);
  assert.equal(rows[0].targeted, 2);
  const d = (s: typeof a) =>
    0.4 * Math.max(0, 60 - s.dimensions[0].score!) +
    0.25 * Math.max(0, 40 - s.dimensions[2].score!);
  close(rows[0].distance, d(a));
  close(rows[1].distance, d(b));
  assert.equal(rows[0].dimensions[1].gap, null);
});
