/**
 * Helpers of `bench/run.ts`: processes pinned to a core, `wrk` runs parsed, the CPU time a
 * process spent, a throwaway PostgreSQL database.
 */
import postgres from "postgres";

export const SERVER_CORE = 0;
export const LOAD_CORE = 1;
const ROOT = new URL("..", import.meta.url);

const hasTaskset = (await new Deno.Command("sh", { args: ["-c", "command -v taskset"] }).output())
  .success;
const clockTicks = Number(
  new TextDecoder().decode(
    (await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output()).stdout,
  ),
) || 100;

/** `cmd args…` pinned to a core when `taskset` exists. */
export function pinned(core: number, args: string[]): [string, string[]] {
  return hasTaskset ? ["taskset", ["-c", String(core), ...args]] : [args[0], args.slice(1)];
}

export interface Server {
  pid: number;
  url: string;
  /** What it printed until it listened, then the last 64 KiB. */
  output: () => string;
  /** Lines it has printed on stdout and stderr (request logs included). */
  lines: () => number;
  stop: () => Promise<void>;
}

/** Starts `deno run -A script` on the server core; resolves once it prints that it listens. */
export async function startServer(script: string, env: Record<string, string>): Promise<Server> {
  const [cmd, args] = pinned(SERVER_CORE, [Deno.execPath(), "run", "-A", script]);
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env: { ...env, RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let lines = 0;
  const decoder = new TextDecoder();
  // Read as a log pipeline would; only the tail is kept (request logs run to gigabytes).
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
      text += decoder.decode(chunk);
      if (text.length > 1 << 17) text = text.slice(-(1 << 16));
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = Date.now() + 120_000;
  while (!/running at|listening/i.test(text)) {
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill("SIGKILL");
      await pumps;
      throw new Error(`${script} did not start:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${env.PORT}`,
    output: () => text,
    lines: () => lines,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await pumps;
    },
  };
}

/** User + system CPU time of a process (all its threads), in microseconds. */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks * 1e6 / clockTicks;
}

/** Resident memory of a process, in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

export interface WrkResult {
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  non2xx: number;
  /** Server CPU per request (µs), when the server's pid was given. */
  cpuMicrosPerRequest: number;
}

/** `wrk` on the load core against `url`, with a Lua script and headers. */
export async function wrk(
  url: string,
  options: {
    connections: number;
    duration: string;
    script?: string;
    headers?: Record<string, string>;
    /** Environment of the Lua script. */
    env?: Record<string, string>;
    serverPid?: number;
  },
): Promise<WrkResult> {
  const headerArgs = Object.entries(options.headers ?? {}).flatMap((
    [k, v],
  ) => ["-H", `${k}: ${v}`]);
  const [cmd, args] = pinned(LOAD_CORE, [
    "wrk",
    "-t1",
    `-c${options.connections}`,
    `-d${options.duration}`,
    "--latency",
    ...(options.script ? ["-s", options.script] : []),
    ...headerArgs,
    url,
  ]);
  const cpu0 = options.serverPid ? await cpuMicros(options.serverPid) : 0;
  const result = await new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env: options.env,
    stderr: "inherit",
  })
    .output();
  const cpu1 = options.serverPid ? await cpuMicros(options.serverPid) : 0;
  const out = new TextDecoder().decode(result.stdout);
  const ms = (m: RegExpMatchArray | null) =>
    m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]] : NaN;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  return {
    requests,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50ms: ms(out.match(/50%\s+([\d.]+)(us|ms|s)/)),
    p99ms: ms(out.match(/99%\s+([\d.]+)(us|ms|s)/)),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    cpuMicrosPerRequest: options.serverPid ? (cpu1 - cpu0) / requests : NaN,
  };
}

/** Runs `deno run -A script args…` on the load core and parses the JSON it prints last. */
export async function runClient<T>(script: string, args: string[]): Promise<T> {
  const [cmd, cmdArgs] = pinned(LOAD_CORE, [Deno.execPath(), "run", "-A", script, ...args]);
  const result = await new Deno.Command(cmd, {
    args: cmdArgs,
    cwd: ROOT,
    env: { RUST_BACKTRACE: "0", NO_COLOR: "1" },
    stderr: "inherit",
  }).output();
  const out = new TextDecoder().decode(result.stdout).trim().split("\n");
  if (!result.success) throw new Error(`${script} failed:\n${out.join("\n")}`);
  return JSON.parse(out[out.length - 1]) as T;
}

/** Creates an empty database on the server of `serverUrl`; `drop()` removes it. */
export async function throwawayDatabase(serverUrl: string) {
  const name = `lensloop_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** Median of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** What every benchmark section gets from `run.ts`. */
export interface BenchContext {
  app: Server;
  bare: Server;
  /** What any assignment answer costs in Deno before our logic (`floor_server.ts`). */
  floor: Server;
  sql: postgres.Sql;
  databaseUrl: string;
  sdkKey: string;
  adminEmail: string;
  adminPassword: string;
  duration: string;
  connections: number;
  rounds: number;
}

/** One line of the summary `run.ts` prints. */
export interface Row {
  benchmark: string;
  measured: string;
  reference: string;
  ratio: string;
  goal: string;
  /** null when the row has no goal. */
  met: boolean | null;
}

export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
