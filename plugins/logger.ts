/**
 * Request logs: one JSON line per request on stdout, through LogTape (`@logtape/logtape`: no
 * dependencies, written for Deno first, maintained). A line looks like
 *
 *   {"@timestamp":"2026-11-30T09:30:00.000Z","level":"INFO","message":"request",
 *    "logger":"lensloop.http","requestId":"3f…-1a","method":"GET",
 *    "path":"/api/v1/experiments/welcome-sms/assignment","status":200,"durationMs":0.2}
 *
 * What is logged is chosen, not dumped: the request id, method, path (never the query string:
 * it holds customer ids), status and duration. No header, cookie, body or SDK key is ever read
 * into a log record.
 *
 * The request id is the caller's `X-Request-Id` when it is a plain token (letters, digits and
 * `._:+=/@-`, at most 128 characters), so a bank's gateway can follow a call through; anything
 * else (a newline, a quote, 1,000 characters) is replaced by one made here. It is echoed in the
 * answer's `X-Request-Id`. Made ids are a random per-process prefix and a counter: unique across
 * instances without a random draw per request.
 *
 * Output is buffered and asynchronous: the request path formats its line (`jsonLine`, LogTape's
 * JSON Lines format) into a byte buffer (`bufferedLineSink`); the lines of one flush reach stdout
 * in a single write, off the request. When stdout cannot keep up, new lines are dropped rather
 * than slowing answers, and LogTape's meta logger says how many.
 * `LOG_REQUESTS=0` turns all of it off (no log, no header).
 */
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  type LogRecord,
  reset,
} from "@logtape/logtape";
import type { MiddlewareHandler } from "hono";

export const REQUEST_ID_HEADER = "x-request-id";
/** A caller's request id that may be kept: a plain token. */
const PLAIN_ID = /^[A-Za-z0-9._:+=\/@-]{1,128}$/;
const PATH_LIMIT = 1_024;
const IMMEDIATE_SINK = Symbol.for("LogTape.sinkSnapshotPolicy.immediate");

const processPrefix = [...crypto.getRandomValues(new Uint8Array(8))]
  .map((b) => b.toString(16).padStart(2, "0")).join("") + "-";
let counter = 0;

/** The caller's id when it is a plain token, otherwise a new one. */
export function requestId(incoming: string | null): string {
  return incoming !== null && PLAIN_ID.test(incoming)
    ? incoming
    : processPrefix + (++counter).toString(36);
}

/** The path of a request URL, without the query string. */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query < 0 ? undefined : query);
}

const HTTP_CATEGORY = ["lensloop", "http"] as const;
const httpLogger = getLogger(HTTP_CATEGORY);
const REQUEST_MESSAGE = ["request"] as const;

/**
 * Logs one request (a no-op until `setUpLogging` has configured LogTape). The record is handed
 * to `Logger.emit` complete, as LogTape's adaptors do: `info("request", {…})` builds a record
 * with lazy getters and a message template, and LogTape copies its properties for a buffering
 * sink: 4–14 µs a call against ~1.2 µs this way (`bench/log_bench.ts`, `bench/README.md`).
 */
export function logRequest(
  id: string,
  method: string,
  path: string,
  status: number,
  ms: number,
): void {
  const record: LogRecord = {
    category: HTTP_CATEGORY,
    level: "info",
    message: REQUEST_MESSAGE,
    rawMessage: "request",
    timestamp: Date.now(),
    properties: {
      requestId: id,
      method,
      path: path.length > PATH_LIMIT ? path.slice(0, PATH_LIMIT) + "…" : path,
      status,
      durationMs: Math.round(ms * 100) / 100,
    },
  };
  httpLogger.emit(record);
}

const jsonLinesFormatter = getJsonLinesFormatter({ properties: "flatten" });
/** Text that needs no escaping inside a JSON string: printable ASCII but `"` and `\`. */
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
let isoMs = NaN;
let isoText = "";

/**
 * LogTape's JSON Lines formatter (properties at the top level), with a shortcut for request
 * records whose texts need no escaping: the same line put together directly
 * (`tests/request_log_test.ts` compares both), without the formatter's object, replacer, cycle
 * guard and escaping pass, and with the timestamp's ISO text made once per millisecond. That
 * costs ~0.5 µs a line instead of ~3 µs. Every other record goes through LogTape's formatter.
 */
export function jsonLine(record: LogRecord): string {
  const p = record.properties as {
    requestId: string;
    method: string;
    path: string;
    status: number;
    durationMs: number;
  };
  if (
    record.category[0] !== "lensloop" || record.category[1] !== "http" ||
    record.category.length !== 2 || !PLAIN_TEXT.test(p.path) ||
    !PLAIN_TEXT.test(p.requestId) || !PLAIN_TEXT.test(p.method)
  ) {
    return jsonLinesFormatter(record);
  }
  if (record.timestamp !== isoMs) {
    isoMs = record.timestamp;
    isoText = new Date(isoMs).toISOString();
  }
  return `{"@timestamp":"${isoText}","level":"INFO","message":"request",` +
    `"logger":"lensloop.http","requestId":"${p.requestId}","method":"${p.method}",` +
    `"path":"${p.path}","status":${p.status},"durationMs":${p.durationMs}}\n`;
}

/** Sets the answer's `X-Request-Id`, copying an answer whose headers cannot change. */
export function withRequestId(response: Response, id: string): Response {
  try {
    response.headers.set(REQUEST_ID_HEADER, id);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(REQUEST_ID_HEADER, id);
    return copy;
  }
}

/** Hono middleware: the request id on the context's answer, and one log line per request. */
export function requestLogger(): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const id = requestId(c.req.header(REQUEST_ID_HEADER) ?? null);
    await next();
    c.res = withRequestId(c.res, id);
    logRequest(id, c.req.method, c.req.path, c.res.status, performance.now() - started);
  };
}

/** A write of log bytes: all of them, or it throws. */
export type WriteBytes = (bytes: Uint8Array) => Promise<unknown>;

const FIRST_BUFFER = 1 << 16;
/** Past this many bytes waiting, the next write starts at once rather than on the timer. */
const EARLY_FLUSH = 1 << 18;
/** Past this many bytes waiting (stdout not keeping up), new lines are dropped. */
const MOST_WAITING = 1 << 22;

/**
 * A LogTape sink that formats each record at once (`jsonLine`) into a byte buffer and hands the
 * buffer to `write` in one call every `flushIntervalMs` (sooner past 256 KiB), while a second
 * buffer takes the next lines. The request path only formats a short string and copies its
 * bytes; nothing of a request outlives it on the heap, so garbage collection stays in the young
 * generation, and a flush is one system call with no formatting behind it. (LogTape's
 * non-blocking stream sink kept up to 1,000 records for 100 ms and formatted, encoded and wrote
 * them one by one at the flush: ~2–3 µs more CPU a request and a pause at every flush,
 * `bench/README.md`.)
 *
 * When `write` cannot keep up and 4 MiB are waiting, new lines are dropped rather than slowing
 * answers, and the next flush says how many on LogTape's meta logger. A failed write (stdout
 * closed: the log collector gone) loses those lines and goes to `onError`; it never fails a
 * request or the process. `close()` writes what waits.
 */
export function bufferedLineSink(
  write: WriteBytes,
  options: { flushIntervalMs: number; onError?: (error: unknown) => void },
): ((record: LogRecord) => void) & { close(): Promise<void> } {
  const onError = options.onError ?? reportOnce;
  const encoder = new TextEncoder();
  let buffer = new Uint8Array(FIRST_BUFFER);
  let spare = new Uint8Array(FIRST_BUFFER);
  let used = 0;
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> | null = null;

  let closing = false;

  const flush = async (): Promise<void> => {
    timer = undefined;
    // A write under way: its end schedules what came in meanwhile.
    if (writing) return await writing;
    if (dropped > 0) {
      const lost = dropped;
      dropped = 0;
      getLogger(["logtape", "meta"]).warn(
        "Request log: stdout did not keep up; {lost} lines were dropped.",
        { lost },
      );
    }
    if (used === 0) return;
    const bytes = buffer.subarray(0, used);
    [buffer, spare] = [spare, buffer];
    used = 0;
    writing = (async () => {
      try {
        await write(bytes);
      } catch (error) {
        onError(error);
      } finally {
        writing = null;
      }
    })();
    await writing;
    if (!closing && (used > 0 || dropped > 0)) {
      schedule(used > EARLY_FLUSH ? 0 : options.flushIntervalMs);
    }
  };

  const schedule = (ms: number) => {
    if (timer !== undefined) return;
    timer = setTimeout(flush, ms);
    Deno.unrefTimer(timer);
  };

  const sink = (record: LogRecord) => {
    const line = jsonLine(record);
    // UTF-16 code units to UTF-8: at most 3 bytes each.
    const most = line.length * 3;
    if (used + most > buffer.length) {
      if (used + most > MOST_WAITING) {
        dropped++;
        return;
      }
      let size = buffer.length * 2;
      while (size < used + most) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(buffer.subarray(0, used));
      buffer = grown;
    }
    used += encoder.encodeInto(line, buffer.subarray(used)).written;
    if (!closing) schedule(used > EARLY_FLUSH && !writing ? 0 : options.flushIntervalMs);
  };

  return Object.assign(sink, {
    // Every record logged here is made for the log and never changed afterwards: LogTape need
    // not copy its properties before handing it over (its registered symbol for that policy).
    [IMMEDIATE_SINK]: true,
    async close() {
      closing = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      while (writing || used > 0 || dropped > 0) await (writing ?? flush());
    },
  });
}

let reported = false;
function reportOnce(error: unknown) {
  if (reported) return;
  reported = true;
  try {
    console.error(`Request log: writing to stdout failed, lines are lost: ${error}`);
  } catch {
    // stderr gone too
  }
}

/** Writes all of `bytes` to stdout. */
async function writeStdout(bytes: Uint8Array) {
  for (let at = 0; at < bytes.length;) at += await Deno.stdout.write(bytes.subarray(at));
}

/**
 * Configures LogTape: request lines (and LogTape's own warnings) as JSON Lines through
 * `bufferedLineSink` onto stdout (or `write`, or a test's `stream`). Returns a function that
 * writes what is buffered and resets LogTape (call it before the process ends).
 */
export async function setUpLogging(
  options: {
    write?: WriteBytes;
    stream?: WritableStream<Uint8Array>;
    flushIntervalMs?: number;
    onWriteError?: (error: unknown) => void;
  } = {},
): Promise<() => Promise<void>> {
  const writer = options.stream?.getWriter();
  const write = options.write ??
    (writer ? (bytes: Uint8Array) => writer.write(bytes) : writeStdout);
  const json = bufferedLineSink(write, {
    flushIntervalMs: options.flushIntervalMs ?? 100,
    onError: options.onWriteError,
  });
  await configure({
    reset: true,
    sinks: { json },
    loggers: [
      { category: ["lensloop"], sinks: ["json"], lowestLevel: "info" },
      { category: ["logtape", "meta"], sinks: ["json"], lowestLevel: "warning" },
    ],
  });
  let closed: Promise<void> | null = null;
  // Idempotent: a second call waits for the first.
  return () =>
    closed ??= (async () => {
      await json.close();
      await reset();
      await writer?.close();
    })();
}
