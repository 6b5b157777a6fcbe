/**
 * What one request's log line costs (`plugins/logger.ts`), each beside a baseline in the same
 * group: handing the record to LogTape (its `info()` against the complete record through
 * `emit`, with a sink that keeps records for later as the non-blocking stream sink does), and
 * formatting it (LogTape's JSON Lines formatter against the shortcut that writes the same line).
 * The whole path including the buffered write to stdout is measured in CPU per request by
 * `bench/run.ts` (the app with and without `LOG_REQUESTS`).
 */
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  type LogRecord,
  reset,
} from "@logtape/logtape";
import { jsonLine, logRequest, requestId } from "../plugins/logger.ts";

const kept: LogRecord[] = [];
const keep = (record: LogRecord) => {
  kept.push(record);
  if (kept.length > 10_000) kept.length = 0;
};
const keepWithoutCopy = Object.assign((record: LogRecord) => keep(record), {
  [Symbol.for("LogTape.sinkSnapshotPolicy.immediate")]: true,
});
await configure({
  reset: true,
  sinks: { keep, keepWithoutCopy },
  loggers: [
    { category: ["bench"], sinks: ["keep"], lowestLevel: "info" },
    { category: ["lensloop"], sinks: ["keepWithoutCopy"], lowestLevel: "info" },
    { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
  ],
});
addEventListener("unload", () => void reset());

const path = "/api/v1/experiments/welcome-sms/assignment";
const viaInfo = getLogger(["bench", "http"]);

Deno.bench({
  name: "LogTape info() with properties, copied for a buffering sink",
  group: "record",
  fn() {
    viaInfo.info("request", {
      requestId: requestId(null),
      method: "GET",
      path,
      status: 200,
      durationMs: 0.21,
    });
  },
});
Deno.bench({
  name: "logRequest: complete record through emit(), no copy",
  group: "record",
  baseline: true,
  fn() {
    logRequest(requestId(null), "GET", path, 200, 0.21);
  },
});

const record: LogRecord = {
  category: ["lensloop", "http"],
  level: "info",
  message: ["request"],
  rawMessage: "request",
  timestamp: Date.now(),
  properties: {
    requestId: "3f2a9c1b7d4e8f60-1a2b",
    method: "GET",
    path,
    status: 200,
    durationMs: 0.21,
  },
};
const jsonLines = getJsonLinesFormatter({ properties: "flatten" });
let at = Date.now();
Deno.bench({
  name: "LogTape JSON Lines formatter",
  group: "format",
  fn() {
    jsonLines({ ...record, timestamp: at++ });
  },
});
Deno.bench({
  name: "jsonLine shortcut (the same text)",
  group: "format",
  baseline: true,
  fn() {
    jsonLine({ ...record, timestamp: at++ });
  },
});
