import { Hono } from "hono";
import { configFeed } from "../../../db/sdk_config.ts";
import type { AppEnv } from "../../../plugins/context.ts";
import { SDK_HEADERS } from "../../../plugins/sdk_headers.ts";
import { parseWith } from "../../../plugins/validate.ts";
import { configQuery } from "./config_schemas.ts";

/**
 * `GET /config`: the bank's configuration payload for local evaluation (docs/SDK.md), with its
 * version as ETag; `If-None-Match` with that version → 304, and with `?wait=N` the answer waits
 * up to N seconds for a change (long polling, db/sdk_config.ts).
 */
const config = new Hono<AppEnv>();

/** The versions an If-None-Match header names (`"v"`, `W/"v"`, lists; `*` matches any). */
function versionsIn(header: string | undefined): string[] {
  if (!header) return [];
  return header.split(",").map((v) => v.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1"));
}

function answer(status: 200 | 304, version: string, json: string | null): Response {
  const headers = new Headers(SDK_HEADERS as [string, string][]);
  headers.set("etag", `"${version}"`);
  if (status === 304) headers.delete("content-type");
  return new Response(json, { status, headers });
}

config.get("/config", async (c) => {
  const { wait } = parseWith(configQuery, c.req.query());
  const feed = configFeed(c.get("db"), c.get("deps").configCache);
  const source = c.get("sdk");
  const bankId = c.get("sdkBankId");
  const current = await feed.current(source, bankId);
  const known = versionsIn(c.req.header("if-none-match"));
  if (!known.includes(current.version) && !known.includes("*")) {
    return answer(200, current.version, current.json);
  }
  if (!wait) return answer(304, current.version, null);
  const changed = await feed.changedFrom(source, bankId, current.version, {
    waitMs: wait * 1000,
    signal: c.req.raw.signal,
  });
  return changed ? answer(200, changed.version, changed.json) : answer(304, current.version, null);
});

export default config;
