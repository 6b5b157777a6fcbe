/**
 * Local evaluation (issue 20): the SDK's `assign` on the payload of `GET /api/v1/config`, in
 * assignments per second of one core, beside the bare A/B formula (`assignVariant`) measured in
 * alternating rounds of the same process; and how long a change (new weights, a stop) committed
 * in the database takes to reach a client following the payload (`bench/local_client.ts`).
 */
import { type BenchContext, formatNumber, median, type Row, runClient } from "./_lib.ts";

/** Per second of the process's CPU time, of the evaluating thread's (null: not known), of wall time. */
type Rate = { perCpuSecond: number; perThreadCpuSecond: number | null; perWallSecond: number };
interface LocalResult {
  formula: Rate[];
  local: Rate[];
  localFull: Rate[];
  propagation: { weights: number[]; stops: number[] };
}

const GOAL = 5_000_000;

export async function localEvaluationBenchmarks(ctx: BenchContext): Promise<Row[]> {
  const seconds = Number(Deno.env.get("BENCH_LOCAL_SECONDS") ?? 2);
  const result = await runClient<LocalResult>("bench/local_client.ts", [
    ctx.app.url,
    ctx.sdkKey,
    ctx.databaseUrl,
    String(seconds),
    String(ctx.rounds),
  ]);
  const cpu = (rates: Rate[]) => median(rates.map((r) => r.perCpuSecond));
  const wall = (rates: Rate[]) => median(rates.map((r) => r.perWallSecond));
  const thread = (rates: Rate[]) =>
    rates.every((r) => r.perThreadCpuSecond !== null)
      ? median(rates.map((r) => r.perThreadCpuSecond!))
      : null;
  const formula = cpu(result.formula);
  const m = (n: number) => `${formatNumber(n / 1e6, 2)} M/s`;
  for (const [name, rates] of Object.entries(result)) {
    if (name === "propagation") continue;
    const t = thread(rates as Rate[]);
    console.log(
      `  ${name}: ${m(cpu(rates as Rate[]))} per CPU second${
        t === null ? "" : ` (${m(t)} of the thread's)`
      }, ${m(wall(rates as Rate[]))} wall; rounds ${
        (rates as Rate[]).map((r) => formatNumber(r.perCpuSecond / 1e6, 2)).join(" ")
      }`,
    );
  }
  const { weights, stops } = result.propagation;
  console.log(`  propagation of new weights (ms): ${weights.map((w) => w.toFixed(1)).join(" ")}`);
  console.log(`  propagation of stop/start (ms): ${stops.map((w) => w.toFixed(1)).join(" ")}`);
  const row = (benchmark: string, rates: Rate[]): Row => ({
    benchmark,
    measured: `${m(cpu(rates))} (thread ${thread(rates) === null ? "?" : m(thread(rates)!)}, wall ${
      m(wall(rates))
    })`,
    reference: `assignVariant ${m(formula)}`,
    ratio: formatNumber(cpu(rates) / formula, 2),
    goal: `≥ ${m(GOAL)} a core`,
    met: cpu(rates) >= GOAL,
  });
  const latency = (benchmark: string, ms: number[]): Row => ({
    benchmark,
    measured: `median ${formatNumber(median(ms), 1)} ms, max ${
      formatNumber(Math.max(...ms), 1)
    } ms`,
    reference: "",
    ratio: "",
    goal: "< 1,000 ms",
    met: Math.max(...ms) < 1000,
  });
  return [
    row("local evaluation, A/B (SDK assign)", result.local),
    row("local evaluation, every rule", result.localFull),
    latency("change to a following client: weights", weights),
    latency("change to a following client: stop/start", stops),
  ];
}
