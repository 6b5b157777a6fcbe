/**
 * Coded application errors. One plugin (`plugins/errors.ts`) maps them to
 * `{ "error": { "code", "message" } }` with `status`; nothing else reaches a client.
 */
import { keyFor, localeOf, type MessageKey, type Translate } from "./i18n/mod.ts";
import { describeTextProblem, INVALID_TEXT, printable, type TextProblem } from "./text.ts";

/**
 * The same message in the reader's language: a catalogue key and its values (lib/i18n), or a
 * function that says it with the reader's translator (a validation error's issues).
 */
export type Translation =
  | { key: MessageKey; params?: Record<string, string | number> }
  | { say: (t: Translate) => string };

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

/**
 * Han characters outside quoted values: a message that has them was written in Chinese at its
 * call site (`No variant "紧迫文案"` is English with a Chinese name in it).
 */
const HAN = /\p{Script=Han}/u;
const QUOTED = /"[^"]*"|“[^”]*”/g;

/**
 * The message of `error` in the reader's language (`t`'s): its translation when it has one;
 * otherwise the message as given when it is already in that language (English call sites, or
 * one that translated its own message), else the catalogue's words for its code
 * (`error.code.*`, lib/i18n/error_messages.ts). Without `t`, the message as given.
 */
export function messageIn(error: AppError, t?: Translate): string {
  if (!t) return error.message;
  const translation = error.translation;
  if (translation) {
    return "say" in translation ? translation.say(t) : t(translation.key, translation.params);
  }
  if (localeOf(t) === "en" || HAN.test(error.message.replace(QUOTED, ""))) return error.message;
  const key = keyFor("error.code.", error.code);
  return key ? t(key) : error.message;
}
