/**
 * Erasing a customer (PIPL Art. 47), the pure parts: the suppression hash that keeps an erased
 * customer out of every later experiment, the token that replaces their id, and the rewriting of
 * JSON (audit details, alert details) that mentions them.
 *
 * The suppression record is a keyed hash, HMAC-SHA-256, never a plain one: a bank's customer ids
 * are short and often sequential numbers, so a plain SHA-256 of every id from 1 to 10⁹ takes
 * minutes and would give the erased ids back to anyone who reads the table. With the app's
 * secret key (`SECRET_KEY`) as the key, the table alone reveals nothing. The key is derived from
 * the secret for this one use, and the bank is part of the message, so the same id at two banks
 * gives two unrelated hashes. Synchronous (node:crypto): a look-up costs 10–20 µs of CPU
 * (measured on the 2-core CI machine; about 3× a plain SHA-256), paid on the assignment hot path
 * only by banks that have suppressions.
 */
import { createHmac } from "node:crypto";

/** Hashes a bank's customer id for `customer_suppressions.unit_hash` (64 hex digits). */
export type UnitHasher = (bankId: string, unit: string) => string;

/** The hasher for a secret (the app's `SECRET_KEY`, or the database's development key). */
export function unitHasher(secret: string): UnitHasher {
  const key = createHmac("sha256", secret).update("lensloop customer suppression v1").digest();
  return (bankId, unit) => createHmac("sha256", key).update(`${bankId}\u0000${unit}`).digest("hex");
}

/** What replaces an erased customer's id everywhere: `erased:` and a random UUID. */
export function erasureToken(uuid: string): string {
  return `erased:${uuid}`;
}

/** Whether a unit is an erasure token (such a unit is never a customer). */
export function isErasureToken(unit: string): boolean {
  return unit.startsWith("erased:");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Replaces a customer id in JSON (as parsed): a string equal to it, an object key equal to it,
 * and the id as a whole word inside a longer string (`Unit "10023" opted out`; not the 10023 of
 * 100234). Numbers are left alone (a count is no customer id). Returns the new value and how
 * many replacements were made (0: the value is returned as it was).
 */
export function replaceUnitInJson(
  value: unknown,
  unit: string,
  token: string,
): { value: unknown; replaced: number } {
  const word = new RegExp(
    `(?<![\\p{L}\\p{N}_])${escapeRegExp(unit)}(?![\\p{L}\\p{N}_])`,
    "gu",
  );
  let replaced = 0;
  const inString = (text: string): string => {
    if (text === unit) {
      replaced++;
      return token;
    }
    if (!text.includes(unit)) return text;
    return text.replace(word, () => {
      replaced++;
      return token;
    });
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return inString(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) out[inString(k)] = walk(inner);
      return out;
    }
    return v;
  };
  const result = walk(value);
  return replaced ? { value: result, replaced } : { value, replaced: 0 };
}

/** `replaceUnitInJson` for plain text (an audit entry's target). */
export function replaceUnitInText(
  text: string,
  unit: string,
  token: string,
): { value: string; replaced: number } {
  const { value, replaced } = replaceUnitInJson(text, unit, token);
  return { value: value as string, replaced };
}
