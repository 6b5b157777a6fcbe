/**
 * The cryptography of notifications, all through WebCrypto (`crypto.subtle`), nothing written by
 * hand:
 * - secrets at rest: AES-256-GCM with a 96-bit random IV, the key derived by HKDF-SHA-256 from
 *   the configured secret (`SECRET_KEY`), the ciphertext bound to its row and field by the
 *   additional data (a ciphertext copied to another channel does not decrypt);
 * - signatures: HMAC-SHA-256, as hex (the generic webhook) or Base64 (DingTalk, Feishu).
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Version prefix of stored ciphertexts: `v1:` + Base64(IV ‖ ciphertext ‖ tag). */
const PREFIX = "v1:";

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (const b of view) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The AES-GCM key for stored secrets, derived from the configured secret by HKDF-SHA-256. */
export async function secretsKey(secret: string): Promise<CryptoKey> {
  if (secret.length < 16) throw new RangeError("The secret key must have at least 16 characters");
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, [
    "deriveKey",
  ]);
  return await crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: encoder.encode("lensloop"),
      info: encoder.encode("notification secrets v1"),
    },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts `plain`; `context` (e.g. `channel:<id>:url`) must be given again to decrypt. */
export async function encryptSecret(
  key: CryptoKey,
  plain: string,
  context: string,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(plain),
  );
  const out = new Uint8Array(iv.length + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), iv.length);
  return PREFIX + toBase64(out);
}

/** Decrypts what `encryptSecret` stored; throws when the key or the context differ. */
export async function decryptSecret(
  key: CryptoKey,
  stored: string,
  context: string,
): Promise<string> {
  if (!stored.startsWith(PREFIX)) throw new Error("Unknown secret format");
  const bytes = fromBase64(stored.slice(PREFIX.length));
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: encoder.encode(context) },
    key,
    bytes.slice(12),
  );
  return decoder.decode(plain);
}

async function hmacSha256(key: string, message: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return await crypto.subtle.sign("HMAC", k, encoder.encode(message));
}

/** Hex HMAC-SHA-256 of `message` under `key` (UTF-8). */
export async function hmacHex(key: string, message: string): Promise<string> {
  return toHex(await hmacSha256(key, message));
}

/** Base64 HMAC-SHA-256 of `message` under `key` (UTF-8). */
export async function hmacBase64(key: string, message: string): Promise<string> {
  return toBase64(await hmacSha256(key, message));
}

/** A random secret for the development key (32 bytes, Base64). */
export function randomSecret(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(32)));
}
