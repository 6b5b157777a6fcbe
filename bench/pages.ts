/**
 * Page benchmarks: the JavaScript a page makes the browser load — the client entry, its static
 * imports, and the chunk of each island on the page with its imports, each file gzipped (level
 * 6, as a server or CDN would send it) — and the server time of the page (one connection, so
 * latency is server time plus loopback).
 */
import { gzipSync } from "node:zlib";
import { type BenchContext, formatNumber, type Row, wrk } from "./_lib.ts";
import { signIn } from "./results.ts";

const PAGES = [
  { name: "scorecard", path: "/banks/CC2" },
  { name: "results page", path: "/experiments/results-10m" },
];

/** Every script a page loads (static and island imports followed), with raw and gzip bytes. */
async function pageScripts(base: string, path: string, cookie: string) {
  const html = await (await fetch(`${base}${path}`, { headers: { cookie } })).text();
  const islands = new Set([...html.matchAll(/data-island="([^"]+)"/g)].map((m) => m[1]));
  const queue = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
  const seen = new Map<string, { raw: number; gzip: number }>();
  while (queue.length) {
    const src = queue.shift()!;
    if (seen.has(src)) continue;
    const code = await (await fetch(new URL(src, base))).text();
    const bytes = new TextEncoder().encode(code);
    seen.set(src, { raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length });
    const dir = src.slice(0, src.lastIndexOf("/") + 1);
    for (const m of code.matchAll(/(?:from|import)\s*"(\.\/[^"]+\.js)"/g)) {
      queue.push(dir + m[1].slice(2));
    }
    for (const m of code.matchAll(/(\w+):\(\)=>import\("(\.\/[^"]+\.js)"\)/g)) {
      if (islands.has(m[1])) queue.push(dir + m[2].slice(2));
    }
  }
  const files = [...seen.values()];
  return {
    files: files.length,
    islands: [...islands],
    raw: files.reduce((n, f) => n + f.raw, 0),
    gzip: files.reduce((n, f) => n + f.gzip, 0),
  };
}

export async function pageBenchmarks(ctx: BenchContext): Promise<Row[]> {
  const cookie = await signIn(ctx);
  const rows: Row[] = [];
  for (const page of PAGES) {
    const js = await pageScripts(ctx.app.url, page.path, cookie);
    const latency = await wrk(`${ctx.app.url}${page.path}`, {
      connections: 1,
      duration: ctx.duration,
      headers: { cookie },
      serverPid: ctx.app.pid,
    });
    if (latency.non2xx > 0) throw new Error(`${page.path} answered non-2xx`);
    console.log(
      `  ${page.path}: ${js.files} scripts (islands: ${js.islands.join(", ") || "none"}), ` +
        `${formatNumber(js.raw / 1024, 1)} KiB raw`,
    );
    rows.push({
      benchmark: `${page.name} (${page.path})`,
      measured: `JS ${formatNumber(js.gzip / 1024, 1)} KiB gzipped in ${js.files} files`,
      reference: `server p50 ${latency.p50ms.toFixed(1)} ms, p99 ${latency.p99ms.toFixed(1)} ms`,
      ratio: "",
      goal: "",
      met: null,
    });
  }
  return rows;
}
