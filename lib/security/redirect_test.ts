import assert from "node:assert/strict";
import { safeNext } from "./redirect.ts";

/** Open-redirect payloads as they reach the app after one round of query decoding. */
const REFUSED: unknown[] = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "\\/evil.example",
  "/\t/127.0.0.1:9999/pwned",
  "/\r/x",
  "/\n/evil.example",
  "/\r\nSet-Cookie: a=b",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  " javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "http://evil.example",
  "https://evil.example/",
  "http:/evil.example",
  "evil.example",
  "",
  " /",
  "/" + "a".repeat(3000),
  undefined,
  null,
  42,
  ["/"],
];

const KEPT: Array<[string, string]> = [
  ["/", "/"],
  ["/experiments", "/experiments"],
  ["/experiments/welcome-sms?tab=results#srm", "/experiments/welcome-sms?tab=results#srm"],
  ["/banks/CC2/assessments/2025Q4", "/banks/CC2/assessments/2025Q4"],
  ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ["/%5Cevil.example", "/%5Cevil.example"],
  ["/a/../b", "/b"],
  ["/实验?名称=甬鑫", "/%E5%AE%9E%E9%AA%8C?%E5%90%8D%E7%A7%B0=%E7%94%AC%E9%91%AB"],
];

Deno.test("safeNext() refuses every classic open-redirect payload", async (t) => {
  for (const next of REFUSED) {
    await t.step(
      (JSON.stringify(next) ?? String(next)).slice(0, 60),
      () => assert.equal(safeNext(next), "/"),
    );
  }
});

Deno.test("safeNext() keeps same-origin paths, percent-encoded as a Location header needs", () => {
  for (const [next, expected] of KEPT) assert.equal(safeNext(next), expected, next);
});

Deno.test("safeNext() never answers anything that leaves the origin", () => {
  const base = "http://app.example";
  for (const next of [...REFUSED, ...KEPT.map(([n]) => n)]) {
    const target = new URL(safeNext(next), base);
    assert.equal(target.origin, base, String(next));
  }
});
