import assert from "node:assert/strict";
import { validateLensInput } from "./input.ts";

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
