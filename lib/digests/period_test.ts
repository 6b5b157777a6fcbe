import assert from "node:assert/strict";
import { canonicalTimeZone, duePeriod, instantToLocal, localToInstant } from "./period.ts";

Deno.test("duePeriod() gives last week and yesterday once 09:00 has passed in Shanghai", () => {
  // Monday 30 November 2026, 09:30 in Shanghai.
  const now = new Date("2026-11-30T01:30:00Z");
  const week = duePeriod("weekly", now, "Asia/Shanghai");
  assert.equal(week.label, "2026-W48");
  assert.equal(week.start.toISOString(), "2026-11-22T16:00:00.000Z");
  assert.equal(week.end.toISOString(), "2026-11-29T16:00:00.000Z");
  assert.equal(week.sendAt.toISOString(), "2026-11-30T01:00:00.000Z");
  const day = duePeriod("daily", now, "Asia/Shanghai");
  assert.equal(day.label, "2026-11-29");
  assert.equal(day.start.toISOString(), "2026-11-28T16:00:00.000Z");
});

Deno.test("duePeriod() before 09:00 on Monday still gives the week before last", () => {
  const now = new Date("2026-11-30T00:59:59Z"); // 08:59:59 in Shanghai
  assert.equal(duePeriod("weekly", now, "Asia/Shanghai").label, "2026-W47");
  assert.equal(duePeriod("daily", now, "Asia/Shanghai").label, "2026-11-28");
  // The same instant is still Sunday evening in New York: W48 is not over, W47 was sent.
  assert.equal(duePeriod("weekly", now, "America/New_York").label, "2026-W47");
  assert.equal(duePeriod("daily", now, "America/New_York").label, "2026-11-28");
});

Deno.test("duePeriod() follows daylight saving: a 23-hour day and 09:00 local", () => {
  // New York springs forward on Sunday 8 March 2026; Monday 9 March 09:00 EDT is 13:00 UTC.
  const day = duePeriod("daily", new Date("2026-03-09T13:00:00Z"), "America/New_York");
  assert.equal(day.label, "2026-03-08");
  assert.equal(day.end.getTime() - day.start.getTime(), 23 * 3600_000);
  assert.equal(day.sendAt.toISOString(), "2026-03-09T13:00:00.000Z");
});

Deno.test("duePeriod() names ISO weeks across the new year", () => {
  // Monday 4 January 2027: the week just ended is 2026-W53 (ISO week-numbering year).
  const week = duePeriod("weekly", new Date("2027-01-04T02:00:00Z"), "Asia/Shanghai");
  assert.equal(week.label, "2026-W53");
});

Deno.test("local times of the form and time zone names", () => {
  assert.equal(
    localToInstant("2026-12-07T09:00", "Asia/Shanghai")?.toISOString(),
    "2026-12-07T01:00:00.000Z",
  );
  assert.equal(localToInstant("2026-12-07 09:00", "Asia/Shanghai"), null);
  assert.equal(localToInstant("明天 09:00", "Asia/Shanghai"), null);
  assert.equal(localToInstant("2026-02-30T09:00", "Asia/Shanghai"), null);
  assert.equal(
    instantToLocal(new Date("2026-12-07T01:00:00Z"), "Asia/Shanghai"),
    "2026-12-07T09:00",
  );
  assert.equal(canonicalTimeZone("asia/shanghai"), "Asia/Shanghai");
  assert.equal(canonicalTimeZone("Mars/Olympus_Mons"), null);
  assert.equal(canonicalTimeZone(""), null);
});
