/**
 * Request logs (`plugins/logger.ts`): one JSON line per request through LogTape, with a request
 * id that the answer carries; a caller's id is kept only when it is a plain token; no secret
 * (Authorization, cookies, SDK keys, passwords) and no customer id from a query string reaches
 * the log; the shortcut formatter writes exactly what LogTape's JSON Lines formatter writes;
 * `LOG_REQUESTS=0` logs nothing and adds no header.
 */
import assert from "node:assert/strict";
import { getJsonLinesFormatter, type LogRecord } from "@logtape/logtape";
import { createApp, createHandler } from "../app.ts";
import { ConfigCache } from "../db/config_cache.ts";
import { readConfig } from "../fresh.config.ts";
import { loadAssets } from "../plugins/assets.ts";
import { jsonLine, logRequest, requestId, setUpLogging } from "../plugins/logger.ts";
import { SESSION_COOKIE } from "../plugins/session.ts";
import { createTestApp, jsonRequest, TEST_ADMIN, TEST_SDK_KEY } from "./helpers/app.ts";
import { openTestDatabase, testBothBackends, type TestDatabase } from "./helpers/db.ts";
import { SDK_AUTH } from "./helpers/sdk.ts";

const ORIGIN = "http://localhost";

/** LogTape writing into memory; `lines()` flushes and parses what was written. */
async function captureLog() {
  const decoder = new TextDecoder();
  let text = "";
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      text += decoder.decode(chunk);
    },
  });
  const close = await setUpLogging({ stream, flushIntervalMs: 5 });
  let closed = false;
  return {
    async lines(): Promise<Record<string, unknown>[]> {
      if (!closed) await close();
      closed = true;
      if (text === "") return [];
      assert.ok(text.endsWith("\n"), "every line ends");
      return text.slice(0, -1).split("\n").map((line) => JSON.parse(line));
    },
    text: () => text,
    close: async () => {
      if (!closed) await close();
      closed = true;
    },
  };
}

async function setUp(database: TestDatabase, logRequests: boolean) {
  await createTestApp(database.db);
  const cache = await ConfigCache.open(database);
  const deps = {
    db: database.db,
    config: { ...readConfig({ get: () => undefined }), logRequests },
    assets: await loadAssets(null),
    configCache: cache,
  };
  const handler = createHandler(deps, createApp(deps));
  const serve = (path: string, init: RequestInit = {}) =>
    Promise.resolve(handler(new Request(ORIGIN + path, init)));
  // Warm up: the key's last_used_at is written and the bank loaded, so the fast path answers.
  await (await serve("/api/v1/experiments/welcome-sms/assignment?unit=warm-up", {
    headers: SDK_AUTH,
  })).body?.cancel();
  return { cache, serve };
}

testBothBackends("every request is one JSON line with its id, and no secret", async (_t, d) => {
  const { cache, serve } = await setUp(d, true);
  const log = await captureLog();
  try {
    const sessionToken = "s3cr3t-session-token-value";
    const unit = "C000000001";
    const answers = {
      // The fast path (answered before Hono) with a caller's id that is kept.
      fast: await serve(`/api/v1/experiments/welcome-sms/assignment?unit=${unit}`, {
        headers: { ...SDK_AUTH, "x-request-id": "gw-2026-11-30.req:7" },
      }),
      // Through Hono: an SDK call the fast path leaves alone (a unit to decode), with a cookie.
      sdk: await serve("/api/v1/experiments/welcome-sms/assignment?unit=张三", {
        headers: { ...SDK_AUTH, cookie: `${SESSION_COOKIE}=${sessionToken}` },
      }),
      // A sign-in with the password in the body and a hostile id of 1,000 characters.
      login: await serve(
        "/api/auth/login",
        jsonRequest("POST", TEST_ADMIN, { "x-request-id": "a".repeat(1_000) }),
      ),
      // An unknown key, an id with a quote, a tab, braces and Latin-1.
      denied: await serve("/api/v1/experiments/welcome-sms/assignment?unit=x", {
        headers: {
          authorization: "Bearer ll_wrong_key_0000000000000000000000",
          "x-request-id": 'a"b\tc{}\u00e9',
        },
      }),
      page: await serve("/healthz", { headers: { "x-request-id": "<script>alert(1)</script>" } }),
    };
    const setCookie = answers.login.headers.getSetCookie().join(";");
    for (const res of Object.values(answers)) await res.body?.cancel();
    const lines = await log.lines();
    assert.equal(lines.length, 5, log.text());

    const ids = Object.values(answers).map((res) => res.headers.get("x-request-id"));
    assert.deepEqual(lines.map((line) => line.requestId), ids);
    assert.equal(ids[0], "gw-2026-11-30.req:7");
    for (const id of ids.slice(1)) assert.match(id!, /^[0-9a-f]{16}-[0-9a-z]+$/);
    assert.equal(new Set(ids).size, 5);

    assert.deepEqual(
      lines.map(({ method, path, status }) => [method, path, status]),
      [
        ["GET", "/api/v1/experiments/welcome-sms/assignment", 200],
        ["GET", "/api/v1/experiments/welcome-sms/assignment", 200],
        ["POST", "/api/auth/login", 200],
        ["GET", "/api/v1/experiments/welcome-sms/assignment", 401],
        ["GET", "/healthz", 200],
      ],
    );
    for (const line of lines) {
      assert.equal(line.level, "INFO");
      assert.equal(line.logger, "lensloop.http");
      assert.equal(typeof line.durationMs, "number");
      assert.ok((line.durationMs as number) >= 0);
      assert.ok(!Number.isNaN(Date.parse(line["@timestamp"] as string)));
    }
    const text = log.text();
    for (
      const secret of [
        TEST_SDK_KEY,
        "ll_wrong_key",
        "Bearer",
        sessionToken,
        TEST_ADMIN.password,
        setCookie.split("=")[1].split(";")[0],
        unit,
        "张三",
        "<script>",
        "aaaaaaaaaa",
      ]
    ) {
      assert.ok(!text.includes(secret), `the log holds "${secret}"`);
    }
  } finally {
    await log.close();
    await cache.close();
  }
});

testBothBackends("LOG_REQUESTS=0: nothing is logged and no id is added", async (_t, d) => {
  const { cache, serve } = await setUp(d, false);
  const log = await captureLog();
  try {
    for (
      const path of ["/api/v1/experiments/welcome-sms/assignment?unit=C1", "/api/v1/nothing"]
    ) {
      const res = await serve(path, { headers: { ...SDK_AUTH, "x-request-id": "kept-1" } });
      await res.body?.cancel();
      assert.equal(res.headers.get("x-request-id"), null);
    }
    await log.close();
    assert.equal(log.text(), "");
  } finally {
    await log.close();
    await cache.close();
  }
});

Deno.test("raw requests with hostile ids: one JSON line each, ids replaced", async () => {
  const database = await openTestDatabase("pglite");
  const log = await captureLog();
  const config = { ...readConfig({ get: () => undefined }), logRequests: true };
  const handler = createHandler({ db: database.db, config, assets: await loadAssets(null) });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  /** Sends bytes as they are (one byte per character); the status line, or the error. */
  async function send(raw: string): Promise<string> {
    const connection = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    await connection.write(new Uint8Array([...raw].map((c) => c.charCodeAt(0))));
    return await new Response(connection.readable).arrayBuffer().then(
      (bytes) => new TextDecoder().decode(bytes).split("\r\n")[0],
      (error) => String(error),
    );
  }
  try {
    const head = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    const replies = [
      // A newline inside the header, trying to forge a second log line.
      await send(`${head}X-Request-Id: a\n{"level":"ERROR","message":"forged"}\r\n\r\n`),
      // Bytes above ASCII, 1,000 of them.
      await send(`${head}X-Request-Id: ${"\u00e9\u00ff".repeat(500)}\r\n\r\n`),
      // Control characters (Deno's HTTP layer refuses these two with a 400 of its own).
      await send(`${head}X-Request-Id: a\u0001\u007f\r\n\r\n`),
      // An id that tries to close the JSON string, with a tab and a backslash.
      await send(`${head}X-Request-Id: ","status":999,"x":"\t\\\r\n\r\n`),
    ];
    const answered = replies.filter((reply) => reply.startsWith("HTTP/1.1 2")).length;
    assert.ok(answered >= 2, replies.join(" | "));
    const lines = await log.lines();
    assert.equal(lines.length, answered, log.text());
    for (const line of lines) {
      assert.equal(line.message, "request");
      assert.equal(line.status, 200);
      assert.match(line.requestId as string, /^[0-9a-f]{16}-[0-9a-z]+$/);
    }
    assert.ok(!log.text().includes("forged"));
  } finally {
    await log.close();
    await server.shutdown();
    await database.close();
  }
});

Deno.test("request lines are what LogTape's JSON Lines formatter writes", () => {
  const reference = getJsonLinesFormatter({ properties: "flatten" });
  const record = (path: string, id: string, status = 200, durationMs = 0.25): LogRecord => ({
    category: ["lensloop", "http"],
    level: "info",
    message: ["request"],
    rawMessage: "request",
    timestamp: Date.UTC(2026, 10, 30, 9, 30, 0, 123),
    properties: { requestId: id, method: "GET", path, status, durationMs },
  });
  const cases = [
    record("/api/v1/experiments/welcome-sms/assignment", "3f2a-1"),
    record("/", "x", 404, 0),
    record("/banks/CC2", "gw:1/2+3=@", 500, 1234.56),
    record('/a"b\\c', "id"), // needs escaping: LogTape's formatter writes it
    record("/实验/张三\u2028\u0085", "id"),
    record("/\ud800x", "id"),
    record("/x", "id", 200, 1e-7),
  ];
  for (const r of cases) {
    // The same category array as the app's own records, so the shortcut is taken.
    assert.equal(jsonLine(r), reference(r));
  }
  const meta: LogRecord = { ...record("/", "x"), category: ["logtape", "meta"] };
  assert.equal(jsonLine(meta), reference(meta));
});

Deno.test("request ids: plain tokens kept, anything else replaced", () => {
  for (
    const kept of ["abc", "C000000001", "0f8fad5b-d9cb-469f-a165-70867728950e", "a".repeat(128)]
  ) {
    assert.equal(requestId(kept), kept);
  }
  for (
    const replaced of [
      null,
      "",
      "a".repeat(129),
      "a b",
      "a\nb",
      'a"b',
      "a\\b",
      "<script>",
      "张三",
      "a\u0000",
      "\ud800",
    ]
  ) {
    const id = requestId(replaced);
    assert.notEqual(id, replaced);
    assert.match(id, /^[0-9a-f]{16}-[0-9a-z]+$/);
  }
});

Deno.test("a closed stdout loses lines but never fails a request or the process", async () => {
  const errors: unknown[] = [];
  const written: string[] = [];
  let broken = true;
  const close = await setUpLogging({
    write: async (bytes) => {
      await Promise.resolve();
      if (broken) throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      written.push(new TextDecoder().decode(bytes));
    },
    onWriteError: (error) => errors.push(error),
    flushIntervalMs: 5,
  });
  try {
    logRequest(requestId(null), "GET", "/lost", 200, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof Deno.errors.BrokenPipe);
    broken = false;
    logRequest("after-1", "GET", "/kept", 200, 1);
  } finally {
    await close();
  }
  const lines = written.join("").trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((line) => [line.requestId, line.path]), [["after-1", "/kept"]]);
});

Deno.test("the lines of a flush go out in one write, in order, UTF-8 intact", async () => {
  const writes: string[] = [];
  const close = await setUpLogging({
    write: (bytes) => Promise.resolve(void writes.push(new TextDecoder().decode(bytes))),
    flushIntervalMs: 20,
  });
  try {
    for (let i = 0; i < 1_000; i++) {
      logRequest(`id-${i}`, "GET", i % 2 ? `/活动/${i}` : `/api/${i}`, 200, 0.1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await close();
  }
  assert.ok(writes.length <= 2, `${writes.length} writes for 1,000 lines`);
  const lines = writes.join("").trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(
    lines.map((line) => [line.requestId, line.path]),
    Array.from({ length: 1_000 }, (_, i) => [`id-${i}`, i % 2 ? `/活动/${i}` : `/api/${i}`]),
  );
});

Deno.test("a stdout that does not keep up: new lines are dropped and counted, none waits", async () => {
  let release = () => {};
  const stuck = new Promise<void>((resolve) => (release = resolve));
  const written: string[] = [];
  const close = await setUpLogging({
    write: async (bytes) => {
      await stuck;
      written.push(new TextDecoder().decode(bytes));
    },
    flushIntervalMs: 1,
  });
  const total = 40_000; // ~9 MB of lines: more than the 4 MiB that may wait
  try {
    logRequest("first", "GET", "/first", 200, 0.1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // its write is now stuck
    const started = performance.now();
    for (let i = 1; i < total; i++) {
      logRequest(`id-${i}`, "GET", `/api/v1/experiments/welcome-sms/assignment/${i}`, 200, 0.1);
    }
    // Logging never waited for the stuck write (the calls are synchronous).
    assert.ok(performance.now() - started < 10_000);
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await close();
  }
  const lines = written.join("").trim().split("\n").map((line) => JSON.parse(line));
  const requests = lines.filter((line) => line.message === "request");
  const warning = lines.find((line) => line.logger === "logtape.meta");
  assert.ok(requests.length < total, "some lines were dropped");
  assert.ok(requests.length > total / 4, `${requests.length} lines kept`);
  assert.ok(warning, "the drop is reported");
  assert.equal(warning.lost + requests.length, total);
  // What was kept is in order and whole.
  const ids = requests.map((line) => line.requestId);
  assert.equal(ids[0], "first");
  for (let i = 2; i < ids.length; i++) {
    assert.ok(Number(ids[i].slice(3)) > Number(ids[i - 1].slice(3) || 0));
  }
});
