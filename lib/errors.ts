/**
 * Coded application errors. One plugin (`plugins/errors.ts`) maps them to
 * `{ "error": { "code", "message" } }` with `status`; nothing else reaches a client.
 */
import type { MessageKey, Translate } from "./i18n/mod.ts";
import { describeTextProblem, INVALID_TEXT, printable, type TextProblem } from "./text.ts";

/** The same message in the reader's language: a catalogue key and its values (lib/i18n). */
export interface Translation {
  key: MessageKey;
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  /** Set when the message has a catalogue entry: pages and the error plugin show that. */
  translation?: Translation;

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

/**
 * 400 `INVALID_TEXT`: `field` (a path such as `units.1`; null when not known) holds text the
 * database cannot store (see `text.ts`).
 */
export function invalidText(field: string | null, problem: TextProblem): AppError {
  const shown = field === null ? null : printable(field);
  const error = badRequest(
    INVALID_TEXT,
    `${shown === null ? "Text" : `"${shown}"`} ${describeTextProblem(problem)}`,
  );
  error.translation = shown === null
    ? { key: `input.text.${problem}` }
    : { key: `input.field.${problem}`, params: { field: shown } };
  return error;
}

/** The message of `error` in the reader's language when it has a translation and `t` is given. */
export function messageIn(error: AppError, t?: Translate): string {
  return error.translation && t
    ? t(error.translation.key, error.translation.params)
    : error.message;
}
