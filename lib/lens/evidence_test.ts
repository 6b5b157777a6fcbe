import assert from "node:assert/strict";
import demoBanks from "./demo-banks.json" with { type: "json" };
import {
  compactEvidence,
  confidenceShares,
  evidenceIssues,
  indicatorWeightShares,
  linkProblem,
  sourceOf,
  type ValueEvidence,
} from "./evidence.ts";
import { scoreAssessment } from "./scoring.ts";

function assertAlmostEquals(actual: number, expected: number, tolerance: number) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not ${expected} ± ${tolerance}`,
  );
}

const CC2 = Object.fromEntries(
  Object.entries(demoBanks.find((b) => b.id === "CC2")!.values)
    .filter((e): e is [string, number] => e[1] !== null),
);

Deno.test("linkProblem() accepts absolute http(s) URLs only", () => {
  assert.equal(linkProblem("https://bank.example/年报/2025.pdf"), null);
  assert.equal(linkProblem("http://10.1.2.3:8080/evidence?id=-5"), null);
  assert.equal(linkProblem("javascript:alert(1)"), "LINK_NOT_HTTP");
  assert.equal(linkProblem("ftp://files.bank.example/a.xlsx"), "LINK_NOT_HTTP");
  assert.equal(linkProblem("file:///etc/passwd"), "LINK_NOT_HTTP");
  assert.equal(linkProblem("data:text/html,<b>x</b>"), "LINK_NOT_HTTP");
  assert.equal(linkProblem("/reports/2025.pdf"), "LINK_INVALID");
  assert.equal(linkProblem("www.bank.example"), "LINK_INVALID");
  assert.equal(linkProblem("https://"), "LINK_INVALID");
  assert.equal(linkProblem("https://bank.example/a b"), "LINK_INVALID");
  assert.equal(linkProblem(`https://bank.example/${"x".repeat(2000)}`), "LINK_TOO_LONG");
});

Deno.test("sourceOf() reads a missing or unknown source as self_reported", () => {
  assert.equal(sourceOf(undefined, "tag_system"), "self_reported");
  assert.equal(sourceOf({ tag_system: { source: "verified" } }, "tag_system"), "verified");
  const odd = { tag_system: { source: "guessed" } } as unknown as Record<string, ValueEvidence>;
  assert.equal(sourceOf(odd, "tag_system"), "self_reported");
  assert.equal(sourceOf({}, "constructor"), "self_reported");
});

Deno.test("evidenceIssues() checks links, who verifies and measured figures", () => {
  const values = { tag_system: 3, ab_test_share: 33.33, churn_rate: 12 };
  const context = { mayVerify: false, measured: { ab_test_share: 100 / 3 } };
  const codes = (evidence: Record<string, ValueEvidence>, ctx = context) =>
    evidenceIssues(values, evidence, ctx).map((i) => i.code);
  assert.deepEqual(codes({ tag_system: { source: "verified" } }), ["VERIFY_FORBIDDEN"]);
  assert.deepEqual(
    codes({ tag_system: { source: "verified" } }, { ...context, mayVerify: true }),
    [],
  );
  assert.deepEqual(codes({ ab_test_share: { source: "measured" } }), []);
  assert.deepEqual(codes({ churn_rate: { source: "measured" } }), ["MEASURED_NOT_AVAILABLE"]);
  assert.deepEqual(
    codes({ ab_test_share: { source: "measured" } }, {
      ...context,
      measured: { ab_test_share: 40 },
    }),
    ["MEASURED_MISMATCH"],
  );
  assert.deepEqual(codes({ app_mau_penetration: { source: "measured" } }), [
    "SOURCE_WITHOUT_VALUE",
  ]);
  assert.deepEqual(codes({ churn_rate: { source: "self_reported", link: "javascript:x" } }), [
    "LINK_NOT_HTTP",
  ]);
});

Deno.test("compactEvidence() drops entries that say nothing", () => {
  assert.deepEqual(
    compactEvidence({
      tag_system: { source: "self_reported" },
      churn_rate: { source: "self_reported", link: "https://a.example/" },
      ab_test_share: { source: "measured" },
    }),
    {
      churn_rate: { source: "self_reported", link: "https://a.example/" },
      ab_test_share: { source: "measured" },
    },
  );
});

Deno.test("indicatorWeightShares() multiplies renormalised weights and sums to 1", () => {
  const shares = indicatorWeightShares(scoreAssessment({ values: CC2 }));
  assertAlmostEquals([...shares.values()].reduce((a, b) => a + b, 0), 1, 1e-12);
  // digital 0.4 × data_foundation 0.25 × tag_system 0.35
  assertAlmostEquals(shares.get("tag_system")!, 0.4 * 0.25 * 0.35, 1e-12);
  // tag_system N/A: unified_customer_view's weight becomes 0.4 / (0.4 + 0.25).
  const { tag_system: _, ...rest } = CC2;
  const na = indicatorWeightShares(
    scoreAssessment({ values: rest, notApplicable: { tag_system: "外包" } }),
  );
  assert.equal(na.has("tag_system"), false);
  assertAlmostEquals(na.get("unified_customer_view")!, 0.4 * 0.25 * 0.4 / 0.65, 1e-12);
});

Deno.test("confidenceShares() adds the weight of verified and of measured values", () => {
  const score = scoreAssessment({ values: CC2 });
  const shares = confidenceShares(score, {
    tag_system: { source: "verified" },
    ab_test_share: { source: "measured" },
    churn_rate: { source: "self_reported", link: "https://a.example/" },
  })!;
  assertAlmostEquals(shares.verified, 0.4 * 0.25 * 0.35, 1e-12);
  assertAlmostEquals(shares.measured, 0.35 * 0.15 * 0.5, 1e-12);
  assertAlmostEquals(shares.checked, shares.verified + shares.measured, 1e-12);
  assert.deepEqual(confidenceShares(score, {}), { verified: 0, measured: 0, checked: 0 });
  assert.equal(confidenceShares(scoreAssessment({ values: { tag_system: 3 } }), {}), null);
});
