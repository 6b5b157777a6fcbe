import assert from "node:assert/strict";
import { capPressureAlert } from "./cap_pressure.ts";

Deno.test("cap_pressure: a send list of at least 100 with a fifth or more capped, once a day", () => {
  const now = new Date("2026-12-01T02:00:00Z");
  assert.equal(capPressureAlert(99, 99, now), null); // too small a list
  assert.equal(capPressureAlert(1000, 199, now), null); // 19.9 %
  const alert = capPressureAlert(1000, 200, now)!;
  assert.equal(alert.type, "cap_pressure");
  assert.equal(alert.cause, "day:2026-12-01");
  assert.match(alert.summary["zh-CN"], /1000 位客户中有 200 位（20\.0%）/);
  assert.match(alert.summary.en, /200 of the 1000 customers/);
  assert.equal(alert.details.share, 0.2);
});
