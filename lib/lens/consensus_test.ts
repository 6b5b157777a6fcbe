import assert from "node:assert/strict";
import { type AssessorDraft, consensusOf, medianOf, reconcile, valueLevel } from "./consensus.ts";
import { indicatorById } from "./model.ts";

function draft(
  assessorId: string,
  values: Record<string, number>,
  more: Partial<AssessorDraft> = {},
) {
  return { assessorId, values, notApplicable: {}, notes: {}, evidence: {}, ...more };
}

const of = (drafts: AssessorDraft[], id: string) => consensusOf(drafts).find((c) => c.id === id)!;

Deno.test("medianOf() takes the mean of the two middle values for an even count", () => {
  assert.equal(medianOf([]), null);
  assert.equal(medianOf([-3]), -3);
  assert.equal(medianOf([40, 10]), 25);
  assert.equal(medianOf([5, 1, 4, 2]), 3);
  assert.equal(medianOf([-12.5, 7, -2, 30, 1, 0]), 0.5);
});

Deno.test("consensusOf() proposes the median; a maturity level's even median is rounded down", () => {
  const drafts = [
    draft("a1", { tag_system: 2, app_mau_penetration: 10 }),
    draft("a2", { tag_system: 3, app_mau_penetration: 21 }),
  ];
  const tag = of(drafts, "tag_system");
  assert.equal(tag.median, 2.5);
  assert.equal(tag.proposed, 2);
  const mau = of(drafts, "app_mau_penetration");
  assert.equal(mau.median, 15.5);
  assert.equal(mau.proposed, 15.5);
  const four = of([
    draft("a", { tag_system: 1 }),
    draft("b", { tag_system: 5 }),
    draft("c", { tag_system: 2 }),
    draft("d", { tag_system: 4 }),
  ], "tag_system");
  assert.equal(four.median, 3);
  assert.equal(four.proposed, 3);
  assert.deepEqual(of(drafts, "churn_rate").median, null);
});

Deno.test("consensusOf() flags a disagreement only above one level (maturity levels)", () => {
  const oneApart = of([draft("a", { tag_system: 2 }), draft("b", { tag_system: 3 })], "tag_system");
  assert.deepEqual(oneApart.levels, { min: 2, max: 3 });
  assert.equal(oneApart.disagree, false);
  const twoApart = of([
    draft("a", { tag_system: 2 }),
    draft("b", { tag_system: 3 }),
    draft("c", { tag_system: 4 }),
  ], "tag_system");
  assert.equal(twoApart.disagree, true);
  const single = of([draft("a", { tag_system: 1 }), draft("b", {})], "tag_system");
  assert.equal(single.disagree, false);
});

Deno.test("consensusOf() levels metrics by their band, exactly at the level bounds", () => {
  // app_mau_penetration: floor 5 %, target 40 % → 12 % scores 20 (level 2), 26 % scores 60 (4).
  const mau = indicatorById("app_mau_penetration")!;
  assert.equal(valueLevel(mau, 12), 2);
  assert.equal(valueLevel(mau, 11.99), 1);
  assert.equal(valueLevel(mau, 25.99), 3);
  assert.equal(valueLevel(mau, 26), 4);
  assert.equal(
    of(
      [draft("a", { app_mau_penetration: 12 }), draft("b", { app_mau_penetration: 25.99 })],
      "app_mau_penetration",
    ).disagree,
    false,
  );
  assert.equal(
    of(
      [draft("a", { app_mau_penetration: 12 }), draft("b", { app_mau_penetration: 26 })],
      "app_mau_penetration",
    ).disagree,
    true,
  );
  assert.equal(
    of(
      [draft("a", { app_mau_penetration: 11.99 }), draft("b", { app_mau_penetration: 25.99 })],
      "app_mau_penetration",
    ).disagree,
    true,
  );
  // churn_rate is lower-is-better (floor 30 %, target 5 %): 25 % is level 2, 15 % level 4.
  const churn = of([draft("a", { churn_rate: 25 }), draft("b", { churn_rate: 15 })], "churn_rate");
  assert.deepEqual(churn.levels, { min: 2, max: 4 });
  assert.equal(churn.disagree, true);
  assert.equal(
    of([draft("a", { churn_rate: 25 }), draft("b", { churn_rate: 20 })], "churn_rate").disagree,
    false,
  );
});

Deno.test("reconcile() takes the median by default, or the chosen assessor's entry with its evidence", () => {
  const drafts = [
    draft("a1", { tag_system: 2, churn_rate: 12.5 }, {
      notes: { churn_rate: "年报第 12 页" },
      evidence: { churn_rate: { source: "verified", link: "https://bank.example/ar2025.pdf" } },
    }),
    draft("a2", { tag_system: 4, churn_rate: 18 }, {
      notApplicable: { lifecycle_ops: "外包给供应商" },
    }),
    draft("a3", { churn_rate: 12.5 }, { evidence: { churn_rate: { source: "verified" } } }),
  ];
  const { result, issues } = reconcile(drafts);
  assert.deepEqual(issues, []);
  assert.equal(result.values.tag_system, 3);
  assert.equal(result.values.churn_rate, 12.5);
  assert.deepEqual(result.evidence.churn_rate, {
    source: "verified",
    link: "https://bank.example/ar2025.pdf",
  });
  assert.equal(result.notes.churn_rate, "年报第 12 页");
  assert.equal(result.evidence.tag_system, undefined);
  assert.deepEqual(result.notApplicable, { lifecycle_ops: "外包给供应商" });
  const chosen = reconcile(drafts, { churn_rate: "a2", tag_system: "a3" }).result;
  assert.equal(chosen.values.churn_rate, 18);
  assert.equal(chosen.evidence.churn_rate, undefined);
  assert.equal(Object.hasOwn(chosen.values, "tag_system"), false);
  assert.deepEqual(chosen.chosen.churn_rate, "a2");
});

Deno.test("reconcile() keeps a source only where the values it rests on agree", () => {
  const drafts = [
    draft("a1", { churn_rate: 10 }, { evidence: { churn_rate: { source: "verified" } } }),
    draft("a2", { churn_rate: 20 }),
  ];
  const { result } = reconcile(drafts);
  assert.equal(result.values.churn_rate, 15);
  assert.equal(result.evidence.churn_rate, undefined);
});

Deno.test("reconcile() refuses unknown indicators and assessors without a draft", () => {
  const { issues } = reconcile([draft("a1", { tag_system: 2 })], {
    tag_system: "nobody",
    constructor: "median",
  });
  assert.deepEqual(issues.map((i) => i.code).sort(), ["UNKNOWN_ASSESSOR", "UNKNOWN_INDICATOR"]);
});
