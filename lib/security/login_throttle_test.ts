import assert from "node:assert/strict";
import { DEFAULT_LOGIN_LIMITS, loginBlock, type LoginCounts } from "./login_throttle.ts";

const NOW = new Date("2026-03-02T08:10:00Z");
const MINUTES_AGO = (m: number) => new Date(NOW.getTime() - m * 60_000);

function counts(patch: Partial<LoginCounts> = {}): LoginCounts {
  return {
    pair: null,
    account: { failures: 0, oldestWindowStart: null },
    address: { failures: 0, oldestWindowStart: null },
    knownAddress: false,
    ...patch,
  };
}

Deno.test("loginBlock() lets attempts through under every limit", () => {
  assert.equal(loginBlock(counts(), DEFAULT_LOGIN_LIMITS, NOW), null);
  const pair = { failures: 4, windowStart: MINUTES_AGO(1) };
  assert.equal(loginBlock(counts({ pair }), DEFAULT_LOGIN_LIMITS, NOW), null);
});

Deno.test("loginBlock() blocks a pair at its limit until its window ends", () => {
  const pair = { failures: 5, windowStart: MINUTES_AGO(10) };
  assert.deepEqual(loginBlock(counts({ pair }), DEFAULT_LOGIN_LIMITS, NOW), {
    reason: "PAIR",
    retryAfter: 300,
  });
});

Deno.test("loginBlock() blocks an address that failed for many accounts", () => {
  const address = { failures: 20, oldestWindowStart: MINUTES_AGO(14.5) };
  assert.deepEqual(loginBlock(counts({ address }), DEFAULT_LOGIN_LIMITS, NOW), {
    reason: "ADDRESS",
    retryAfter: 30,
  });
});

Deno.test("loginBlock() spares the owner's known address past the account-wide limit", () => {
  const account = { failures: 500, oldestWindowStart: MINUTES_AGO(5) };
  assert.deepEqual(loginBlock(counts({ account }), DEFAULT_LOGIN_LIMITS, NOW), {
    reason: "ACCOUNT",
    retryAfter: 600,
  });
  assert.equal(
    loginBlock(counts({ account, knownAddress: true }), DEFAULT_LOGIN_LIMITS, NOW),
    null,
  );
});

Deno.test("loginBlock() never answers less than one second", () => {
  const pair = { failures: 9, windowStart: MINUTES_AGO(15) };
  assert.equal(loginBlock(counts({ pair }), DEFAULT_LOGIN_LIMITS, NOW)?.retryAfter, 1);
});
