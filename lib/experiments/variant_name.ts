/**
 * The rule for an arm's (variant's) name. Names are what people call the arms — `对照组`,
 * `紧迫文案`, `control`, `urgent-copy` — and what the SDK answers with, so they may be in any
 * script. A name is:
 *
 * - 1–64 characters, counted in Unicode code points (PostgreSQL's `char_length`), after
 *   surrounding whitespace is trimmed (a form's stray space is dropped, never stored);
 * - storable text (no NUL, no lone surrogate: `lib/text.ts`);
 * - free of control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F), of line and
 *   paragraph separators (U+2028, U+2029) and of bidirectional controls (U+202A–U+202E,
 *   U+2066–U+2069), which would break a CSV row, a log line or the reading order of a table;
 * - without whitespace at either end (the characters of `EDGE_SPACE`);
 * - unique within its experiment (the request schema and the table's unique key).
 *
 * Migration 0012 puts the same rule, with the same character classes, in the `variants.name`
 * check constraint. Where an ASCII key is needed (an HTML id), use `variantSlug()`.
 */
import { storableText } from "../text_schema.ts";

export const VARIANT_NAME_MAX = 64;

/** Characters a name may not hold anywhere (as a regex class body, shared with migration 0012). */
export const FORBIDDEN_CLASS =
  "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
/** Whitespace a name may not begin or end with: JavaScript's `\s`, spelled out. */
export const EDGE_SPACE_CLASS =
  "\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

const FORBIDDEN = new RegExp(`[${FORBIDDEN_CLASS}]`, "u");
const EDGE_SPACE = new RegExp(`^[${EDGE_SPACE_CLASS}]|[${EDGE_SPACE_CLASS}]$`, "u");

/** Why `name` is not a valid arm name, or null when it is. */
export function variantNameProblem(
  name: string,
): "EMPTY" | "TOO_LONG" | "CONTROL" | "EDGE_SPACE" | "NOT_STORABLE" | null {
  if (name.length === 0) return "EMPTY";
  if (!name.isWellFormed()) return "NOT_STORABLE";
  if ([...name].length > VARIANT_NAME_MAX) return "TOO_LONG";
  if (FORBIDDEN.test(name)) return "CONTROL";
  if (EDGE_SPACE.test(name)) return "EDGE_SPACE";
  return null;
}

/** The zod schema of a name: trims, then applies the rule (messages are catalogue keys). */
export function variantName() {
  return storableText()
    .trim()
    .refine((name) => name.length > 0, { message: "validation.required", abort: true })
    .refine((name) => [...name].length <= VARIANT_NAME_MAX, {
      message: "validation.variantName.tooLong",
      params: { max: VARIANT_NAME_MAX },
      abort: true,
    })
    .refine((name) => !FORBIDDEN.test(name), { message: "validation.variantName.control" });
}

/**
 * An ASCII key for a name, for places that need one (an HTML id, a CSS hook): the name itself
 * when it is already `[A-Za-z0-9_-]`, else `v-` and the hex of its UTF-8 bytes, so two names
 * never share a key.
 */
export function variantSlug(name: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(name)) return name;
  const bytes = new TextEncoder().encode(name);
  return "v-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
