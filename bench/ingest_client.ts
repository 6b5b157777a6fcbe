/**
 * Load client of the ingestion benchmark (run pinned to the load core by `run.ts`):
 * `deno run -A bench/ingest_client.ts <app url> <sdk key> <experiment> <events> <batch>
 * <concurrency> <prefix>` posts the stream of `_events.ts` in batches from concurrent clients,
 * then posts every tenth batch again (all duplicates). Prints one JSON line.
 */
import { benchEvents } from "./_events.ts";

const [url, key, experiment, count, batchSize, concurrency, prefix] = Deno.args;
const events = benchEvents(prefix, Number(count)).map((e) => ({ ...e, experiment }));
const bodies: string[] = [];
for (let i = 0; i < events.length; i += Number(batchSize)) {
  bodies.push(JSON.stringify({ events: events.slice(i, i + Number(batchSize)) }));
}
const totals = { accepted: 0, duplicates: 0, rejected: 0, failed: 0 };

async function post(body: string) {
  const res = await fetch(`${url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });
  const answer = await res.json();
  if (res.status !== 200) {
    totals.failed++;
    console.error(res.status, JSON.stringify(answer));
    return;
  }
  totals.accepted += answer.accepted;
  totals.duplicates += answer.duplicates;
  totals.rejected += answer.rejected.length;
}

async function drain(queue: string[]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Number(concurrency) }, async () => {
      while (next < queue.length) await post(queue[next++]);
    }),
  );
}

const started = performance.now();
await drain(bodies);
const seconds = (performance.now() - started) / 1000;
const resent = bodies.filter((_, i) => i % 10 === 0);
await drain(resent);
console.log(JSON.stringify({
  events: events.length,
  units: new Set(events.map((e) => e.unit)).size,
  converters: events.filter((e) => e.type === "conversion").length,
  resentEvents: resent.reduce((n, b) => n + JSON.parse(b).events.length, 0),
  seconds,
  perSecond: events.length / seconds,
  ...totals,
}));
