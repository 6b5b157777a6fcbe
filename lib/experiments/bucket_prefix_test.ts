import assert from "node:assert/strict";
import { bucketOf, type HashVersion } from "./assignment.ts";
import { bucketer } from "./bucket_prefix.ts";

Deno.test("bucketer() gives bucketOf()'s bucket to the bit, ASCII or not, under both versions", () => {
  const units = [
    "",
    "C000000001",
    "6222020200012345678",
    "13800138000",
    "客户-王小明-000001",
    "QA-测试-001",
    "émigré",
    "😀-emoji",
    "-1.5e3",
    "a:b:c",
  ];
  for (let i = 0; i < 5000; i++) units.push(String(100_000_000 + i * 7919));
  for (const key of ["welcome-sms", "a", "card-bind-sms-2026"]) {
    for (const version of [1, 2] as HashVersion[]) {
      const bucket = bucketer(key, version);
      for (const unit of units) {
        assert.equal(bucket(unit), bucketOf(key, unit, version), `${key} ${version} ${unit}`);
      }
    }
  }
});

Deno.test("bucketer() refuses an unknown hash version as bucketOf() does", () => {
  assert.throws(() => bucketer("welcome-sms", 3 as HashVersion)("C1"), RangeError);
});
