/**
 * Where the app may send a browser after the language switch or a sign-in: only a path on this
 * site. Pure.
 */

/** A base that cannot be anyone's origin; a `next` that resolves elsewhere is refused. */
const BASE = "http://x.invalid";
/**
 * Backslashes (browsers read `/\evil` as `//evil`), C0 controls and DEL (URL parsers drop tabs
 * and line breaks, so `/\t/evil` becomes `//evil`; a CR in a header is refused).
 */
// deno-lint-ignore no-control-regex -- control characters are what this refuses
const UNSAFE = /[\\\u0000-\u001f\u007f]/;
/** Longer `next` values are not paths a page of this app links to. */
const MAX_LENGTH = 2048;

/**
 * `next` as a same-origin path (with its query and fragment), or `"/"` when it is anything
 * else: not a string, not starting with exactly one `/`, holding a backslash or a control
 * character, or resolving to another origin (`//evil`, `http://evil`, `javascript:`). The
 * path comes back as the URL parser resolved it, percent-encoded, so it is always a valid
 * `Location` header.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > MAX_LENGTH) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || UNSAFE.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE || !url.pathname.startsWith("/") || url.pathname.startsWith("//")) {
    return "/";
  }
  return `${url.pathname}${url.search}${url.hash}`;
}
