import assert from "node:assert/strict";
import { appliedTargeting, eligibility, matchesTargeting, stagesOutside } from "./eligibility.ts";

const customer = { attributes: { stage: "new", tags: ["payroll"] }, marketingConsent: true };

Deno.test("eligibility() checks running, then opt-out and consent, then targeting", () => {
  const running = { status: "running", targeting: { stages: ["new"] } };
  assert.equal(
    eligibility({ ...running, status: "stopped" }, { ...customer, optedOut: true }),
    "not_running",
  );
  assert.equal(eligibility(running, { ...customer, optedOut: true }), "opted_out");
  assert.equal(
    eligibility(running, { ...customer, optedOut: false, marketingConsent: false }),
    "opted_out",
  );
  const other = { attributes: { stage: "active" }, marketingConsent: true, optedOut: true };
  assert.equal(eligibility(running, other), "opted_out"); // opt-out wins over targeting
  assert.equal(eligibility(running, { ...other, optedOut: false }), "not_targeted");
  assert.equal(eligibility(running, { ...customer, optedOut: false }), "assigned");
});

Deno.test("matchesTargeting() needs a listed stage and any one listed tag", () => {
  assert.equal(matchesTargeting({}, null), true);
  assert.equal(matchesTargeting({ stages: [], tags: [] }, null), true);
  assert.equal(matchesTargeting({ stages: ["new"] }, null), false);
  assert.equal(matchesTargeting({ stages: ["new"] }, {}), false);
  assert.equal(matchesTargeting({ stages: ["new", "active"] }, { stage: "active" }), true);
  assert.equal(matchesTargeting({ tags: ["a", "b"] }, { tags: ["b"] }), true);
  assert.equal(matchesTargeting({ tags: ["a"] }, { tags: ["b"] }), false);
  assert.equal(matchesTargeting({ stages: ["new"], tags: ["a"] }, { stage: "new" }), false);
  assert.equal(
    matchesTargeting({ stages: ["new"], tags: ["a"] }, { stage: "new", tags: ["a"] }),
    true,
  );
});

Deno.test("eligibility() applies the campaign's segment: an experiment may only narrow it", () => {
  const segment = { stages: ["active"], tags: ["信用卡"] };
  const running = { status: "running", targeting: {}, segment };
  const consenting = { marketingConsent: true, optedOut: false };
  // A customer the bank sent no attributes for is outside a campaign for active card holders.
  assert.equal(eligibility(running, { ...consenting, attributes: null }), "not_targeted");
  assert.equal(
    eligibility(running, { ...consenting, attributes: { stage: "new", tags: ["信用卡"] } }),
    "not_targeted",
  );
  const holder = { ...consenting, attributes: { stage: "active", tags: ["信用卡", "代发"] } };
  assert.equal(eligibility(running, holder), "assigned");
  // Narrowed: both must match (the intersection), so the experiment never widens the segment.
  const narrowed = { ...running, targeting: { tags: ["代发"] } };
  assert.equal(eligibility(narrowed, holder), "assigned");
  assert.equal(
    eligibility(narrowed, { ...consenting, attributes: { stage: "active", tags: ["代发"] } }),
    "not_targeted",
  );
  const wider = { ...running, targeting: { stages: ["active", "new"] } };
  assert.equal(
    eligibility(wider, { ...consenting, attributes: { stage: "new", tags: ["信用卡"] } }),
    "not_targeted",
  );
  // Without a segment the experiment's own targeting applies alone.
  assert.equal(
    eligibility({ status: "running", targeting: {}, segment: {} }, {
      ...consenting,
      attributes: null,
    }),
    "assigned",
  );
});

Deno.test("appliedTargeting() says whose targeting applies; stagesOutside() names widening stages", () => {
  const segment = { stages: ["active"], tags: ["信用卡"] };
  assert.equal(appliedTargeting(null, {}).source, "everyone");
  assert.equal(appliedTargeting({}, { stages: [], tags: [] }).source, "everyone");
  assert.equal(appliedTargeting(segment, {}).source, "campaign");
  assert.equal(appliedTargeting(null, { tags: ["vip"] }).source, "experiment");
  assert.deepEqual(appliedTargeting(segment, { tags: ["代发"] }), {
    source: "narrowed",
    segment,
    own: { tags: ["代发"] },
  });
  assert.deepEqual(stagesOutside(segment, { stages: ["active", "new"] }), ["new"]);
  assert.deepEqual(stagesOutside({ tags: ["x"] }, { stages: ["new"] }), []);
  assert.deepEqual(stagesOutside(null, { stages: ["new"] }), []);
});
