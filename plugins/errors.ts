/**
 * The one place errors become HTTP: `AppError` → its status and
 * `{ "error": { "code", "message" } }` under `/api/*`, or the error page elsewhere. Anything
 * else is a bug: logged with its stack, answered 500 without details.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, invalidText, messageIn } from "../lib/errors.ts";
import { isDatabaseUnavailable } from "../db/client.ts";
import type { AppEnv } from "./context.ts";
import { getCookie } from "hono/cookie";
import { LOCALE_COOKIE } from "./locale.ts";
import { wantsJson } from "./paths.ts";
import { pickLocale, type Translate, translator } from "../lib/i18n/mod.ts";

/**
 * The reader's translator: the locale middleware's, or (for the SDK API, mounted before it)
 * the same choice made here from the `lang` cookie and Accept-Language.
 */
function readerT(c: Context): Translate {
  return c.get("t") ??
    translator(pickLocale(getCookie(c, LOCALE_COOKIE), c.req.header("accept-language")));
}
import { renderErrorPage } from "../components/render.tsx";

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const appError = err instanceof AppError
    ? err
    : err instanceof HTTPException
    ? fromHttpException(err)
    : fromUnstorableText(err) ?? fromDatabaseOutage(err);
  if (!appError) {
    console.error(`Unhandled error on ${c.req.method} ${c.req.path}:`, err);
    if (wantsJson(c.req.path)) {
      const internal = new AppError(503, "INTERNAL", "Internal server error");
      return c.json(errorBody("INTERNAL", messageIn(internal, readerT(c))), 500);
    }
    return renderErrorPage(c, 500);
  }
  for (const [name, value] of Object.entries(appError.headers)) c.header(name, value);
  if (wantsJson(c.req.path)) {
    return c.json(errorBody(appError.code, messageIn(appError, readerT(c))), appError.status);
  }
  return renderErrorPage(c, appError.status);
};

/**
 * PostgreSQL refusing text it cannot store is a client's bad input that got past validation
 * (every field should use `storableText()`), so 400 `INVALID_TEXT`, not a 500: a NUL in text
 * (22021, invalid byte sequence 0x00) or as `\u0000` in jsonb (22P05, unsupported Unicode
 * escape), or a lone surrogate in jsonb (22P02 whose detail names a surrogate).
 */
function fromUnstorableText(err: unknown): AppError | null {
  if (typeof err !== "object" || err === null) return null;
  const { code, detail } = err as { code?: unknown; detail?: unknown };
  const surrogate = typeof detail === "string" && /surrogate/i.test(detail);
  if (code === "22021" || code === "22P05") {
    return invalidText(null, surrogate ? "LONE_SURROGATE" : "NUL");
  }
  if (code === "22P02" && surrogate) return invalidText(null, "LONE_SURROGATE");
  return null;
}

/** Seconds a client is asked to wait when the database cannot be reached. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The database unreachable (stopped, restarting, connection lost: `isDatabaseUnavailable`) is
 * no bug and no bad input: 503 `DATABASE_UNAVAILABLE` with `Retry-After`, a page saying so.
 */
function fromDatabaseOutage(err: unknown): AppError | null {
  if (!isDatabaseUnavailable(err)) return null;
  console.error(`Database unavailable: ${err instanceof Error ? err.message : String(err)}`);
  const error = new AppError(
    503,
    "DATABASE_UNAVAILABLE",
    "The database cannot be reached; try again shortly",
    { "Retry-After": String(RETRY_AFTER_SECONDS) },
  );
  error.translation = { key: "error.unavailable.message" };
  return error;
}

function fromHttpException(err: HTTPException): AppError | null {
  const status = err.status;
  if (status === 413) {
    return new AppError(413, "PAYLOAD_TOO_LARGE", "Request body is larger than 1 MiB");
  }
  if (status === 401) return new AppError(401, "UNAUTHORIZED", err.message || "Sign in required");
  if (status === 403) return new AppError(403, "FORBIDDEN", err.message || "Not allowed");
  if (status >= 400 && status < 500) {
    return new AppError(400, "BAD_REQUEST", err.message || "Bad request");
  }
  return null;
}

/** A route table entry as Hono lists it in `app.routes`. */
interface RouteEntry {
  method: string;
  path: string;
}

function pattern(path: string): RegExp {
  const source = path.split("/").map((part) =>
    part.startsWith(":")
      ? "[^/]+"
      : part === "*"
      ? ".*"
      : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${source}/?$`);
}

/**
 * 404 for unknown paths; 405 with `Allow` when the path exists under other methods. The
 * route table is read lazily from the app, so every mounted route counts.
 */
export function notFoundHandler(routes: () => RouteEntry[]): NotFoundHandler<AppEnv> {
  return (c) => {
    if (!wantsJson(c.req.path)) return renderErrorPage(c, 404);
    const allowed = new Set(
      routes().filter((r) => r.method !== "ALL" && pattern(r.path).test(c.req.path))
        .map((r) => r.method),
    );
    if (allowed.size > 0 && !allowed.has(c.req.method)) {
      c.header("Allow", [...allowed].sort().join(", "));
      const error = new AppError(
        405,
        "METHOD_NOT_ALLOWED",
        `Method ${c.req.method} is not allowed on "${c.req.path}"`,
      );
      return c.json(errorBody(error.code, messageIn(error, readerT(c))), 405);
    }
    const error = new AppError(404, "NOT_FOUND", `No route for ${c.req.method} "${c.req.path}"`);
    return c.json(errorBody(error.code, messageIn(error, readerT(c))), 404);
  };
}
