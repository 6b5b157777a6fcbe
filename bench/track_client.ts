/**
 * Clients of the `track` ingestion benchmark (`bench/track_ingest.ts`), one JSON line each:
 *
 * - `api <app url> <sdk key> <events> <batch> <concurrency> <prefix>`: posts the stream of
 *   `trackEvents` to `POST /api/v1/events` in batches from concurrent clients, then every tenth
 *   batch again (all duplicates);
 * - `copy-pg <database url> <events> <prefix>`: one `COPY` of the same rows into
 *   `track_events_copy`, a table defined like `track_events` (primary key, index and foreign
 *   key included), then drops it;
 * - `copy-pglite <data dir> <events> <prefix>`: first counts what the API stored under the
 *   prefix (the app is stopped: PGlite has one owner), then the same `COPY` in that PGlite
 *   database (`COPY … FROM '/dev/blob'`).
 */
import postgres from "postgres";

export interface TrackBenchEvent {
  id: string;
  type: "track";
  event: string;
  unit: string;
  value?: number;
  at: string;
}

const NAMES = ["card_bound", "deposit", "login", "withdrawal"];
const BASE = Date.parse("2026-11-01T00:00:00Z");

/**
 * The stream: customer `C<9 digits>` (count / 4 customers) does one of four things; deposits
 * and withdrawals carry an amount (withdrawals negative), all in November 2026.
 */
export function trackEvents(prefix: string, count: number): TrackBenchEvent[] {
  const events: TrackBenchEvent[] = [];
  const customers = Math.max(1, Math.floor(count / 4));
  for (let i = 0; i < count; i++) {
    const event = NAMES[i % 4];
    const e: TrackBenchEvent = {
      id: `${prefix}t${i}`,
      type: "track",
      event,
      unit: `C${100000000 + (i * 7919) % customers}`,
      at: new Date(BASE + i * 1000).toISOString(),
    };
    if (event === "deposit") e.value = 100 + (i % 997);
    if (event === "withdrawal") e.value = -(50 + (i % 311));
    events.push(e);
  }
  return events;
}

/** The stream as COPY text lines of `track_events`. */
function copyText(prefix: string, count: number): string[] {
  const now = new Date().toISOString();
  return trackEvents(prefix, count).map((e) =>
    `CC2\t${e.id}\t${e.event}\t${e.unit}\t${e.value ?? "\\N"}\t${e.at}\t${now}\n`
  );
}

const COPY_COLUMNS = "(bank_id, event_id, event, unit, value, occurred_at, received_at)";

async function api(args: string[]) {
  const [url, key, count, batchSize, concurrency, prefix] = args;
  const events = trackEvents(prefix, Number(count));
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += Number(batchSize)) {
    bodies.push(JSON.stringify({ events: events.slice(i, i + Number(batchSize)) }));
  }
  const totals = { accepted: 0, duplicates: 0, rejected: 0, failed: 0 };
  const post = async (body: string) => {
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
  };
  const drain = async (queue: string[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Number(concurrency) }, async () => {
        while (next < queue.length) await post(queue[next++]);
      }),
    );
  };
  const started = performance.now();
  await drain(bodies);
  const seconds = (performance.now() - started) / 1000;
  const resent = bodies.filter((_, i) => i % 10 === 0);
  await drain(resent);
  return {
    events: events.length,
    valueSum: events.reduce((s, e) => s + (e.value ?? 0), 0),
    resentEvents: resent.reduce((n, b) => n + JSON.parse(b).events.length, 0),
    seconds,
    perSecond: events.length / seconds,
    ...totals,
  };
}

async function copyPostgres(args: string[]) {
  const [url, count, prefix] = args;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql`create table track_events_copy (like track_events including all)`;
  await sql`alter table track_events_copy add foreign key (bank_id) references banks (id)`;
  const lines = copyText(prefix, Number(count));
  const started = performance.now();
  const writable = await sql`copy track_events_copy ${sql.unsafe(COPY_COLUMNS)} from stdin`
    .writable();
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
  const [{ n }] = await sql`select count(*)::int as n from track_events_copy`;
  await sql`drop table track_events_copy`;
  await sql.end();
  return { rows: n, seconds, perSecond: n / seconds };
}

async function copyPglite(args: string[]) {
  const [dataDir, count, prefix] = args;
  const { PGlite } = await import("@electric-sql/pglite");
  const pg = new PGlite({ dataDir });
  await pg.waitReady;
  const stored = await pg.query<{ n: number; s: number }>(
    `select count(*)::int as n, coalesce(sum(value), 0)::float8 as s from track_events
      where bank_id = 'CC2' and event_id like $1`,
    [`${prefix}%`],
  );
  await pg.exec(`create table track_events_copy (like track_events including all);
    alter table track_events_copy add foreign key (bank_id) references banks (id)`);
  const blob = new Blob([copyText(prefix, Number(count)).join("")]);
  const started = performance.now();
  await pg.query(`copy track_events_copy ${COPY_COLUMNS} from '/dev/blob'`, [], { blob });
  const seconds = (performance.now() - started) / 1000;
  const copied = await pg.query<{ n: number }>(
    "select count(*)::int as n from track_events_copy",
  );
  await pg.exec("drop table track_events_copy");
  await pg.close();
  const rows = copied.rows[0].n;
  return {
    rows,
    seconds,
    perSecond: rows / seconds,
    stored: stored.rows[0].n,
    storedValueSum: stored.rows[0].s,
  };
}

if (import.meta.main) {
  const [mode, ...args] = Deno.args;
  const result = mode === "api"
    ? await api(args)
    : mode === "copy-pg"
    ? await copyPostgres(args)
    : mode === "copy-pglite"
    ? await copyPglite(args)
    : null;
  if (!result) throw new Error(`Unknown mode "${mode}": api, copy-pg or copy-pglite`);
  console.log(JSON.stringify(result));
}
