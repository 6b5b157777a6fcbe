import type { MiddlewareHandler } from "hono";

/** One line per request: method, path, status and milliseconds. */
export function requestLogger(options: { write?: (line: string) => void } = {}): MiddlewareHandler {
  const write = options.write ?? ((line: string) => console.log(line));
  return async (c, next) => {
    const started = performance.now();
    await next();
    const ms = (performance.now() - started).toFixed(1);
    write(`${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms`);
  };
}
