/**
 * SHA-256, hex encoded: what is stored for session tokens and SDK keys, and the version of a
 * static file or a build. Synchronous (node:crypto): on the SDK path Web Crypto's promise costs
 * ~20 µs, more than the rest of an assignment.
 */
import { createHash } from "node:crypto";

/** SHA-256 of text (as UTF-8) or bytes, as 64 lowercase hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
