/**
 * Load client of the batch assignment benchmark (run pinned to the load core by `run.ts`):
 * `deno run -A bench/batch_client.ts <app url> <sdk key> <experiment> <units per batch>
 * <seconds> <concurrency> <prefix>` posts batches of fresh units (a bandit stores each new arm)
 * for the given time. Prints one JSON line.
 */
const [url, key, experiment, size, seconds, concurrency, prefix] = Deno.args;
let batches = 0;
let failed = 0;
const latencies: number[] = [];
const deadline = performance.now() + Number(seconds) * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: Number(concurrency) }, async (_, worker) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const units = Array.from({ length: Number(size) }, (_, i) => `${prefix}${worker}-${n}-${i}`);
      const t0 = performance.now();
      const res = await fetch(`${url}/api/v1/assignments`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ experiment, units }),
      });
      const answer = await res.json();
      latencies.push(performance.now() - t0);
      if (res.status !== 200 || answer.assignments.length !== units.length) failed++;
      else batches++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({
  batches,
  failed,
  unitsPerSecond: batches * Number(size) / elapsed,
  p50ms: latencies[latencies.length >> 1],
  p99ms: latencies[Math.floor(latencies.length * 0.99)],
}));
