import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { erasureToken, replaceUnitInJson, replaceUnitInText, unitHasher } from "./erasure.ts";

const TOKEN = erasureToken("3f0c1a52-8d7e-4c1b-9a51-2b7f4e0d9c11");

Deno.test("unitHasher() is HMAC-SHA-256 under a key derived from the secret, per bank", () => {
  const hash = unitHasher("a-secret-key-of-at-least-16");
  const key = createHmac("sha256", "a-secret-key-of-at-least-16")
    .update("lensloop customer suppression v1").digest();
  const expected = createHmac("sha256", key).update("CC2\u00006222021000017").digest("hex");
  assert.equal(hash("CC2", "6222021000017"), expected);
  assert.match(expected, /^[0-9a-f]{64}$/);
  assert.notEqual(hash("CC1", "6222021000017"), expected, "another bank, another hash");
  assert.notEqual(unitHasher("another-secret-key-16")("CC2", "6222021000017"), expected);
});

Deno.test("replaceUnitInJson() replaces the id as a value, a key and a whole word only", () => {
  const unit = "10023";
  const { value, replaced } = replaceUnitInJson(
    {
      forced: [{ unit, variant: "coupon" }, { unit: "100234", variant: "control" }],
      [unit]: -1,
      note: `客户 "${unit}" 设为测试账号`,
      count: 10023, // a number is no id
      text: "共10023位客户", // inside Chinese text, not a word of its own
      other: "A10023B",
    },
    unit,
    TOKEN,
  );
  assert.equal(replaced, 3);
  assert.deepEqual(value, {
    forced: [{ unit: TOKEN, variant: "coupon" }, { unit: "100234", variant: "control" }],
    [TOKEN]: -1,
    note: `客户 "${TOKEN}" 设为测试账号`,
    count: 10023,
    text: "共10023位客户",
    other: "A10023B",
  });
});

Deno.test("replaceUnitInJson() leaves a value without the id as it was (same object)", () => {
  const details = { units: ["10024"], reason: "opted_out" };
  const result = replaceUnitInJson(details, "10023", TOKEN);
  assert.equal(result.replaced, 0);
  assert.equal(result.value, details);
});

Deno.test("replaceUnitInText() treats regular-expression characters in ids literally", () => {
  assert.deepEqual(replaceUnitInText("unit a.b+c (x)", "a.b+c", TOKEN), {
    value: `unit ${TOKEN} (x)`,
    replaced: 1,
  });
  assert.deepEqual(replaceUnitInText("unit aXb+c", "a.b+c", TOKEN), {
    value: "unit aXb+c",
    replaced: 0,
  });
});
