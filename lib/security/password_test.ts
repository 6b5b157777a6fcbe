import assert from "node:assert/strict";
import {
  constantTimeEqual,
  hashPassword,
  passwordProblem,
  randomToken,
  sha256Hex,
  verifyPassword,
} from "./password.ts";

Deno.test("hashPassword() uses PBKDF2-SHA256 with 600,000 iterations and a random salt", async () => {
  const a = await hashPassword("correct horse battery");
  const b = await hashPassword("correct horse battery");
  assert.match(a, /^pbkdf2-sha256\$600000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}$/);
  assert.notEqual(a, b, "salts differ");
  assert.equal(await verifyPassword("correct horse battery", a), true);
  assert.equal(await verifyPassword("correct horse batterY", a), false);
  assert.equal(await verifyPassword("x", "garbage"), false);
});

Deno.test("passwordProblem() refuses short and simple passwords", () => {
  assert.equal(passwordProblem("short"), "TOO_SHORT");
  assert.equal(passwordProblem("aaaaaaaaaaaa"), "TOO_SIMPLE");
  assert.equal(passwordProblem("x".repeat(300)), "TOO_LONG");
  assert.equal(passwordProblem("a-decent passphrase"), null);
});

Deno.test("tokens are 256-bit and hashes are hex SHA-256", async () => {
  const token = randomToken();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(randomToken(), token);
  assert.equal(
    await sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
  assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
  assert.equal(constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 0])), false);
});
