/**
 * Password hashing with PBKDF2-SHA256 through WebCrypto (OWASP 2023: ≥ 600,000 iterations).
 * Stored form: `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; verification is constant
 * time over the derived bytes.
 */
const ITERATIONS = 600_000;
const encoder = new TextEncoder();

export const PASSWORD_MIN_LENGTH = 10;

/** Returns a reason code when a password is too weak, or `null` when it is acceptable. */
export function passwordProblem(
  password: string,
): "TOO_SHORT" | "TOO_LONG" | "TOO_SIMPLE" | null {
  if (password.length < PASSWORD_MIN_LENGTH) return "TOO_SHORT";
  if (password.length > 256) return "TOO_LONG";
  if (new Set(password).size < 5) return "TOO_SIMPLE";
  return null;
}

async function derive(password: string, salt: Uint8Array, iterations: number) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterationsText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterationsText);
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || !saltText || !hashText) {
    return false;
  }
  const actual = await derive(password, fromBase64(saltText), iterations);
  return constantTimeEqual(actual, fromBase64(hashText));
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** SHA-256 of a token or key, hex encoded: what is stored for sessions and SDK keys. */
export { sha256Hex } from "./hash.ts";

/** A random token with `bytes` bytes of entropy, base64url without padding. */
export function randomToken(bytes = 32): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(bytes))).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
