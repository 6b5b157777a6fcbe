import assert from "node:assert/strict";
import demoBanks from "./demo-banks.json" with { type: "json" };
import { indicatorRange, submissionIssues, validateLensInput } from "./input.ts";
import { INDICATORS } from "./model.ts";

function codes(input: Parameters<typeof validateLensInput>[0]): string[] {
  return validateLensInput(input).map((i) => i.code);
}

Deno.test("validateLensInput() accepts valid values, nulls and justified N/A", () => {
  assert.deepEqual(
    codes({
      values: {
        tag_system: 3,
        churn_rate: 12.5,
        new_digital_customer_growth: -4,
        app_mau_penetration: null,
      },
      notApplicable: { genai_adoption: "Not permitted yet" },
    }),
    [],
  );
  assert.deepEqual(
    codes({ values: { campaign_conversion_uplift: 250, data_penalties_24m: 4 } }),
    [],
  );
});

Deno.test("validateLensInput() names the indicator in every issue", () => {
  const issues = validateLensInput({ values: { nope: 1, tag_system: 0 } });
  assert.deepEqual(issues.map((i) => i.indicatorId), ["nope", "tag_system"]);
  assert.match(issues[0].message, /^Indicator "nope": unknown indicator id$/);
});

Deno.test("validateLensInput() codes each kind of bad value", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ unknown_id: 1 }, "UNKNOWN_INDICATOR"],
    [{ __proto__: null, constructor: 1 }, "UNKNOWN_INDICATOR"],
    [{ churn_rate: NaN }, "VALUE_NOT_NUMBER"],
    [{ churn_rate: Infinity }, "VALUE_NOT_NUMBER"],
    [{ churn_rate: "12" }, "VALUE_NOT_NUMBER"],
    [{ tag_system: 0 }, "MATURITY_OUT_OF_RANGE"],
    [{ tag_system: 6 }, "MATURITY_OUT_OF_RANGE"],
    [{ tag_system: 2.5 }, "MATURITY_OUT_OF_RANGE"],
    [{ churn_rate: -1 }, "VALUE_NEGATIVE"],
    [{ open_api_count: -3 }, "VALUE_NEGATIVE"],
    [{ data_penalties_24m: 1.5 }, "VALUE_NOT_INTEGER"],
  ];
  for (const [values, code] of cases) {
    assert.deepEqual(
      codes({ values: values as Record<string, number> }),
      [code],
      JSON.stringify(values),
    );
  }
});

Deno.test("validateLensInput() codes each kind of bad N/A", () => {
  const cases: [Record<string, string>, string][] = [
    [{ unknown_id: "x" }, "UNKNOWN_INDICATOR"],
    [{ marketing_consent_coverage: "We have none" }, "NA_CRITICAL"],
    [{ churn_rate: "Not tracked" }, "NA_NOT_ALLOWED"],
    [{ tag_system: "  " }, "NA_JUSTIFICATION_EMPTY"],
  ];
  for (const [notApplicable, code] of cases) {
    assert.deepEqual(codes({ values: {}, notApplicable }), [code], JSON.stringify(notApplicable));
  }
  assert.deepEqual(
    codes({ values: { tag_system: 3 }, notApplicable: { tag_system: "Why" } }),
    ["VALUE_AND_NA"],
  );
});

Deno.test("validateLensInput() keeps every value inside the indicator's range", () => {
  const cases: [Record<string, number>, string[]][] = [
    [{ digital_sales_share: 150 }, ["VALUE_OUT_OF_RANGE"]],
    [{ digital_sales_share: 100 }, []],
    [{ digital_sales_share: 0 }, []],
    [{ churn_rate: 100.5 }, ["VALUE_OUT_OF_RANGE"]],
    [{ marketing_consent_coverage: 101 }, ["VALUE_OUT_OF_RANGE"]],
    [{ new_digital_customer_growth: -100 }, []],
    [{ new_digital_customer_growth: -150 }, ["VALUE_OUT_OF_RANGE"]],
    [{ new_digital_customer_growth: 340 }, []],
    [{ campaign_conversion_uplift: -101 }, ["VALUE_OUT_OF_RANGE"]],
    [{ open_api_count: 2.5 }, ["VALUE_NOT_INTEGER"]],
    [{ active_ecosystem_partners: 1e6 }, []],
    [{ products_per_digital_customer: 2.4 }, []],
    [{ marketing_complaint_rate: 100_001 }, ["VALUE_OUT_OF_RANGE"]],
    [{ realtime_trigger_latency: 86_400 * 3 }, []],
    [{ release_lead_time: -0.5 }, ["VALUE_NEGATIVE"]],
  ];
  for (const [values, expected] of cases) {
    assert.deepEqual(codes({ values }), expected, JSON.stringify(values));
  }
  const [issue] = validateLensInput({ values: { digital_sales_share: 150 } });
  assert.deepEqual(issue.params, { value: 150, min: 0, max: 100 });
  assert.match(issue.message, /0–100 %, got 150/);
});

Deno.test("indicatorRange(): every indicator has one, and every demo figure lies in it", () => {
  for (const indicator of INDICATORS) {
    const range = indicatorRange(indicator);
    assert.ok(range.min !== null, `${indicator.id} has a lower bound`);
  }
  for (const bank of demoBanks) {
    const values = Object.fromEntries(
      Object.entries(bank.values).filter((e): e is [string, number] => e[1] !== null),
    );
    assert.deepEqual(validateLensInput({ values }, { submit: true }), [], bank.id);
  }
});

Deno.test("a submission needs every capability scorable; a draft may be partial", () => {
  const one = { values: { app_mau_penetration: 30 } };
  assert.deepEqual(validateLensInput(one), []);
  const issues = validateLensInput(one, { submit: true });
  // 1 of 41 values: 13 of 14 capabilities fall below half their weight; the compliance one is
  // scored under rule 3 because its missing critical indicators count as 0 (a failing score).
  assert.equal(issues.length, 13);
  assert.ok(!issues.some((i) => i.capabilityId === "compliance_trust"));
  assert.ok(issues.every((i) => i.code === "CAPABILITY_INSUFFICIENT"));
  assert.equal(issues[0].capabilityId, "digital_channels");
  assert.equal(issues[0].indicatorId, "digital_sales_share");
  assert.deepEqual(issues[0].params?.missing, ["digital_sales_share", "journey_coverage"]);
  assert.match(issues[0].message, /Capability "digital_channels": too few values/);
  // Half the weight (0.4 + 0.35 of digital_channels) is enough; N/A counts as answered.
  const enough = submissionIssues({ values: { app_mau_penetration: 30, digital_sales_share: 40 } });
  assert.ok(!enough.some((i) => i.capabilityId === "digital_channels"));
});
