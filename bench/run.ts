/**
 * `deno task bench`: load tests measured side by side with a reference in the same run, since
 * the machines are shared and noisy. Needs Debian's `wrk`. Each server runs in its own process
 * (pinned to core 0 when `taskset` exists) and the load generator on core 1.
 *
 *   healthz: the app's `GET /healthz` (a database round trip on embedded PGlite) against a bare
 *            `Deno.serve` JSON answer.
 */
const DURATION = Deno.env.get("BENCH_DURATION") ?? "5s";
const CONNECTIONS = Deno.env.get("BENCH_CONNECTIONS") ?? "50";
const hasTaskset = await new Deno.Command("sh", { args: ["-c", "command -v taskset"] }).output()
  .then((r) => r.success);

function pinned(core: number, args: string[]): [string, string[]] {
  return hasTaskset ? ["taskset", ["-c", String(core), ...args]] : [args[0], args.slice(1)];
}

async function startServer(script: string, env: Record<string, string>) {
  const [cmd, args] = pinned(0, [Deno.execPath(), "run", "-A", script]);
  const child = new Deno.Command(cmd, {
    args,
    env: { ...env, RUST_BACKTRACE: "0" },
    stdout: "piped",
    stderr: "inherit",
  })
    .spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/running at|listening/i.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} exited before listening:\n${text}`);
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function wrk(url: string) {
  const [cmd, args] = pinned(1, [
    "wrk",
    "-t1",
    `-c${CONNECTIONS}`,
    `-d${DURATION}`,
    "--latency",
    url,
  ]);
  const out = new TextDecoder().decode((await new Deno.Command(cmd, { args }).output()).stdout);
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  const p99 = out.match(/99%\s+([\d.]+)(us|ms|s)/);
  const p99ms = p99
    ? Number(p99[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[p99[2]]
    : NaN;
  return { rps, p99ms };
}

if (!(await new Deno.Command("sh", { args: ["-c", "command -v wrk"] }).output()).success) {
  console.error("wrk is missing: apt-get install -y wrk");
  Deno.exit(1);
}
const bare = await startServer("bench/bare_server.ts", { PORT: "18101" });
const bareResult = await wrk("http://127.0.0.1:18101/");
await bare.stop();
const app = await startServer("main.ts", {
  PORT: "18102",
  HOST: "127.0.0.1",
  DATABASE_URL: "memory://",
  LOG_REQUESTS: "0",
  SEED_DEMO: "0",
});
const appResult = await wrk("http://127.0.0.1:18102/healthz");
await app.stop();
console.log(
  `healthz: app ${appResult.rps.toFixed(0)} req/s (p99 ${
    appResult.p99ms.toFixed(2)
  } ms), bare Deno.serve ${bareResult.rps.toFixed(0)} req/s (p99 ${
    bareResult.p99ms.toFixed(2)
  } ms), ratio ${(appResult.rps / bareResult.rps).toFixed(2)}`,
);
