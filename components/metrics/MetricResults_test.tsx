import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { MetricComparison, MetricResult } from "../../lib/metrics/analysis.ts";
import { chartOf, GuardrailBlock, LegacyGuardrails, RoleTable } from "./MetricResults.tsx";

function comparison(over: Partial<MetricComparison>): MetricComparison {
  return {
    variant: "coupon",
    absoluteLift: 0.012,
    relativeLift: 0.6,
    ci: [0.006, 0.018],
    relativeCi: [0.3, 0.9],
    ciLevel: 0.95,
    pValue: 0.0004,
    adjustedPValue: 0.0004,
    significant: true,
    better: false,
    worse: true,
    reasons: [],
    ...over,
  };
}

function optOut(over: Partial<MetricResult> = {}): MetricResult {
  return {
    key: "opt_out",
    role: "guardrail",
    kind: "proportion",
    direction: "lower_is_better",
    version: 1,
    name: { "zh-CN": "退订率", en: "Opt-out rate" },
    windowHours: null,
    builtin: true,
    source: "opt_outs",
    event: null,
    aggregate: null,
    cap: null,
    numerator: null,
    denominator: null,
    capValue: null,
    alpha: 0.05,
    correction: "holm",
    sequential: false,
    cuped: null,
    weightedByPeriod: false,
    variants: [
      { name: "control", units: 10_000, mean: 0.02, sd: null, count: 200 },
      { name: "coupon", units: 10_000, mean: 0.032, sd: null, count: 320 },
    ],
    comparisons: [comparison({})],
    breached: true,
    warnings: [],
    computedAt: "2026-11-30T12:00:00.000Z",
    ...over,
  };
}

Deno.test("a breached guardrail says so in words and an icon, not colour alone", () => {
  const zh = renderToString(
    <RoleTable role="guardrail" metrics={[optOut()]} locale="zh-CN" bankId="CC2" />,
  );
  assert.match(zh, /data-verdict="breach"><span aria-hidden="true">✗<\/span> 未通过：显著变差/);
  assert.match(zh, /data-breached="true">✗ 有挑战版本显著变差/);
  assert.match(zh, /data-testid="mean">2\.00%</);
  assert.match(zh, /\+1\.2 个百分点/);
  const en = renderToString(
    <RoleTable role="guardrail" metrics={[optOut()]} locale="en" bankId="CC2" />,
  );
  assert.match(en, /✗<\/span> Breach: significantly worse/);
  assert.match(en, /<a href="\/metrics\/opt_out\?bank=CC2">Opt-out rate<\/a>/);
  assert.match(en, /&lt; 0\.001/);
  const pass = renderToString(
    <RoleTable
      role="guardrail"
      metrics={[
        optOut({
          breached: false,
          comparisons: [comparison({ worse: false, significant: false })],
        }),
      ]}
      locale="en"
      bankId="CC2"
    />,
  );
  assert.match(pass, /data-verdict="pass"><span aria-hidden="true">✓<\/span> Pass/);
});

Deno.test("GUARDRAIL_WORSE is explained with the metric, the arms and the direction", () => {
  const zh = renderToString(<GuardrailBlock metrics={[optOut()]} locale="zh-CN" />);
  assert.match(
    zh,
    /护栏指标“退订率”在 coupon 上显著变差（越低越好），因此不建议上线这些版本（GUARDRAIL_WORSE）/,
  );
  const en = renderToString(<GuardrailBlock metrics={[optOut()]} locale="en" />);
  assert.match(
    en,
    /Guardrail &quot;Opt-out rate&quot; is significantly worse for coupon \(Lower is better\)/,
  );
  assert.equal(
    renderToString(<GuardrailBlock metrics={[optOut({ breached: false })]} locale="en" />),
    "",
  );
});

Deno.test("old free-text guardrails are listed as not measured, with a way to define them", () => {
  const html = renderToString(<LegacyGuardrails names={["退订率"]} locale="zh-CN" bankId="CC2" />);
  assert.match(html, /<strong>退订率<\/strong> — 未计算 — 请在指标库中定义/);
  assert.match(html, /href="\/metrics\/new\?bank=CC2"/);
});

Deno.test("a metric's chart shows relative lifts, else differences, and skips rows without one", () => {
  assert.deepEqual(chartOf(optOut()), {
    relative: true,
    rows: [{ variant: "coupon", estimate: 0.6, lo: 0.3, hi: 0.9, tone: "worse" }],
  });
  const noBaseline = optOut({
    comparisons: [
      comparison({ relativeLift: null, relativeCi: null, worse: false }),
      comparison({
        variant: "b",
        absoluteLift: null,
        ci: null,
        relativeLift: null,
        relativeCi: null,
      }),
    ],
  });
  assert.deepEqual(chartOf(noBaseline), {
    relative: false,
    rows: [{ variant: "coupon", estimate: 0.012, lo: 0.006, hi: 0.018, tone: "neutral" }],
  });
});

Deno.test("a metric the library no longer has is shown as not measured", () => {
  const html = renderToString(
    <RoleTable
      role="secondary"
      metrics={[
        optOut({ role: "secondary", warnings: ["NOT_MEASURED"], variants: [], comparisons: [] }),
      ]}
      locale="en"
      bankId="CC2"
    />,
  );
  assert.match(html, /data-not-measured="true"/);
  assert.match(html, /Not measured: the library has no definition for this metric/);
});

Deno.test("a guardrail still computing says so and shows no pass badge", () => {
  for (const [locale, words] of [["zh-CN", /计算中/], ["en", /Computing: this metric/]] as const) {
    const html = renderToString(
      <RoleTable
        role="guardrail"
        metrics={[optOut({
          warnings: ["COMPUTING"],
          variants: [],
          comparisons: [],
          breached: false,
        })]}
        locale={locale}
        bankId="CC2"
      />,
    );
    assert.match(html, /data-computing="true"/);
    assert.match(html, words);
    assert.doesNotMatch(html, /data-testid="guardrail-status"/, "not checked yet: no ✓");
    assert.doesNotMatch(html, /data-warning="COMPUTING"/);
  }
  // A guardrail not in the library is not shown as passing either.
  const gone = renderToString(
    <RoleTable
      role="guardrail"
      metrics={[
        optOut({ warnings: ["NOT_MEASURED"], variants: [], comparisons: [], breached: false }),
      ]}
      locale="en"
      bankId="CC2"
    />,
  );
  assert.doesNotMatch(gone, /data-testid="guardrail-status"/);
});
