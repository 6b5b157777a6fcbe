/**
 * Text the database can store. PostgreSQL refuses U+0000 (NUL) in `text` and `jsonb`, and a
 * lone UTF-16 surrogate has no UTF-8 form: `jsonb` refuses it, and `text` silently stores
 * U+FFFD instead, so `"a\ud800"` and `"a\udc00"` would become the same customer. Every string a
 * client sends that may be stored or looked up is checked with these at the edge, so such
 * input is refused with 400 `INVALID_TEXT` before anything is stored. Pure, no dependencies
 * (islands import the lens rules that use it).
 */

/** The code of the error and of a rejected batch entry. */
export const INVALID_TEXT = "INVALID_TEXT";

/** Why a string cannot be stored. */
export type TextProblem = "NUL" | "LONE_SURROGATE";

/** What is wrong with `value` as stored text, or null when nothing is. */
export function textProblem(value: string): TextProblem | null {
  if (value.includes("\u0000")) return "NUL";
  if (!value.isWellFormed()) return "LONE_SURROGATE";
  return null;
}

/** True when the database can store `value` as it is. */
export function isStorableText(value: string): boolean {
  return textProblem(value) === null;
}

/** `value` safe to show in a message: NUL and lone surrogates become U+FFFD. */
export function printable(value: string): string {
  return value.toWellFormed().replaceAll("\u0000", "\uFFFD");
}

/** The English wording of a problem (messages in the reader's language come from lib/i18n). */
export function describeTextProblem(problem: TextProblem): string {
  return problem === "NUL"
    ? "must not contain the NUL character (U+0000)"
    : "must not contain a lone UTF-16 surrogate (not well-formed Unicode)";
}
