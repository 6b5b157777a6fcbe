/**
 * `deno run -A bench/soak.ts`: the app as shipped (default configuration: request log on) on
 * PostgreSQL under a steady mix of SDK assignments, event batches and results reads at 50
 * connections for 10 minutes (`bench/soak_client.ts`), to catch what a five-second benchmark
 * cannot: errors that come with time, latency that drifts, memory that grows. Prints errors,
 * p50/p99 per kind of call and the app's resident memory (RSS) before the load, after the first
 * minute and at the end, and checks that every accepted event is stored once.
 *
 * Like `bench/run.ts`: a throwaway database on `BENCH_DATABASE_URL` (default the local server),
 * the app pinned to core 0 and the client to core 1. `SOAK_SECONDS` (600) and
 * `SOAK_CONNECTIONS` (50) tune it.
 */
import postgres from "postgres";
import { LOAD_CORE, pinned, rssMiB, startServer, throwawayDatabase } from "./_lib.ts";
import { signIn } from "./results.ts";

const seconds = Number(Deno.env.get("SOAK_SECONDS") ?? 600);
const connections = Number(Deno.env.get("SOAK_CONNECTIONS") ?? 50);
const serverUrl = Deno.env.get("BENCH_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const database = await throwawayDatabase(serverUrl);
const sdkKey = `ll_soak_${crypto.randomUUID().replaceAll("-", "")}`;
const adminPassword = `soak-${crypto.randomUUID()}`;
const env = {
  PORT: "18103",
  HOST: "127.0.0.1",
  DATABASE_URL: database.url,
  SEED_DEMO: "1",
  SDK_KEY: sdkKey,
  ADMIN_EMAIL: "admin@soak.local",
  ADMIN_PASSWORD: adminPassword,
};
const sql = postgres(database.url, { max: 1, onnotice: () => {} });
const app = await startServer("main.ts", env);
try {
  const cookie = await signIn(
    {
      app,
      adminEmail: env.ADMIN_EMAIL,
      adminPassword,
    } as Parameters<typeof signIn>[0],
  );
  // Warm up: the bank in memory, the results page's plan cached.
  for (const path of ["/api/v1/experiments/welcome-sms/assignment?unit=warm-up"]) {
    const res = await fetch(app.url + path, { headers: { authorization: `Bearer ${sdkKey}` } });
    if (res.status !== 200) throw new Error(`warm-up ${path}: ${res.status}`);
    await res.body?.cancel();
  }
  const results = await fetch(`${app.url}/api/experiments/welcome-sms/results`, {
    headers: { cookie },
  });
  if (results.status !== 200) throw new Error(`results: ${results.status}`);
  await results.body?.cancel();

  const rss = [{ at: 0, mib: await rssMiB(app.pid) }];
  const [cmd, args] = pinned(LOAD_CORE, [
    Deno.execPath(),
    "run",
    "-A",
    "bench/soak_client.ts",
    app.url,
    sdkKey,
    cookie,
    String(seconds),
    String(connections),
  ]);
  console.log(
    `soak: ${seconds} s, ${connections} connections, app pid ${app.pid}, ` +
      `RSS ${rss[0].mib.toFixed(0)} MiB before the load`,
  );
  const started = performance.now();
  const client = new Deno.Command(cmd, {
    args,
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const sampler = setInterval(async () => {
    rss.push({ at: (performance.now() - started) / 1000, mib: await rssMiB(app.pid) });
  }, 10_000);
  const output = await client.output();
  clearInterval(sampler);
  rss.push({ at: (performance.now() - started) / 1000, mib: await rssMiB(app.pid) });
  if (!output.success) throw new Error("soak client failed");
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  const report = JSON.parse(lines[lines.length - 1]);

  await new Promise((resolve) => setTimeout(resolve, 2_000)); // group commits and log flushes
  const [{ stored }] = await sql`select count(*)::int as stored from events
    where event_id like 'soak-%'`;
  const afterMinute = rss.find((r) => r.at >= 60) ?? rss[rss.length - 1];
  const end = rss[rss.length - 1];
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  const row = (kind: string, s: { count: number; errors: number; p50ms: number; p99ms: number }) =>
    `| ${kind} | ${s.count.toLocaleString("en")} | ${s.errors} | ${fmt(s.p50ms)} | ${
      fmt(s.p99ms)
    } |`;
  console.log(
    [
      "",
      `${new Date().toISOString()}: ${fmt(report.seconds, 0)} s at ${connections} connections, ` +
      `${report.requests.toLocaleString("en")} requests (${fmt(report.perSecond, 0)}/s), ` +
      `${report.errors} errors`,
      "| calls | count | errors | p50 ms | p99 ms |",
      "| --- | --- | --- | --- | --- |",
      row("all", { count: report.requests, ...report }),
      row("assignment", report.assignment),
      row("events (batches of 10)", report.events),
      row("results", report.results),
      "",
      `statuses: ${
        JSON.stringify({
          assignment: report.assignment.statuses,
          events: report.events.statuses,
          results: report.results.statuses,
        })
      }`,
      `events: ${report.eventsAccepted.toLocaleString("en")} accepted, ` +
      `${report.eventsRejected} rejected, ${stored.toLocaleString("en")} stored` +
      (stored === report.eventsAccepted ? " (each once)" : " (MISMATCH)"),
      `app RSS: ${fmt(rss[0].mib, 0)} MiB before, ${fmt(afterMinute.mib, 0)} MiB after ` +
      `${fmt(afterMinute.at, 0)} s, ${fmt(end.mib, 0)} MiB at the end ` +
      `(max ${fmt(Math.max(...rss.map((r) => r.mib)), 0)} MiB); ` +
      `${app.lines().toLocaleString("en")} lines of request log`,
      `RSS every minute (MiB): ${
        rss.filter((r, i) => i === 0 || Math.round(r.at) % 60 < 10 || i === rss.length - 1)
          .map((r) => fmt(r.mib, 0)).join(" ")
      }`,
    ].join("\n"),
  );
} finally {
  await sql.end();
  await app.stop();
  await database.drop();
}
