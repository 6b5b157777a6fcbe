import assert from "node:assert/strict";
import { capReach, pressure, type ReplayContact, replayPolicy, spreadOf } from "./replay.ts";
import {
  asPolicyInput,
  nextHoldout,
  policyInputSchema,
  policyProblemOf,
} from "./contact_policy.ts";

const at = (iso: string) => new Date(iso);
const contact = (
  unit: string,
  experimentId: string,
  channel: string,
  iso: string,
  campaignId: string | null = `camp-${experimentId}`,
): ReplayContact => ({ unit, experimentId, channel, at: at(iso), campaignId });

// Beijing afternoon (06:00 UTC = 14:00 +08:00), outside 21:00–08:00 quiet hours.
const DAY = (d: number, hour = 6) =>
  `2026-11-${String(d).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00Z`;

Deno.test("replay: a 2-per-week SMS cap keeps the first two contacts of each week", () => {
  const contacts = [
    contact("100001", "e1", "sms", DAY(2)),
    contact("100001", "e2", "sms", DAY(3)),
    contact("100001", "e3", "sms", DAY(4)), // third within 168 h: capped
    contact("100001", "e4", "sms", DAY(10)), // 2 Nov fell out of the window on 9 Nov: kept
    contact("100002", "e1", "sms", DAY(2)),
  ];
  const result = replayPolicy(
    { caps: [{ channel: "sms", max: 2, windowHours: 168 }], quietHours: null },
    contacts,
  );
  assert.deepEqual(result.total, { contacts: 5, capped: 1, quiet: 0, kept: 4 });
  assert.equal(result.customers, 2);
  assert.deepEqual(result.byChannel, [{
    channel: "sms",
    contacts: 5,
    capped: 1,
    quiet: 0,
    kept: 4,
  }]);
  const e3 = result.byCampaign.find((c) => c.campaignId === "camp-e3")!;
  assert.equal(e3.capped, 1);
});

Deno.test("replay: a capped contact does not count against later ones (the ledger never kept it)", () => {
  const contacts = [
    contact("200001", "e1", "sms", DAY(1)),
    contact("200001", "e2", "sms", DAY(2)), // capped (max 1 in 72 h)
    contact("200001", "e3", "sms", DAY(4, 7)), // 1 Nov 06:00 + 72 h = 4 Nov 06:00: out of window → kept
  ];
  const result = replayPolicy(
    { caps: [{ channel: "sms", max: 1, windowHours: 72 }], quietHours: null },
    contacts,
  );
  assert.deepEqual(result.total, { contacts: 3, capped: 1, quiet: 0, kept: 2 });
});

Deno.test("replay: `*` counts every contact channel but never an in-app banner", () => {
  const contacts = [
    contact("300001", "e1", "sms", DAY(5)),
    contact("300001", "e2", "app_push", DAY(5, 7)),
    contact("300001", "b1", "in_app_banner", DAY(5, 8)),
    contact("300001", "e3", "wechat", DAY(5, 9)), // third contact within a day: capped
  ];
  const result = replayPolicy(
    { caps: [{ channel: "*", max: 2, windowHours: 24 }], quietHours: null },
    contacts,
  );
  assert.deepEqual(result.total, { contacts: 3, capped: 1, quiet: 0, kept: 2 });
  assert.ok(!result.byChannel.some((c) => c.channel === "in_app_banner"));
  assert.equal(result.byChannel.find((c) => c.channel === "wechat")!.capped, 1);
});

Deno.test("replay: quiet hours across midnight in Asia/Shanghai; capped comes before quiet", () => {
  const quietHours = {
    start: "21:00",
    end: "08:00",
    timeZone: "Asia/Shanghai",
    channels: ["sms" as const],
  };
  const contacts = [
    contact("400001", "e1", "sms", "2026-11-05T13:30:00Z"), // 21:30 Beijing: quiet
    contact("400001", "e2", "sms", "2026-11-05T23:59:00Z"), // 07:59 Beijing: quiet
    contact("400001", "e3", "sms", "2026-11-06T00:00:00Z"), // 08:00 Beijing: kept
    contact("400001", "e4", "app_push", "2026-11-05T14:00:00Z"), // not a quiet channel: kept
    contact("400001", "e5", "sms", "2026-11-06T14:00:00Z"), // 22:00, and over the cap: capped
  ];
  const result = replayPolicy(
    { caps: [{ channel: "sms", max: 1, windowHours: 48 }], quietHours },
    contacts,
  );
  assert.deepEqual(result.total, { contacts: 5, capped: 1, quiet: 2, kept: 2 });
  assert.deepEqual(result.byChannel.find((c) => c.channel === "sms"), {
    channel: "sms",
    contacts: 4,
    capped: 1,
    quiet: 2,
    kept: 1,
  });
});

Deno.test("replay: contacts before the period count against its first contacts", () => {
  const history = [contact("500001", "old", "sms", "2026-10-31T06:00:00Z")];
  const result = replayPolicy(
    { caps: [{ channel: "sms", max: 1, windowHours: 168 }], quietHours: null },
    [contact("500001", "e1", "sms", DAY(2))],
    history,
  );
  assert.deepEqual(result.total, { contacts: 1, capped: 1, quiet: 0, kept: 0 });
});

Deno.test("replay: no policy caps nothing", () => {
  const result = replayPolicy({ caps: [], quietHours: null }, [
    contact("600001", "e1", "sms", DAY(1)),
    contact("600001", "e2", "sms", DAY(1, 7)),
  ]);
  assert.deepEqual(result.total, { contacts: 2, capped: 0, quiet: 0, kept: 2 });
});

Deno.test("spread: nearest-rank median and p90, mean and max", () => {
  // 10 customers: 1,1,1,1,1,2,2,3,4,9
  const s = spreadOf([9, 1, 1, 2, 1, 3, 1, 2, 4, 1]);
  assert.deepEqual(s, { customers: 10, contacts: 25, mean: 2.5, median: 1, p90: 4, max: 9 });
  assert.deepEqual(spreadOf([]), { customers: 0, contacts: 0, mean: 0, median: 0, p90: 0, max: 0 });
});

Deno.test("pressure: per channel over 7 and 30 days; cap reach now", () => {
  const now = at("2026-11-30T12:00:00Z");
  const contacts = [
    contact("700001", "e1", "sms", "2026-11-29T06:00:00Z"),
    contact("700001", "e2", "sms", "2026-11-28T06:00:00Z"),
    contact("700001", "e3", "sms", "2026-11-10T06:00:00Z"), // in 30 days only
    contact("700002", "e1", "sms", "2026-11-29T06:00:00Z"),
    contact("700002", "e4", "app_push", "2026-11-29T07:00:00Z"),
    contact("700003", "e5", "in_app_banner", "2026-11-29T07:00:00Z"), // not a contact
    contact("700004", "e1", "sms", "2026-10-01T06:00:00Z"), // older than 30 days
  ];
  const rows = pressure(contacts, now);
  const sms = rows.find((r) => r.channel === "sms")!;
  assert.equal(sms.days7.customers, 2);
  assert.equal(sms.days7.max, 2);
  assert.equal(sms.days30.max, 3);
  assert.equal(sms.days30.mean, 2);
  const all = rows.find((r) => r.channel === "*")!;
  assert.equal(all.days30.customers, 2);
  assert.equal(all.days30.contacts, 5);
  assert.ok(!rows.some((r) => r.channel === "in_app_banner"));
  const [reach] = capReach([{ channel: "sms", max: 2, windowHours: 168 }], contacts, now);
  assert.deepEqual({ customers: reach.customers, atCap: reach.atCap }, { customers: 2, atCap: 1 });
});

const good = {
  caps: [{ channel: "sms", max: 2, windowHours: 168 }, { channel: "*", max: 5, windowHours: 168 }],
  quietHours: { start: "21:00", end: "08:00", timeZone: "Asia/Shanghai", channels: ["sms"] },
  holdout: { percent: 5 },
};

function problemOf(body: unknown) {
  const parsed = policyInputSchema.safeParse(body);
  assert.ok(!parsed.success, JSON.stringify(body));
  return policyProblemOf(parsed.error);
}

Deno.test("policy input: a good body parses; each broken rule has its code", () => {
  const parsed = policyInputSchema.parse(good);
  assert.equal(asPolicyInput(parsed).caps.length, 2);
  const withQuiet = (patch: object) => ({ ...good, quietHours: { ...good.quietHours, ...patch } });
  assert.equal(problemOf(withQuiet({ start: "24:00" }))?.code, "INVALID_TIME");
  assert.equal(problemOf(withQuiet({ end: "8:00" }))?.code, "INVALID_TIME");
  assert.equal(problemOf(withQuiet({ timeZone: "Asia/Beijing" }))?.code, "TIME_ZONE_INVALID");
  assert.equal(problemOf(withQuiet({ channels: ["fax"] }))?.code, "UNKNOWN_CHANNEL");
  const withCap = (cap: object) => ({ ...good, caps: [{ ...good.caps[0], ...cap }] });
  assert.equal(problemOf(withCap({ channel: "email" }))?.code, "UNKNOWN_CHANNEL");
  assert.equal(problemOf(withCap({ max: 0 }))?.code, "CAP_OUT_OF_RANGE");
  assert.equal(problemOf(withCap({ max: -3 }))?.code, "CAP_OUT_OF_RANGE");
  assert.equal(problemOf(withCap({ max: 1.5 }))?.code, "CAP_OUT_OF_RANGE");
  assert.equal(problemOf(withCap({ windowHours: 0 }))?.code, "CAP_OUT_OF_RANGE");
  assert.equal(problemOf(withCap({ windowHours: 8761 }))?.code, "CAP_OUT_OF_RANGE");
  assert.equal(
    problemOf({ ...good, caps: [good.caps[0], { ...good.caps[0], max: 3 }] })?.code,
    "DUPLICATE_CAP",
  );
  assert.equal(
    problemOf({ ...good, holdout: { percent: 50.5 } })?.code,
    "HOLDOUT_PERCENT_OUT_OF_RANGE",
  );
  assert.equal(
    problemOf({ ...good, holdout: { percent: -1 } })?.code,
    "HOLDOUT_PERCENT_OUT_OF_RANGE",
  );
  assert.equal(problemOf({ ...good, retentionDays: 0 })?.code, "RETENTION_OUT_OF_RANGE");
  // Shape errors are plain validation errors.
  assert.equal(problemOf({ ...good, caps: "sms" }), null);
  assert.equal(problemOf({ ...good, extra: 1 }), null);
});

Deno.test("holdout: new draws a salt; lowering keeps salt and start; raising is refused", () => {
  const now = at("2026-11-30T08:00:00Z");
  const started = nextHoldout(null, { percent: 5 }, now, () => "salt-1");
  assert.deepEqual(started, {
    ok: true,
    started: true,
    holdout: { percent: 5, salt: "salt-1", startedAt: now.toISOString() },
  });
  const stored = started.ok ? started.holdout! : null;
  const later = at("2026-12-30T08:00:00Z");
  const lowered = nextHoldout(stored, { percent: 3 }, later, () => "salt-2");
  assert.deepEqual(lowered, {
    ok: true,
    started: false,
    holdout: { percent: 3, salt: "salt-1", startedAt: now.toISOString() },
  });
  assert.deepEqual(nextHoldout(stored, { percent: 6 }, later, () => "salt-2"), {
    ok: false,
    code: "HOLDOUT_CANNOT_GROW",
    from: 5,
    to: 6,
  });
  assert.deepEqual(nextHoldout(stored, null, later, () => "salt-2"), {
    ok: true,
    holdout: null,
    started: false,
  });
});
