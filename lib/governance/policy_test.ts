import assert from "node:assert/strict";
import {
  capsFor,
  exceedsCap,
  holdoutBucket,
  inHoldout,
  inLayerRange,
  layerBucket,
  type LedgerContact,
  NO_POLICY,
  quietUntil,
  rangesOverlap,
} from "./policy.ts";
import { preDecision, settle } from "./decide.ts";
import { bucketOf } from "../experiments/assignment.ts";

const at = (iso: string) => new Date(iso);

Deno.test("quiet hours across midnight in Asia/Shanghai end at the next 08:00 local time", () => {
  const quiet = {
    start: "21:00",
    end: "08:00",
    timeZone: "Asia/Shanghai",
    channels: ["sms" as const, "outbound_call" as const],
  };
  // 2026-12-01 22:30 Beijing = 14:30 UTC: quiet until 2026-12-02 08:00 Beijing = 00:00 UTC.
  assert.equal(
    quietUntil(quiet, "sms", at("2026-12-01T14:30:00Z"))?.toISOString(),
    "2026-12-02T00:00:00.000Z",
  );
  // 07:59 Beijing: still quiet, until 08:00 the same day.
  assert.equal(
    quietUntil(quiet, "sms", at("2026-12-01T23:59:00Z"))?.toISOString(),
    "2026-12-02T00:00:00.000Z",
  );
  // 08:00 exactly and 20:59 are not quiet; 21:00 is.
  assert.equal(quietUntil(quiet, "sms", at("2026-12-02T00:00:00Z")), null);
  assert.equal(quietUntil(quiet, "sms", at("2026-12-02T12:59:00Z")), null);
  assert.ok(quietUntil(quiet, "sms", at("2026-12-02T13:00:00Z")));
  // Channels not listed, and experiments without a campaign, are never quiet.
  assert.equal(quietUntil(quiet, "app_push", at("2026-12-01T14:30:00Z")), null);
  assert.equal(quietUntil(quiet, null, at("2026-12-01T14:30:00Z")), null);
});

Deno.test("quiet hours within one day, in a zone with summer time", () => {
  const quiet = {
    start: "12:00",
    end: "14:00",
    timeZone: "Europe/London",
    channels: ["sms" as const],
  };
  // 13:00 London in July is 12:00 UTC (BST); the end is 13:00 UTC.
  assert.equal(
    quietUntil(quiet, "sms", at("2026-07-01T12:00:00Z"))?.toISOString(),
    "2026-07-01T13:00:00.000Z",
  );
  assert.equal(quietUntil(quiet, "sms", at("2026-07-01T13:00:00Z")), null);
});

Deno.test("caps count other experiments' contacts within the window, per channel or all", () => {
  const now = at("2026-12-01T00:00:00Z");
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const contacts: LedgerContact[] = [
    { experimentId: "e1", channel: "sms", at: hoursAgo(1) },
    { experimentId: "e2", channel: "app_push", at: hoursAgo(100) },
    { experimentId: "e3", channel: "sms", at: hoursAgo(200) }, // outside a 168-hour window
  ];
  const weekly = [{ channel: "sms" as const, max: 2, windowHours: 168 }];
  assert.equal(exceedsCap(weekly, contacts, "e9", now), false); // one SMS in the week
  assert.equal(
    exceedsCap(
      weekly,
      [...contacts, { experimentId: "e4", channel: "sms", at: hoursAgo(5) }],
      "e9",
      now,
    ),
    true,
  );
  // The experiment's own contact is the same contact asked again.
  assert.equal(
    exceedsCap(
      weekly,
      [...contacts, { experimentId: "e9", channel: "sms", at: hoursAgo(5) }],
      "e9",
      now,
    ),
    false,
  );
  const all = [{ channel: "*" as const, max: 2, windowHours: 168 }];
  assert.equal(exceedsCap(all, contacts, "e9", now), true); // sms + app_push in the week
  const policy = { ...NO_POLICY, caps: [...weekly, ...all] };
  assert.deepEqual(capsFor(policy, "in_app_banner"), []); // a banner is not a contact
  assert.equal(capsFor(policy, "sms").length, 2);
  assert.deepEqual(capsFor(policy, null), []);
});

Deno.test("holdout and layer buckets are stable, shrink only, and ranges split customers", () => {
  const units = Array.from({ length: 20_000 }, (_, i) => String(6222020000000000 + i));
  const five = units.filter((u) => inHoldout({ percent: 5, salt: "s1", startedAt: "" }, u));
  const two = units.filter((u) => inHoldout({ percent: 2, salt: "s1", startedAt: "" }, u));
  assert.ok(Math.abs(five.length / units.length - 0.05) < 0.006, `${five.length}`);
  assert.ok(two.every((u) => five.includes(u))); // lowering the percent only moves customers out
  assert.equal(holdoutBucket("s1", "C001"), holdoutBucket("s1", "C001"));
  assert.notEqual(holdoutBucket("s1", "C001"), holdoutBucket("s2", "C001"));
  const a = { key: "sms-main", range: [0, 0.3] as const };
  const b = { key: "sms-main", range: [0.3, 1] as const };
  for (const u of units) assert.notEqual(inLayerRange(a, u), inLayerRange(b, u));
  assert.equal(rangesOverlap([0, 0.3], [0.3, 1]), false);
  assert.equal(rangesOverlap([0, 0.31], [0.3, 1]), true);
});

Deno.test("the reasons come in their order: forced skips holdout, caps precede quiet hours", () => {
  const consenting = { attributes: null, marketingConsent: true, optedOut: false };
  const now = at("2026-12-01T14:30:00Z"); // 22:30 in Beijing
  const experiment = {
    status: "running",
    targeting: { stages: ["active"] },
    channel: "sms",
    layer: null,
    forced: new Map([["QA001", "coupon"]]),
    policy: {
      caps: [{ channel: "sms" as const, max: 1, windowHours: 24 }],
      quietHours: {
        start: "21:00",
        end: "08:00",
        timeZone: "Asia/Shanghai",
        channels: ["sms" as const],
      },
      holdout: { percent: 100, salt: "x", startedAt: "" },
    },
  };
  const options = { now, contact: true };
  assert.deepEqual(preDecision(experiment, "QA001", consenting, options), {
    reason: "forced",
    variant: "coupon",
  });
  assert.deepEqual(
    preDecision(experiment, "QA001", { ...consenting, optedOut: true }, options),
    { reason: "opted_out" },
  );
  assert.deepEqual(preDecision(experiment, "C1", consenting, options), { reason: "holdout" });
  const open = { ...experiment, policy: { ...experiment.policy, holdout: null } };
  assert.deepEqual(preDecision(open, "C1", consenting, options), { reason: "not_targeted" });
  const active = { ...consenting, attributes: { stage: "active" } };
  const pre = preDecision(open, "C1", active, options);
  assert.equal(pre.reason, "eligible");
  if (pre.reason !== "eligible") return;
  assert.equal(pre.checkCaps, true);
  assert.equal(pre.quietUntil?.toISOString(), "2026-12-02T00:00:00.000Z");
  assert.equal(settle(pre, true), "frequency_capped");
  assert.equal(settle(pre, false), "quiet_hours");
  assert.equal(settle({ quietUntil: null }, false), "assigned");
  // Event ingestion reports facts: no caps, no quiet hours.
  assert.deepEqual(preDecision(open, "C1", active, { now, contact: false }), {
    reason: "eligible",
    checkCaps: false,
    quietUntil: null,
  });
  const layered = { ...open, layer: { key: "sms-main", range: [0, 0] as const } };
  assert.deepEqual(preDecision(layered, "C1", active, options), { reason: "layer_excluded" });
});

Deno.test("holdout and layer buckets equal the experiments' v2 hash of their prefixed unit", () => {
  for (const unit of ["6222020000000001", "13800138000", "客户甲", "C-001", ""]) {
    assert.equal(holdoutBucket("s1", unit), bucketOf("holdout/s1", unit, 2));
    assert.equal(layerBucket("sms-main", unit), bucketOf("layer/sms-main", unit, 2));
  }
});
