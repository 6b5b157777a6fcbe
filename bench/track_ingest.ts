/**
 * `track` ingestion benchmark (issue 16): `deno run -A bench/track_ingest.ts`.
 *
 * Customer events (`"type": "track"`) through `POST /api/v1/events` (batches of 1,000 from 4
 * concurrent clients, `track_client.ts api`) against one `COPY` of the same rows into a table
 * defined like `track_events` (primary key, index and foreign key included), alternating for
 * `BENCH_ROUNDS` rounds (medians compared), on both configurations in one run:
 *
 * - the default configuration: the app (`main.ts`) on embedded PGlite (a data directory under
 *   a temporary directory). PGlite has one owner, so each round stops the app after its API
 *   run, and the reference COPY runs in a process of its own on the same core, in the same
 *   database (`COPY … FROM '/dev/blob'`);
 * - PostgreSQL (`BENCH_DATABASE_URL`, default the local server): a throwaway database; the app
 *   stays up; the COPY client streams from the load core, as `bench/ingest.ts` does.
 *
 * After each API run every tenth batch is sent again, then the totals are checked: every event
 * stored once (count and sum of values equal the stream's), every resent one a duplicate,
 * nothing rejected or failed. On PostgreSQL, ids of stored exposures sent as track events must
 * all be duplicates too (one id space per bank).
 *
 * `BENCH_EVENTS` (default 200,000), `BENCH_ROUNDS` (3), `BENCH_TRACK_BACKENDS`
 * (`pglite,postgres`). The app runs pinned to core 0, the load clients to core 1.
 */
import postgres from "postgres";
import {
  formatNumber,
  median,
  pinned,
  runClient,
  SERVER_CORE,
  startServer,
  throwawayDatabase,
} from "./_lib.ts";

const ROOT = new URL("..", import.meta.url);
const count = Number(Deno.env.get("BENCH_EVENTS") ?? 200_000);
const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
const backends = (Deno.env.get("BENCH_TRACK_BACKENDS") ?? "pglite,postgres").split(",");
const GOAL = 0.25;

interface ApiRun {
  events: number;
  valueSum: number;
  resentEvents: number;
  perSecond: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
}
interface CopyRun {
  rows: number;
  perSecond: number;
  stored?: number;
  storedValueSum?: number;
}
interface Outcome {
  backend: string;
  api: number[];
  copy: number[];
  exact: boolean;
}

/** A client on the server core (the PGlite reference: the database runs in that process). */
async function runOnServerCore<T>(args: string[]): Promise<T> {
  const [cmd, cmdArgs] = pinned(SERVER_CORE, [Deno.execPath(), "run", "-A", ...args]);
  const result = await new Deno.Command(cmd, {
    args: cmdArgs,
    cwd: ROOT,
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stderr: "inherit",
  }).output();
  const out = new TextDecoder().decode(result.stdout).trim().split("\n");
  if (!result.success) throw new Error(`${args.join(" ")} failed:\n${out.join("\n")}`);
  return JSON.parse(out[out.length - 1]) as T;
}

function appEnv(sdkKey: string, database: Record<string, string>) {
  return {
    PORT: Deno.env.get("BENCH_PORT") ?? "18112",
    HOST: "127.0.0.1",
    SEED_DEMO: "1",
    SDK_KEY: sdkKey,
    ADMIN_EMAIL: "admin@bench.local",
    ADMIN_PASSWORD: `bench-${crypto.randomUUID()}`,
    LOG_REQUESTS: Deno.env.get("BENCH_LOG_REQUESTS") ?? "1",
    ...database,
  };
}

function checkRun(run: ApiRun, stored: number, storedValueSum: number): boolean {
  return run.failed === 0 && run.rejected === 0 && run.accepted === run.events &&
    stored === run.events && Math.abs(storedValueSum - run.valueSum) < 1e-6 &&
    run.duplicates === run.resentEvents;
}

function report(
  backend: string,
  round: number,
  run: ApiRun,
  copy: CopyRun,
  stored: number,
  ok: boolean,
) {
  console.log(
    `  ${backend} round ${round + 1}: API ${formatNumber(run.perSecond)} events/s (accepted ` +
      `${run.accepted}, stored ${stored}, duplicates ${run.duplicates} of ${run.resentEvents} ` +
      `resent, rejected ${run.rejected}, failed ${run.failed}: ${ok ? "exact" : "NOT EXACT"}); ` +
      `COPY ${formatNumber(copy.perSecond)} rows/s`,
  );
}

/**
 * The first start migrates and seeds the demo, which can take longer than `startServer` waits
 * on a loaded machine: done once here, with a longer wait, so the rounds start a seeded app.
 */
async function firstStart(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: ROOT,
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 900_000;
  for await (const chunk of child.stdout) {
    text += decoder.decode(chunk);
    if (/ready in/.test(text) || Date.now() > deadline) break;
  }
  child.kill("SIGTERM");
  await child.status;
  if (!/ready in/.test(text)) throw new Error(`main.ts did not start:\n${text}`);
}

async function pgliteRounds(): Promise<Outcome> {
  const dataDir = await Deno.makeTempDir({ prefix: "lensloop_bench_pglite_" });
  const sdkKey = `ll_bench_${crypto.randomUUID().replaceAll("-", "")}`;
  const env = appEnv(sdkKey, { DATA_DIR: dataDir, DATABASE_URL: "" });
  const outcome: Outcome = { backend: "PGlite (default)", api: [], copy: [], exact: true };
  try {
    await firstStart(env);
    for (let round = 0; round < rounds; round++) {
      const prefix = `trk${round}-`;
      const app = await startServer("main.ts", env);
      let run: ApiRun;
      try {
        run = await runClient<ApiRun>("bench/track_client.ts", [
          "api",
          app.url,
          sdkKey,
          String(count),
          "1000",
          "4",
          prefix,
        ]);
      } finally {
        await app.stop();
      }
      const copy = await runOnServerCore<CopyRun>([
        "bench/track_client.ts",
        "copy-pglite",
        dataDir,
        String(count),
        prefix,
      ]);
      const ok = checkRun(run, copy.stored!, copy.storedValueSum!) && copy.rows === count;
      outcome.exact &&= ok;
      outcome.api.push(run.perSecond);
      outcome.copy.push(copy.perSecond);
      report("PGlite", round, run, copy, copy.stored!, ok);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  return outcome;
}

async function postgresRounds(): Promise<Outcome> {
  const serverUrl = Deno.env.get("BENCH_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  const database = await throwawayDatabase(serverUrl);
  const sdkKey = `ll_bench_${crypto.randomUUID().replaceAll("-", "")}`;
  const env = appEnv(sdkKey, { DATABASE_URL: database.url });
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  const outcome: Outcome = { backend: "PostgreSQL", api: [], copy: [], exact: true };
  let app: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    app = await startServer("main.ts", env);
    for (let round = 0; round < rounds; round++) {
      const prefix = `trk${round}-`;
      const run = await runClient<ApiRun>("bench/track_client.ts", [
        "api",
        app.url,
        sdkKey,
        String(count),
        "1000",
        "4",
        prefix,
      ]);
      const [stored] = await sql`select count(*)::int as n, coalesce(sum(value), 0)::float8 as s
        from track_events where bank_id = 'CC2' and event_id like ${prefix + "%"}`;
      const copy = await runClient<CopyRun>("bench/track_client.ts", [
        "copy-pg",
        database.url,
        String(count),
        prefix,
      ]);
      const ok = checkRun(run, stored.n, stored.s) && copy.rows === count;
      outcome.exact &&= ok;
      outcome.api.push(run.perSecond);
      outcome.copy.push(copy.perSecond);
      report("PostgreSQL", round, run, copy, stored.n, ok);
    }
    // One id space: ids of stored exposures and conversions, sent as track events.
    const taken = await sql`select event_id from events where bank_id = 'CC2' limit 500`;
    if (taken.length > 0) {
      const res = await fetch(`${app.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${sdkKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          events: taken.map((r) => ({
            id: r.event_id,
            type: "track",
            event: "login",
            unit: "C100000001",
          })),
        }),
      });
      const answer = await res.json();
      const ok = answer.accepted === 0 && answer.duplicates === taken.length;
      outcome.exact &&= ok;
      console.log(
        `  PostgreSQL: ${taken.length} exposure/conversion ids sent as track events: ` +
          `${answer.duplicates} duplicates, ${answer.accepted} accepted (${
            ok ? "exact" : "NOT EXACT"
          })`,
      );
    }
  } finally {
    await app?.stop();
    await sql.end();
    await database.drop();
  }
  return outcome;
}

const outcomes: Outcome[] = [];
for (const backend of backends) {
  console.log(`track ingestion on ${backend}, ${formatNumber(count)} events × ${rounds} rounds…`);
  outcomes.push(backend === "postgres" ? await postgresRounds() : await pgliteRounds());
}
console.log(
  "\n| configuration | API (events/s) | COPY (rows/s) | ratio | goal ≥ 0.25, exact | met |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const o of outcomes) {
  const ratio = median(o.api) / median(o.copy);
  console.log(
    `| ${o.backend} | ${formatNumber(median(o.api))} | ${formatNumber(median(o.copy))} | ` +
      `${ratio.toFixed(2)} | ${o.exact ? "exact" : "NOT EXACT"} | ${
        ratio >= GOAL && o.exact ? "yes" : "no"
      } |`,
  );
}
