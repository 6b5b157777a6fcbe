/**
 * `deno task bench` (after `deno bench`, the statistics engine): the hot paths measured beside
 * a reference taken in the same run, since the machines are shared and noisy. Needs Debian's
 * `wrk` and a PostgreSQL server (`BENCH_DATABASE_URL`, default the local one); runs the app
 * (`main.ts`) on a throwaway database that it drops at the end. Servers run pinned to core 0,
 * load generators to core 1 (`taskset`); PostgreSQL runs where the OS puts it.
 *
 *   assignment  single A/B assignment vs a bare `Deno.serve` JSON answer; a bandit's first
 *               calls; batches of 10,000 units              (bench/assignment.ts)
 *   ingest      events through the API vs COPY of the same rows (bench/ingest.ts)
 *   results     results API at 10 thousand and 10 million events (bench/results.ts)
 *   pages       JavaScript per page, gzipped, and server time     (bench/pages.ts)
 *   local       local evaluation (SDK assign) vs the bare A/B formula, per core; change
 *               propagation to a following client               (bench/local.ts)
 *
 * `BENCH_ONLY=assignment,ingest` runs some; `BENCH_DURATION` (default 5s), `BENCH_CONNECTIONS`
 * (50), `BENCH_ROUNDS` (3), `BENCH_EVENTS` (200,000) and `BENCH_RESULTS_EVENTS` (10,000,000) tune.
 */
import postgres from "postgres";
import { type BenchContext, type Row, startServer, throwawayDatabase } from "./_lib.ts";
import { assignmentBenchmarks, seedCustomers } from "./assignment.ts";
import { cappedAssignmentBenchmarks } from "./assignment_caps.ts";
import { ingestionBenchmark } from "./ingest.ts";
import { localEvaluationBenchmarks } from "./local.ts";
import { pageBenchmarks } from "./pages.ts";
import { resultsBenchmark } from "./results.ts";

const SECTIONS = {
  assignment: assignmentBenchmarks,
  caps: cappedAssignmentBenchmarks,
  ingest: ingestionBenchmark,
  results: resultsBenchmark,
  pages: pageBenchmarks,
  local: localEvaluationBenchmarks,
};
const only = (Deno.env.get("BENCH_ONLY") ?? Object.keys(SECTIONS).join(",")).split(",");
if (only.includes("pages") && !only.includes("results")) only.unshift("results"); // its page

if (!(await new Deno.Command("sh", { args: ["-c", "command -v wrk"] }).output()).success) {
  console.error("wrk is missing: apt-get install -y wrk");
  Deno.exit(1);
}

const serverUrl = Deno.env.get("BENCH_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
const database = await throwawayDatabase(serverUrl);
const sdkKey = `ll_bench_${crypto.randomUUID().replaceAll("-", "")}`;
const adminPassword = `bench-${crypto.randomUUID()}`;
const servers: Array<{ stop(): Promise<void> }> = [];
const sql = postgres(database.url, { max: 2, onnotice: () => {} });
const rows: Row[] = [];
try {
  const appEnv = {
    PORT: "18102",
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    SEED_DEMO: "1",
    SDK_KEY: sdkKey,
    ADMIN_EMAIL: "admin@bench.local",
    ADMIN_PASSWORD: adminPassword,
    // The default configuration, request logging included (BENCH_LOG_REQUESTS=0 to compare).
    LOG_REQUESTS: Deno.env.get("BENCH_LOG_REQUESTS") ?? "1",
  };
  // First start: migrations and the demo data; then the benchmark data; then a fresh process,
  // so no notification of that bulk load is still on its way when measuring starts.
  await (await startServer("main.ts", appEnv)).stop();
  await seedCustomers(sql);
  const app = await startServer("main.ts", appEnv);
  servers.push(app);
  const bare = await startServer("bench/bare_server.ts", { PORT: "18101" });
  servers.push(bare);
  const floor = await startServer("bench/floor_server.ts", { PORT: "18103" });
  servers.push(floor);
  const ctx: BenchContext = {
    app,
    bare,
    floor,
    sql,
    databaseUrl: database.url,
    sdkKey,
    adminEmail: "admin@bench.local",
    adminPassword,
    duration: Deno.env.get("BENCH_DURATION") ?? "5s",
    connections: Number(Deno.env.get("BENCH_CONNECTIONS") ?? 50),
    rounds: Number(Deno.env.get("BENCH_ROUNDS") ?? 3),
  };
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (!only.includes(name)) continue;
    console.log(`${name}…`);
    rows.push(...await section(ctx));
  }
} finally {
  await sql.end();
  for (const server of servers.reverse()) await server.stop();
  await database.drop();
}

const header = ["benchmark", "measured", "reference", "ratio", "goal", "met"];
const table = rows.map((r) => [
  r.benchmark,
  r.measured,
  r.reference,
  r.ratio,
  r.goal,
  r.met === null ? "" : r.met ? "yes" : "NO",
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  [
    "",
    `${new Date().toISOString().slice(0, 10)}, ${navigator.hardwareConcurrency} cores`,
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...table.map(line),
  ].join("\n"),
);
