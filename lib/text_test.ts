import assert from "node:assert/strict";
import { isStorableText, printable, textProblem } from "./text.ts";

Deno.test("textProblem() finds NUL and lone surrogates and passes every other text", () => {
  assert.equal(textProblem("甬鑫银行 C000000001 <script>"), null);
  assert.equal(textProblem("emoji 😀 and -12.5"), null);
  assert.equal(textProblem(""), null);
  assert.equal(textProblem("a\u0000b"), "NUL");
  assert.equal(textProblem("\ud83d"), "LONE_SURROGATE");
  assert.equal(textProblem("x\udc00"), "LONE_SURROGATE");
  assert.equal(textProblem("\ude00\ud83d"), "LONE_SURROGATE");
  assert.equal(textProblem("\u0000\ud800"), "NUL");
  assert.equal(isStorableText("张三"), true);
});

Deno.test("printable() replaces what cannot be stored with U+FFFD", () => {
  assert.equal(printable("a\u0000b\ud800c😀"), "a\uFFFDb\uFFFDc😀");
});
