/**
 * The local-evaluation client of `bench/local.ts`, run on the load core:
 * `deno run -A bench/local_client.ts <app url> <sdk key> <database url> <seconds per round> <rounds>`.
 * Prints one JSON line: assignments per second of local evaluation (the SDK's `assign`) beside
 * the bare A/B formula (`assignVariant`, all the SDK could do before) in alternating rounds, and
 * how long a change committed in the database takes to reach the following client.
 *
 * Throughput is counted per second of the process's CPU time (user + system, every thread, so
 * garbage collection is included), per second of the evaluating thread's own CPU time (Linux:
 * `/proc/thread-self/stat`, in clock ticks of 10 ms; null elsewhere) and per second of wall
 * time: on a shared machine the wall time includes waiting for the core.
 */
import process from "node:process";
import postgres from "postgres";
import { assignVariant } from "../lib/experiments/assignment.ts";
import {
  compileConfig,
  type ConfigPayload,
  evaluate,
} from "../lib/experiments/local_evaluation.ts";
import { createClient } from "../sdk/lensloop.ts";

const [baseUrl, sdkKey, databaseUrl, secondsArg, roundsArg] = Deno.args;
const seconds = Number(secondsArg ?? 2);
const rounds = Number(roundsArg ?? 3);

const UNITS = Array.from(
  { length: 100_000 },
  (_, i) => i % 2 ? `C${100_000_000 + i}` : `62220200${String(i * 7919).padStart(11, "0")}`,
);

/** This thread's CPU time in seconds (user + system), or null where /proc does not say. */
function threadCpuSeconds(): number | null {
  try {
    const stat = Deno.readTextFileSync("/proc/thread-self/stat");
    // Fields after the command name (in parentheses): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Runs `step` over the units for about `seconds`; answers per CPU second (the process's and the
 * thread's) and per wall second.
 */
function measure(step: (unit: string) => boolean) {
  let n = 0;
  let hits = 0;
  const thread0 = threadCpuSeconds();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < UNITS.length; i++) if (step(UNITS[i])) hits++;
    n += UNITS.length;
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const thread1 = threadCpuSeconds();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  if (hits === 0) throw new Error("no unit was assigned");
  const threadS = thread0 === null || thread1 === null ? null : thread1 - thread0;
  return {
    perCpuSecond: n / cpuS,
    perThreadCpuSecond: threadS ? n / threadS : null,
    perWallSecond: n / wallS,
  };
}

/** An experiment with every rule the payload carries: holdout, layer, segment, QA units. */
const FULL: ConfigPayload = {
  version: "bench",
  holdout: { percent: 5, salt: "bench-salt" },
  experiments: [{
    key: "full-rules",
    mode: "ab",
    status: "running",
    hashVersion: 2,
    variants: [{ name: "control", weight: 1 }, { name: "coupon", weight: 1 }],
    targeting: { stages: ["active", "high_value"] },
    segment: { tags: ["信用卡", "payroll"] },
    channel: "sms",
    layer: { key: "sms-main", range: [0, 0.6] },
    forced: [{ unit: "QA-001", variant: "coupon" }],
    capped: false,
    quietHours: null,
  }],
};

const client = createClient({ baseUrl, sdkKey, pollSeconds: 30 });
await client.ready();
const welcome = client.configOf("welcome-sms")!;
const full = compileConfig(FULL).experiments.get("full-rules")!;
const facts = { attributes: { stage: "active", tags: ["payroll"] }, consent: true };
const now = new Date();

const results: Record<string, Array<ReturnType<typeof measure>>> = {
  formula: [],
  local: [],
  localFull: [],
};
for (let round = 0; round < rounds; round++) {
  results.formula.push(
    measure((u) => assignVariant("welcome-sms", u, welcome.variants, welcome.hashVersion) !== null),
  );
  results.local.push(measure((u) => client.assign("welcome-sms", u).inExperiment));
  results.localFull.push(measure((u) => evaluate(full, u, facts, now).inExperiment));
}

// Propagation: a change committed in the database until the following client uses it.
const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
const weights: number[] = [];
const stops: number[] = [];
try {
  const [{ weight: original }] = await sql<{ weight: number }[]>`
    select v.weight from variants v join experiments e on e.id = v.experiment_id
    where e.bank_id = 'CC2' and e.key = 'welcome-sms' and v.position = 0`;
  const until = async (check: () => boolean, started: number) => {
    while (!check()) {
      if (performance.now() - started > 10_000) throw new Error("no change within 10 s");
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return performance.now() - started;
  };
  for (let i = 0; i < 20; i++) {
    const weight = Number(original) + (i % 2 ? 0 : 0.01);
    const started = performance.now();
    await sql`update variants set weight = ${weight} where position = 0 and experiment_id =
      (select id from experiments where bank_id = 'CC2' and key = 'welcome-sms')`;
    weights.push(
      await until(() => client.configOf("welcome-sms")!.variants[0].weight === weight, started),
    );
  }
  for (let i = 0; i < 10; i++) {
    const status = i % 2 ? "running" : "stopped";
    const started = performance.now();
    await sql`update experiments set status = ${status}
      where bank_id = 'CC2' and key = 'welcome-sms'`;
    stops.push(await until(() => client.configOf("welcome-sms")!.status === status, started));
  }
} finally {
  await sql`update experiments set status = 'running' where bank_id = 'CC2' and key = 'welcome-sms'`;
  await sql.end();
  client.close();
}
console.log(JSON.stringify({ ...results, propagation: { weights, stops } }));
