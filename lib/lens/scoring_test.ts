import assert from "node:assert/strict";
import {
  invalidIndicators,
  type LensInput,
  LensInputError,
  type LensScore,
  scoreAssessment,
  scoreStoredAssessment,
} from "./scoring.ts";
import { assertDeepClose, loadFixture } from "./testdata/fixtures.ts";
import banks from "./demo-banks.json" with { type: "json" };

function values(bankId: string): Record<string, number | null> {
  const bank = banks.find((b) => b.id === bankId);
  assert.ok(bank, bankId);
  return { ...bank.values };
}

function capability(result: LensScore, id: string) {
  const found = result.dimensions.flatMap((d) => d.capabilities).find((c) => c.id === id);
  assert.ok(found, id);
  return found;
}

Deno.test("scoreAssessment() matches the independent Python implementation", async (t) => {
  const fixture = await loadFixture<LensInput, LensScore>("scoring.json");
  for (const c of fixture.cases) {
    await t.step(c.name, () => assertDeepClose(scoreAssessment(c.input), c.expected));
  }
});

Deno.test("scoreAssessment() results survive a JSON round trip unchanged", () => {
  for (const bank of banks) {
    const result = scoreAssessment({ values: bank.values });
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  }
});

Deno.test("a capability is the renormalised weighted mean of its present indicators", () => {
  // digital_channels: app_mau 0.4 (band 5→40), digital_sales 0.35, journey 0.25.
  const v = values("CC2");
  v.app_mau_penetration = 22.5; // (22.5 − 5)/35 = 50
  v.digital_sales_share = null; // missing: left out
  v.journey_coverage = 75; // (75 − 30)/60 = 75
  const cap = capability(scoreAssessment({ values: v }), "digital_channels");
  assert.equal(cap.status, "scored");
  // (0.4 × 50 + 0.25 × 75) / 0.65 = 38.75 / 0.65
  assert.ok(Math.abs((cap.score as number) - 38.75 / 0.65) < 1e-12);
  assert.deepEqual(cap.indicators[1], {
    id: "digital_sales_share",
    value: null,
    score: null,
    status: "missing",
  });
});

Deno.test("customer_insight is insufficient when its 0.6-weight maturity indicator is N/A", () => {
  const v = values("CC2");
  delete v.insight_modeling;
  const result = scoreAssessment({ values: v, notApplicable: { insight_modeling: "No team" } });
  const cap = capability(result, "customer_insight");
  assert.equal(cap.status, "insufficient");
  assert.equal(cap.score, null);
  assert.equal(cap.indicators[1].status, "not_applicable");
  assert.notEqual(result.overall.score, null, "the dimension still has other capabilities");
});

Deno.test("a missing critical indicator scores 0, counts in its capability and caps the level", () => {
  const v = values("JS1");
  delete v.optout_effective_hours;
  const result = scoreAssessment({ values: v });
  const opt = capability(result, "compliance_trust").indicators[1];
  assert.deepEqual(opt, {
    id: "optout_effective_hours",
    value: null,
    score: 0,
    status: "missing_critical",
  });
  assert.equal(result.overall.capped, true);
  assert.ok((result.overall.level as number) <= 3);
});

Deno.test("penalties deduct 5 points each, at most 15, and the overall never goes below 0", () => {
  const at = (penalties: number) => {
    const v = values("JS1");
    v.data_penalties_24m = penalties;
    return scoreAssessment({ values: v }).overall;
  };
  assert.equal(at(1).deduction, 5);
  assert.equal(at(2).deduction, 10);
  assert.equal(at(4).deduction, 15);
  const o = at(2);
  assert.equal(o.score, (o.rawScore as number) - 10);
});

Deno.test("bands: lower-is-better, log and clamping", () => {
  const v = values("RC2");
  v.churn_rate = 17.5; // floor 30, target 5: (17.5 − 30)/(5 − 30) = 0.5
  v.open_api_count = 999; // ln(1000) − ln(11) over ln(2001) − ln(11)
  v.app_mau_penetration = 90; // beyond target → 100
  v.journey_coverage = 10; // below floor → 0
  const r = scoreAssessment({ values: v });
  const score = (cap: string, k: number) => capability(r, cap).indicators[k].score as number;
  assert.equal(score("user_lifecycle", 1), 50);
  const log = 100 * (Math.log(1000) - Math.log(11)) / (Math.log(2001) - Math.log(11));
  assert.ok(Math.abs(score("open_platform", 0) - log) < 1e-12);
  assert.equal(score("digital_channels", 0), 100);
  assert.equal(score("digital_channels", 2), 0);
});

Deno.test("an all-insufficient dimension makes the overall null with no entry points", () => {
  const v = values("SOE1");
  for (const k of ["model_coverage", "insight_modeling", "ab_test_share", "metric_system"]) {
    delete v[k];
  }
  for (const k of ["realtime_trigger_latency", "personalised_exposure_share"]) delete v[k];
  for (const k of ["campaign_conversion_uplift", "marketing_automation_share"]) delete v[k];
  for (const k of ["bot_resolution_rate", "genai_adoption"]) delete v[k];
  for (const k of ["realtime_fraud_coverage", "auto_decision_share"]) delete v[k];
  const r = scoreAssessment({ values: v });
  assert.equal(r.dimensions[1].score, null);
  assert.deepEqual(
    [r.overall.score, r.overall.rawScore, r.overall.level],
    [null, null, null],
  );
  assert.deepEqual(r.entryPoints, []);
});

Deno.test("entry points: gain of one 25-point step, top three, weakest indicators with levels", () => {
  const r = scoreAssessment({ values: values("CC2") });
  assert.equal(r.entryPoints.length, 3);
  const first = r.entryPoints[0];
  assert.equal(first.raisedScore, Math.min(100, first.score + 25));
  assert.ok(r.entryPoints.every((e, i) => i === 0 || e.gain <= r.entryPoints[i - 1].gain));
  const maturity = r.entryPoints.flatMap((e) => e.weakestIndicators).find((i) => i.level !== null);
  assert.ok(maturity, "CC2 has a maturity indicator among its weakest");
  assert.equal(maturity.nextLevel, (maturity.level as number) + 1);
  // data_foundation at 75 → 100: gain = 0.4 (digital) × 0.25 × 25 = 2.5
  const df = r.entryPoints.find((e) => e.capabilityId === "data_foundation");
  assert.ok(df && Math.abs(df.gain - 2.5) < 1e-9);
});

Deno.test("strengths and weaknesses are disjoint top and bottom threes", () => {
  const r = scoreAssessment({ values: values("CC2") });
  const scores = r.dimensions.flatMap((d) => d.capabilities).map((c) => c.score as number);
  assert.equal(r.strengths[0].score, Math.max(...scores));
  assert.equal(r.weaknesses[0].score, Math.min(...scores));
  const ids = new Set([...r.strengths, ...r.weaknesses].map((c) => c.id));
  assert.equal(ids.size, 6);
});

Deno.test("scoreAssessment() refuses invalid input with LensInputError", () => {
  assert.throws(
    () => scoreAssessment({ values: { tag_system: 7 } }),
    (e) => e instanceof LensInputError && e.issues[0].code === "MATURITY_OUT_OF_RANGE",
  );
});

/** The score with every indicator's status and stored value dropped (to compare two scores). */
function withoutStatus(score: LensScore) {
  return JSON.parse(
    JSON.stringify(
      score,
      (key, value) => key === "status" || key === "invalidValue" ? undefined : value,
    ),
  );
}

Deno.test("scoreStoredAssessment() equals scoreAssessment() on valid input", () => {
  for (const bank of banks) {
    assert.deepEqual(scoreStoredAssessment({ values: bank.values }), scoreAssessment(bank));
  }
});

Deno.test("scoreStoredAssessment() leaves an out-of-range stored value out, as missing", () => {
  const stored = { ...values("CC2"), digital_sales_share: 150 };
  const missing = { ...values("CC2"), digital_sales_share: null };
  const result = scoreStoredAssessment({ values: stored });
  assert.deepEqual(withoutStatus(result), withoutStatus(scoreAssessment({ values: missing })));
  const flagged = invalidIndicators(result);
  assert.deepEqual(flagged, [
    { id: "digital_sales_share", value: null, score: null, status: "invalid", invalidValue: 150 },
  ]);
  assert.throws(() => scoreAssessment({ values: stored }), LensInputError);
});

Deno.test("scoreStoredAssessment(): an invalid critical value scores 0 and caps the level", () => {
  const stored = { ...values("CC2"), marketing_consent_coverage: -5, data_penalties_24m: 2.5 };
  const result = scoreStoredAssessment({ values: stored });
  const consent = invalidIndicators(result).find((i) => i.id === "marketing_consent_coverage");
  assert.deepEqual(consent, {
    id: "marketing_consent_coverage",
    value: null,
    score: 0,
    status: "invalid",
    invalidValue: -5,
  });
  assert.equal(result.overall.capped, true);
  assert.ok(result.overall.level === null || result.overall.level <= 3);
  // An invalid penalty count is missing: no deduction.
  assert.equal(result.overall.deduction, 0);
});

Deno.test("scoreStoredAssessment() never throws on whatever the stored JSON holds", () => {
  const hostile = {
    values: {
      tag_system: "<script>alert(1)</script>",
      app_mau_penetration: { nested: true },
      journey_coverage: 1e308 * 10,
      "\u0000\ud800": 3,
      C000000001: 6222021234567890123,
    },
    notApplicable: { marketing_consent_coverage: "critical", insight_modeling: "", x: "y" },
  } as unknown as LensInput;
  const result = scoreStoredAssessment(hostile);
  assert.deepEqual(invalidIndicators(result).map((i) => [i.id, i.invalidValue]), [
    ["app_mau_penetration", null],
    ["journey_coverage", null],
    ["tag_system", null],
  ]); // model order
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  const nothing = scoreStoredAssessment(
    { values: null, notApplicable: null } as unknown as LensInput,
  );
  assert.equal(nothing.overall.score, null);
});
