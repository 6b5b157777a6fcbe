/**
 * Starts Lensloop: reads the configuration, opens the database, migrates, seeds on first start,
 * builds the island bundles when stale, serves, runs the bandit reweighting schedule, and shuts
 * down gracefully on SIGINT/SIGTERM (stop accepting, finish in-flight requests and the
 * schedule's round, close the database).
 */
import { createHandler } from "./app.ts";
import { startBanditScheduler } from "./db/bandits.ts";
import { startAlertScheduler } from "./routes/alerts/_scheduler.ts";
import { isDatabaseConnectionFault, openDatabase } from "./db/client.ts";
import { ConfigCache } from "./db/config_cache.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { startMetricRefresher, stopBackgroundRecomputations } from "./db/metric_snapshots.ts";
import { useSecretKey } from "./db/suppressions.ts";
import { startStatisticsUpkeep } from "./db/statistics_upkeep.ts";
import { startReasonCountFlusher } from "./db/reason_counts.ts";
import { ReasonCounter } from "./lib/governance/reason_counter.ts";
import { metricsByKeys } from "./db/metrics.ts";
import { seedIfEmpty, type SeedResult } from "./db/seed.ts";
import { readConfig } from "./fresh.config.ts";
import { loadAssets } from "./plugins/assets.ts";
import { setUpLogging } from "./plugins/logger.ts";
import { ensureIslandsBuilt } from "./tools/build_islands.ts";
import { ensureSdkBuilt } from "./tools/build_sdk.ts";

const started = performance.now();
// Last resort: a database connection failing outside any request (a driver timer, a background
// query) is logged and the process keeps serving; db/client.ts works around the known causes.
// Any other uncaught error still ends the process.
for (const type of ["error", "unhandledrejection"] as const) {
  globalThis.addEventListener(type, (event) => {
    const error = event instanceof ErrorEvent
      ? event.error
      : (event as PromiseRejectionEvent).reason;
    if (!isDatabaseConnectionFault(error)) return;
    event.preventDefault();
    console.error(`Database connection error outside a request (kept running): ${error}`);
  });
}
const config = readConfig();
// One JSON line per request on stdout, buffered (plugins/logger.ts); LOG_REQUESTS=0 turns it off.
const closeLog = config.logRequests ? await setUpLogging() : async () => {};
const database = await openDatabase(config.databaseUrl, { dataDir: config.dataDir });
const applied = await migrateToLatest(database.db);
// Erased customers' suppression hashes are keyed with SECRET_KEY (db/suppressions.ts).
useSecretKey(database.db, config.secretKey);
const seed = await seedIfEmpty(database.db, {
  adminEmail: config.adminEmail,
  adminPassword: config.adminPassword,
  sdkKey: config.sdkKey,
  demo: config.seedDemo,
});
const { manifest, built } = await ensureIslandsBuilt();
await ensureSdkBuilt();
const assets = await loadAssets(manifest.entry);
// SDK keys, experiments and customers in memory, invalidated by notifications from any instance.
const configCache = await ConfigCache.open(database);
// Each assignment answer's reason, counted in memory per experiment (fast path and app alike) and
// added to `assignment_reason_counts` every 5 s and on shutdown (db/reason_counts.ts).
const reasonCounter = new ReasonCounter();
// The app behind the assignment fast path (both read the cache).
const handler = createHandler({ db: database.db, config, assets, configCache, reasonCounter });

const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ port }) => {
    const host = config.hostname === "0.0.0.0" ? "localhost" : config.hostname;
    printBanner(`http://${host}:${port}/`, {
      applied,
      built,
      seed,
      ms: Math.round(performance.now() - started),
    });
  },
}, handler);

// Bandits are reweighted on their own interval (15 minutes unless set); the round checks every
// minute which are due. Several instances may run it: a lock per experiment keeps one row a round.
const stopScheduler = startBanditScheduler(database.db, { everyMs: 60_000 });
// Alerts are checked and notifications sent on the same per-minute rhythm (routes/alerts).
const stopAlerts = startAlertScheduler(database.db, {
  secretKey: config.secretKey,
  allowHosts: config.notifyAllowHosts,
});
// The metric library's snapshots of running experiments are recomputed every 15 s, so results
// read them (fast) and a new event shows within about 30 s (db/metric_snapshots.ts). Not on PGlite:
// it runs one query at a time, and a refresh of a large experiment would stall every request;
// there results recompute a stale snapshot in the background when they are viewed.
const stopRefresher = database.kind === "postgres"
  ? startMetricRefresher(database.db, metricsByKeys)
  : async () => {};
// PGlite has no autovacuum: the tables the metric read-outs join are analysed every few minutes
// (db/statistics_upkeep.ts), or their plans would scan every event per customer.
const stopUpkeep = database.kind === "postgres"
  ? async () => {}
  : startStatisticsUpkeep(database.db);
const stopReasonCounts = startReasonCountFlusher(database.db, reasonCounter);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received: finishing in-flight requests…`);
  await server.shutdown();
  // The answers given until the server stopped: stored before the database closes.
  await stopReasonCounts();
  await closeLog();
  await configCache.close();
  await stopScheduler();
  await stopAlerts();
  await stopRefresher();
  await stopBackgroundRecomputations(database.db);
  await stopUpkeep();
  await database.close();
  console.log("Lensloop stopped.");
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => void shutdown(signal));
}

function printBanner(
  url: string,
  info: { applied: string[]; built: boolean; seed: SeedResult; ms: number },
) {
  const where = database.kind === "postgres"
    ? "PostgreSQL server"
    : database.kind === "pglite-memory"
    ? "embedded PostgreSQL (PGlite), in memory"
    : `embedded PostgreSQL (PGlite), data in ${database.location}`;
  const lines = [
    "",
    `  透镜·闭环 Lensloop is running at ${url}`,
    `  database:   ${where}`,
    `  migrations: ${info.applied.length ? `applied ${info.applied.join(", ")}` : "up to date"}`,
    `  islands:    ${info.built ? "built" : "up to date"} (${manifest.entry})`,
    `  demo data:  ${
      info.seed.seeded
        ? (info.seed.demo ? "seeded (20 banks, CC2 甬鑫银行)" : "not seeded (SEED_DEMO=0)")
        : "kept from an earlier start"
    }`,
  ];
  if (info.seed.seeded) {
    lines.push(`  admin:      ${info.seed.adminEmail}`);
    if (info.seed.generatedAdminPassword) {
      lines.push(`  admin password (shown once): ${info.seed.generatedAdminPassword}`);
    }
    if (info.seed.demoUsers) {
      lines.push(`  demo users: ${info.seed.demoUsers.join(", ")}`);
      lines.push(`  demo password (shown once): ${info.seed.generatedDemoPassword}`);
    }
    if (info.seed.generatedSdkKey) {
      lines.push(`  CC2 SDK key (shown once): ${info.seed.generatedSdkKey}`);
    }
  }
  lines.push(`  ready in ${info.ms} ms`, "");
  console.log(lines.join("\n"));
}
