/**
 * The reference of the ingestion benchmark (run pinned to the load core by `run.ts`):
 * `deno run -A bench/copy_client.ts <database url> <experiment id> <events> <prefix>` COPYs the
 * same rows the API stores into `events_copy`, a table defined like `events` (indexes and
 * foreign keys included), in one stream, then drops it. Prints one JSON line.
 */
import postgres from "postgres";
import { benchEvents } from "./_events.ts";

const [url, experimentId, count, prefix] = Deno.args;
const sql = postgres(url, { max: 1, onnotice: () => {} });
await sql`create table events_copy (like events including all)`;
await sql`alter table events_copy add foreign key (bank_id) references banks (id),
  add foreign key (experiment_id) references experiments (id)`;
const now = new Date().toISOString();
const lines = benchEvents(prefix, Number(count)).map((e) =>
  `CC2\t${e.id}\t${experimentId}\t${e.unit}\t${e.type}\t${e.value ?? "\\N"}\t\\N\t${now}\t${now}\n`
);
const started = performance.now();
const writable = await sql`copy events_copy (bank_id, event_id, experiment_id, unit, type, value,
  covariate, occurred_at, received_at) from stdin`.writable();
await new Promise<void>((resolve, reject) => {
  let i = 0;
  const write = () => {
    let ok = true;
    while (i < lines.length && ok) {
      ok = writable.write(lines.slice(i, i + 1000).join(""));
      i += 1000;
    }
    if (i < lines.length) writable.once("drain", write);
    else writable.end();
  };
  writable.on("finish", resolve);
  writable.on("error", reject);
  write();
});
const seconds = (performance.now() - started) / 1000;
const [{ n }] = await sql`select count(*)::int as n from events_copy`;
await sql`drop table events_copy`;
await sql.end();
console.log(JSON.stringify({ rows: n, seconds, perSecond: n / seconds }));
