import { Hono } from "hono";
import { join } from "node:path";
import { AppError } from "../lib/errors.ts";
import type { AppEnv } from "../plugins/context.ts";

/** Written by `tools/build_sdk.ts` (run by `main.ts` and `deno task build`). */
const BUNDLE = join(import.meta.dirname!, "..", "static", "build", "sdk", "lensloop.js");

/**
 * `GET /sdk/lensloop.js`: the SDK as an ES module, importable from a bank's own pages (public,
 * cross-origin allowed).
 */
const sdk = new Hono<AppEnv>();

sdk.get("/sdk/lensloop.js", async (c) => {
  const text = await Deno.readTextFile(BUNDLE).catch(() => null);
  if (text === null) {
    throw new AppError(503, "SDK_NOT_BUILT", 'The SDK bundle is not built: run "deno task build"');
  }
  c.header("Content-Type", "text/javascript; charset=utf-8");
  c.header("Cache-Control", "public, max-age=300");
  c.header("Access-Control-Allow-Origin", "*");
  c.header("Cross-Origin-Resource-Policy", "cross-origin");
  return c.body(text);
});

export default sdk;
