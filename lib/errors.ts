/**
 * Coded application errors. One plugin (`plugins/errors.ts`) maps them to
 * `{ "error": { "code", "message" } }` with `status`; nothing else reaches a client.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 503,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function badRequest(code: string, message: string): AppError {
  return new AppError(400, code, message);
}

export function notFound(message = "Not found"): AppError {
  return new AppError(404, "NOT_FOUND", message);
}

export function unauthorized(message = "Sign in required"): AppError {
  return new AppError(401, "UNAUTHORIZED", message);
}

export function forbidden(message = "Not allowed"): AppError {
  return new AppError(403, "FORBIDDEN", message);
}

export function conflict(code: string, message: string): AppError {
  return new AppError(409, code, message);
}
