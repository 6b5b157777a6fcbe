/**
 * Static files under `/static/`: the island bundles in `static/build/<hash>/` are immutable
 * (cached for a year); other files are referenced with `?v=<content hash>` and cached for a
 * year too, so a new deploy is fetched at once. `/favicon.ico` answers with the SVG icon.
 */
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import { join } from "node:path";
import { sha256Hex } from "../lib/security/hash.ts";

const STATIC_ROOT = join(import.meta.dirname!, "..", "static");

export interface Assets {
  /** URL of the island client entry, or null when no island bundle exists. */
  clientEntry: string | null;
  /** URL of a static file with its cache-busting version, e.g. `/static/app.css?v=ab12`. */
  url(file: string): string;
}

export async function loadAssets(clientEntry: string | null): Promise<Assets> {
  const versions = new Map<string, string>();
  for (const file of ["app.css", "print.css", "favicon.svg"]) {
    try {
      const bytes = await Deno.readFile(join(STATIC_ROOT, file));
      versions.set(file, sha256Hex(bytes).slice(0, 8));
    } catch {
      // A missing file has no version; its URL still resolves to a 404.
    }
  }
  return {
    clientEntry,
    url: (file) => `/static/${file}${versions.has(file) ? `?v=${versions.get(file)}` : ""}`,
  };
}

const YEAR = "public, max-age=31536000, immutable";

export function staticRoutes(): Hono {
  const app = new Hono();
  app.use("/static/*", async (c, next) => {
    await next();
    if (c.res.status === 200) {
      const immutable = c.req.path.startsWith("/static/build/") || c.req.query("v");
      c.header("Cache-Control", immutable ? YEAR : "public, max-age=300");
    }
  });
  app.get(
    "/static/*",
    serveStatic({ root: STATIC_ROOT, rewriteRequestPath: (path) => path.replace(/^\/static/, "") }),
  );
  app.get("/favicon.ico", async (c) => {
    const icon = await Deno.readFile(join(STATIC_ROOT, "favicon.svg"));
    c.header("Content-Type", "image/svg+xml");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(icon);
  });
  return app;
}
