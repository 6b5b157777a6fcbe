import type { MiddlewareHandler } from "hono";

type Write = (line: string) => void;

/** Writes one request's line: method, path, status and milliseconds. */
export function requestLine(
  write: Write = (line) => console.log(line),
): (method: string, path: string, status: number, ms: number) => void {
  return (method, path, status, ms) => write(`${method} ${path} ${status} ${ms.toFixed(1)}ms`);
}

/** One line per request (`requestLine`). */
export function requestLogger(options: { write?: Write } = {}): MiddlewareHandler {
  const log = requestLine(options.write);
  return async (c, next) => {
    const started = performance.now();
    await next();
    log(c.req.method, c.req.path, c.res.status, performance.now() - started);
  };
}
