/**
 * The README's promise, tested on the real process: `main.ts` starts on the embedded database
 * (and on a PostgreSQL server), answers /healthz, serves the UI in Chinese, stops cleanly on
 * SIGTERM, and a second start keeps the data.
 */
import assert from "node:assert/strict";
import { BACKENDS, openTestDatabase } from "./helpers/db.ts";

interface Running {
  url: string;
  output: () => string;
  stop: () => Promise<{ code: number; output: string }>;
}

async function start(env: Record<string, string>): Promise<Running> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: new URL("..", import.meta.url),
    env: { PORT: "0", HOST: "127.0.0.1", RUST_BACKTRACE: "0", NO_COLOR: "1", ...env },
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  let url = "";
  while (!url) {
    const match = output.match(/is running at (http:\/\/[^\s/]+:\d+\/)/);
    if (match) url = match[1];
    else if (exited) {
      await pumps;
      throw new Error(`The app exited before serving:\n${output}`);
    } else if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The app did not start within 60 s:\n${output}`);
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      await pumps;
      return { code: status.code, output };
    },
  };
}

function withoutDatabaseUrl(): Record<string, string> {
  // The child inherits the environment; an outer DATABASE_URL must not leak into the
  // "embedded" case.
  return Deno.env.get("DATABASE_URL") ? { DATABASE_URL: "" } : {};
}

async function checkServes(url: string) {
  const health = await fetch(new URL("/healthz", url));
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok" });
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<html lang="zh-CN">/);
  assert.match(html, /透镜·闭环/);
}

Deno.test({
  name: "deno task start serves on the embedded database, stops on SIGTERM and keeps the data",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "lensloop-data-" });
    try {
      const first = await start({ ...withoutDatabaseUrl(), DATA_DIR: dataDir });
      await checkServes(first.url);
      const stopped = await first.stop();
      assert.equal(stopped.code, 0, stopped.output);
      assert.match(stopped.output, /embedded PostgreSQL \(PGlite\), data in /);
      assert.match(stopped.output, /demo data:\s+seeded/);
      assert.match(stopped.output, /admin password \(shown once\): \S{12,}/);
      assert.match(stopped.output, /Lensloop stopped\./);

      const second = await start({ ...withoutDatabaseUrl(), DATA_DIR: dataDir });
      await checkServes(second.url);
      const again = await second.stop();
      assert.equal(again.code, 0, again.output);
      assert.match(again.output, /demo data:\s+kept from an earlier start/);
      assert.doesNotMatch(again.output, /shown once/);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

if (BACKENDS.includes("postgres")) {
  Deno.test({
    name: "deno task start serves on a PostgreSQL server named by DATABASE_URL",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const database = await openTestDatabase("postgres");
      try {
        const running = await start({ DATABASE_URL: database.url, SEED_DEMO: "1" });
        await checkServes(running.url);
        const stopped = await running.stop();
        assert.equal(stopped.code, 0, stopped.output);
        assert.match(stopped.output, /database:\s+PostgreSQL server/);
        const banks = await database.db.selectFrom("banks").select("id").execute();
        assert.equal(banks.length, 20);
      } finally {
        await database.close();
      }
    },
  });
}
