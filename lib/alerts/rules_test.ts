import assert from "node:assert/strict";
import type { Readout } from "../experiments/readout.ts";
import { type AlertInput, alertsFor, breakerTrip } from "./rules.ts";

const NOW = new Date("2026-11-30T12:00:00Z");
const base: AlertInput = {
  readout: null,
  mode: "ab",
  status: "running",
  plannedSampleSize: 1000,
  startedAt: new Date("2026-11-28T00:00:00Z"),
  lastExposureAt: new Date("2026-11-30T11:00:00Z"),
  noExposureHours: 24,
  now: NOW,
};

/** A read-out with an SRM flag, `users` per arm, nothing else significant. */
function readout(users: number): Readout {
  return {
    variants: [
      { name: "control", users, conversions: 0, rate: 0 },
      { name: "coupon", users, conversions: 0, rate: 0 },
    ],
    enoughData: users >= 100,
    srm: { chiSquare: 20, pValue: 0.00001, mismatch: true, reasons: [] },
    metrics: [],
    bandit: null,
    recommendation: {
      action: "keep_running",
      winner: null,
      reasons: ["SRM"],
      daysLeft: null,
      ended: false,
    },
  } as unknown as Readout;
}

Deno.test("alerts wait for every arm's minimum data; no_exposures does not", () => {
  assert.deepEqual(alertsFor({ ...base, readout: readout(99) }), []);
  const quiet = alertsFor({
    ...base,
    readout: readout(99),
    lastExposureAt: new Date("2026-11-29T11:00:00Z"),
  });
  assert.deepEqual(quiet.map((a) => [a.type, a.cause]), [[
    "no_exposures",
    "since:2026-11-29T11:00:00.000Z",
  ]]);
  const never = alertsFor({ ...base, lastExposureAt: null });
  assert.equal(never[0].type, "no_exposures");
  assert.match(never[0].summary["zh-CN"], /还没有收到任何曝光/);
  assert.deepEqual(alertsFor({ ...base, status: "stopped", lastExposureAt: null }), []);
});

Deno.test("SRM and the planned sample once there is enough data; the breaker picks SRM only when on", () => {
  const found = alertsFor({ ...base, readout: readout(600) });
  assert.deepEqual(found.map((a) => a.type), ["srm", "sample_reached"]);
  assert.equal(breakerTrip(found, { onGuardrail: true, onSrm: false }), null);
  assert.equal(breakerTrip(found, { onGuardrail: false, onSrm: true })?.type, "srm");
});
