import assert from "node:assert/strict";
import { checkSchedule, type ScheduleContext, scheduleError } from "./schedule.ts";

const NOW = new Date("2026-11-30T02:00:00Z");
const draft: ScheduleContext = {
  status: "draft",
  plannedSampleSize: null,
  storedStartAt: null,
  now: NOW,
};
const code = (input: Parameters<typeof checkSchedule>[0], context = draft) => {
  const out = checkSchedule(input, context);
  return out.ok ? "ok" : `${out.problem.status} ${out.problem.code}`;
};

Deno.test("checkSchedule() refuses each bad schedule with its code", () => {
  assert.equal(code({}), "400 SCHEDULE_EMPTY");
  assert.equal(code({ startAt: "2026-11-30T09:59:00+08:00" }), "400 START_IN_PAST");
  assert.equal(code({ startAt: "2026-11-30T10:00:00+08:00" }), "400 START_IN_PAST");
  assert.equal(code({ stopAt: "2026-11-29T10:00:00Z" }), "400 STOP_IN_PAST");
  assert.equal(
    code({ startAt: "2026-12-07T09:00:00+08:00", stopAt: "2026-12-07T01:00:00Z" }),
    "400 STOP_BEFORE_START",
  );
  assert.equal(code({ startAt: "2028-01-01T00:00:00Z" }), "400 SCHEDULE_TOO_FAR");
  assert.equal(code({ stopWhenSampleReached: true }), "400 NO_PLANNED_SAMPLE");
  const running = { ...draft, status: "running" as const };
  assert.equal(code({ startAt: "2026-12-07T09:00:00+08:00" }, running), "409 SCHEDULE_NOT_DRAFT");
  const stopped = { ...draft, status: "stopped" as const };
  assert.equal(code({ stopAt: "2026-12-07T09:00:00+08:00" }, stopped), "409 SCHEDULE_FINISHED");
});

Deno.test("checkSchedule() takes a good schedule, and a past start sent back unchanged", () => {
  const out = checkSchedule(
    { startAt: "2026-12-07T09:00:00+08:00", stopWhenSampleReached: true },
    { ...draft, plannedSampleSize: 16316 },
  );
  assert.ok(out.ok);
  assert.equal(out.schedule.startAt?.toISOString(), "2026-12-07T01:00:00.000Z");
  assert.equal(out.schedule.stopAt, null);
  // The scheduler started it yesterday; the client sends the stored start back with a stop.
  const started = new Date("2026-11-29T01:00:00Z");
  assert.equal(
    code({ startAt: started.toISOString(), stopAt: "2026-12-14T09:00:00+08:00" }, {
      ...draft,
      status: "running",
      storedStartAt: started,
    }),
    "ok",
  );
});

Deno.test("scheduleError() is the API's error, said by the catalogue", () => {
  const error = scheduleError({ status: 400, code: "STOP_BEFORE_START" });
  assert.equal(error.status, 400);
  assert.equal(error.code, "STOP_BEFORE_START");
  assert.deepEqual(error.translation, { key: "schedule.error.STOP_BEFORE_START" });
});
