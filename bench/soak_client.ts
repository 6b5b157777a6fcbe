/**
 * Load client of the soak (`bench/soak.ts` runs it pinned to the load core):
 * `deno run -A bench/soak_client.ts <app url> <sdk key> <session cookie> <seconds> <connections>`.
 * Each connection loops over a fixed mix of 20 calls: 16 single A/B assignments of customers
 * `C<n>`, 3 event batches (10 events: exposures of customers `E<n>`, every fifth converting)
 * and 1 results read (`GET /api/experiments/welcome-sms/results`, signed in). Every minute it
 * prints a progress line on stderr; at the end one JSON line on stdout: per kind of call the
 * count, errors (non-2xx answers and failed connections) and latency percentiles.
 */
const [url, key, cookie, secondsArg, connectionsArg] = Deno.args;
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
const sdk = { authorization: `Bearer ${key}` };

type Kind = "assignment" | "events" | "results";
const MIX: Kind[] = [
  ...Array<Kind>(16).fill("assignment"),
  ...Array<Kind>(3).fill("events"),
  "results",
];

interface Stats {
  latencies: number[];
  errors: number;
  statuses: Record<string, number>;
}
const stats: Record<Kind, Stats> = {
  assignment: { latencies: [], errors: 0, statuses: {} },
  events: { latencies: [], errors: 0, statuses: {} },
  results: { latencies: [], errors: 0, statuses: {} },
};
let eventsAccepted = 0;
let eventsRejected = 0;
let unitCounter = 0;
let eventCounter = 0;

function call(kind: Kind): Promise<Response> {
  if (kind === "assignment") {
    const unit = `C${(unitCounter++ * 7919) % 1_000_000}`;
    return fetch(`${url}/api/v1/experiments/welcome-sms/assignment?unit=${unit}`, {
      headers: sdk,
    });
  }
  if (kind === "events") {
    const events = [];
    for (let i = 0; i < 10; i++) {
      const n = eventCounter++;
      const unit = `E${Math.floor(n / 2)}`;
      events.push(
        n % 10 === 1
          ? { id: `soak-c${n}`, experiment: "welcome-sms", type: "conversion", unit, value: 10 }
          : { id: `soak-x${n}`, experiment: "welcome-sms", type: "exposure", unit },
      );
    }
    return fetch(`${url}/api/v1/events`, {
      method: "POST",
      headers: { ...sdk, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
  }
  return fetch(`${url}/api/experiments/welcome-sms/results`, { headers: { cookie } });
}

const started = performance.now();
const deadline = started + seconds * 1000;
let window = { at: started, requests: 0, errors: 0, latencies: [] as number[] };

async function connection(offset: number) {
  for (let i = offset; performance.now() < deadline; i++) {
    const kind = MIX[i % MIX.length];
    const s = stats[kind];
    const t0 = performance.now();
    let status = "failed";
    try {
      const res = await call(kind);
      status = String(res.status);
      if (kind === "events" && res.status === 200) {
        const answer = await res.json();
        eventsAccepted += answer.accepted;
        eventsRejected += answer.rejected.length;
      } else {
        await res.arrayBuffer();
      }
    } catch {
      // counted as failed
    }
    const ms = performance.now() - t0;
    s.latencies.push(ms);
    s.statuses[status] = (s.statuses[status] ?? 0) + 1;
    const error = !status.startsWith("2");
    if (error) s.errors++;
    window.requests++;
    window.latencies.push(ms);
    if (error) window.errors++;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
    : NaN;
}

const progress = setInterval(() => {
  const now = performance.now();
  const sorted = window.latencies.sort((a, b) => a - b);
  console.error(
    `  ${((now - started) / 60_000).toFixed(0)} min: ${
      (window.requests / ((now - window.at) / 1000)).toFixed(0)
    } req/s, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${
      percentile(sorted, 0.99).toFixed(1)
    } ms, ${window.errors} errors`,
  );
  window = { at: now, requests: 0, errors: 0, latencies: [] };
}, 60_000);

await Promise.all(Array.from({ length: connections }, (_, i) => connection(i)));
clearInterval(progress);
const elapsed = (performance.now() - started) / 1000;
const summary = (s: Stats) => {
  const sorted = s.latencies.sort((a, b) => a - b);
  return {
    count: sorted.length,
    errors: s.errors,
    statuses: s.statuses,
    p50ms: percentile(sorted, 0.5),
    p99ms: percentile(sorted, 0.99),
    maxms: sorted[sorted.length - 1] ?? NaN,
  };
};
const all = [...stats.assignment.latencies, ...stats.events.latencies, ...stats.results.latencies]
  .sort((a, b) => a - b);
console.log(JSON.stringify({
  seconds: elapsed,
  connections,
  requests: all.length,
  perSecond: all.length / elapsed,
  errors: stats.assignment.errors + stats.events.errors + stats.results.errors,
  p50ms: percentile(all, 0.5),
  p99ms: percentile(all, 0.99),
  eventsAccepted,
  eventsRejected,
  assignment: summary(stats.assignment),
  events: summary(stats.events),
  results: summary(stats.results),
}));
