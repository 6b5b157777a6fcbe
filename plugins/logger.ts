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
 * Output is buffered and asynchronous: the request path only hands a record to LogTape's
 * non-blocking stream sink; formatting (LogTape's JSON Lines format, `jsonLine`) and writing
 * happen later, off the request, and the lines of one flush reach stdout in a single write. When the
 * buffer is full (the app answering faster than stdout takes lines) the oldest records are
 * dropped rather than slowing answers, and LogTape reports how many on its meta logger.
 * `LOG_REQUESTS=0` turns all of it off (no log, no header).
 */
import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getStreamSink,
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

/**
 * A stream onto `write` that joins the chunks written in one turn of the event loop and hands
 * them over in one call: LogTape's stream sink writes each line on its own, which would cost a
 * system call per request. A failed write (stdout closed: the log collector gone) loses those
 * lines and is reported once through `onError`; it never fails a request or the process.
 */
export function joiningStream(
  write: (bytes: Uint8Array) => Promise<unknown>,
  onError: (error: unknown) => void = reportOnce,
): WritableStream<Uint8Array> {
  let chunks: Uint8Array[] = [];
  let size = 0;
  let pending: Promise<void> | null = null;
  const flush = async () => {
    try {
      while (chunks.length) {
        const joined = new Uint8Array(size);
        let at = 0;
        for (const chunk of chunks) {
          joined.set(chunk, at);
          at += chunk.length;
        }
        chunks = [];
        size = 0;
        try {
          await write(joined);
        } catch (error) {
          onError(error);
        }
      }
    } finally {
      pending = null;
    }
  };
  return new WritableStream<Uint8Array>({
    write(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      pending ??= new Promise((resolve) => setTimeout(resolve, 0)).then(flush);
      // Past 1 MiB waiting, the sink waits for the write (and buffers, then drops, behind it).
      return size > 1 << 20 ? pending : undefined;
    },
    async close() {
      await (pending ?? flush());
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
 * Configures LogTape: request lines (and LogTape's own warnings) as JSON Lines on `stream`
 * (default stdout), through the non-blocking sink. Returns a function that flushes what is
 * buffered and resets LogTape (call it before the process ends).
 */
export async function setUpLogging(
  options: { stream?: WritableStream<Uint8Array>; flushIntervalMs?: number } = {},
): Promise<() => Promise<void>> {
  const stream = options.stream ?? joiningStream(writeStdout);
  const json = getStreamSink(stream, {
    formatter: jsonLine,
    nonBlocking: { bufferSize: 1_000, flushInterval: options.flushIntervalMs ?? 100 },
  });
  // LogTape copies each record's properties before handing it to a sink that keeps records
  // for later (a caller might change them meanwhile); that copy was 60 % of the cost of a
  // request line. Every record logged here is made for the log and never changed afterwards,
  // so the sink is marked as one that needs no copy (LogTape's registered symbol for that
  // policy; were it renamed, only the copy would come back).
  (json as unknown as Record<symbol, boolean>)[IMMEDIATE_SINK] = true;
  await configure({
    reset: true,
    sinks: { json },
    loggers: [
      { category: ["lensloop"], sinks: ["json"], lowestLevel: "info" },
      { category: ["logtape", "meta"], sinks: ["json"], lowestLevel: "warning" },
    ],
  });
  return () => reset();
}
