import assert from "node:assert/strict";
import { eligibility, matchesTargeting } from "./eligibility.ts";

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
