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
    translation?: Translation,
  ) {
    super(message);
    this.name = "AppError";
    this.translation = translation;
  }
}

/*
 * The helpers take the message in English (logs, tests) and, for what a person or a bank's
 * integration reads, its catalogue entry: `notFound("No such bank", { key: "error.api.noBank" })`.
 */

export function badRequest(code: string, message: string, translation?: Translation): AppError {
  return new AppError(400, code, message, {}, translation);
}

export function notFound(message = "Not found", translation?: Translation): AppError {
  return new AppError(404, "NOT_FOUND", message, {}, translation);
}

export function unauthorized(message = "Sign in required"): AppError {
  return new AppError(401, "UNAUTHORIZED", message);
}

export function forbidden(message = "Not allowed", translation?: Translation): AppError {
  return new AppError(403, "FORBIDDEN", message, {}, translation);
}

export function conflict(code: string, message: string, translation?: Translation): AppError {
  return new AppError(409, code, message, {}, translation);
}

/** Catalogue entries several call sites share. */
export const NO_BANK: Translation = { key: "error.api.noBank" };
export const NO_ASSESSMENT: Translation = { key: "error.api.noAssessment" };
export const BANK_REQUIRED: Translation = { key: "error.api.bankRequired" };
export const ROLE_TARGETS: Translation = { key: "error.api.role.targets" };
export const ROLE_EXPERIMENTS: Translation = { key: "error.api.role.experiments" };

/** `No bank "<id>"`: the id as asked. */
export function noBankNamed(bank: string): Translation {
  return { key: "error.api.noBankNamed", params: { bank } };
}

/** `Bad period "<period>"` with examples of good ones. */
export function badPeriod(period: string): Translation {
  return { key: "error.api.badPeriod", params: { period } };
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
