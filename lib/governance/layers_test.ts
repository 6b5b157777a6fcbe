import assert from "node:assert/strict";
import { isLayerRange, rangePercent, rangeTakenBy, unknownForcedVariant } from "./layers.ts";

Deno.test("isLayerRange() takes 0 ≤ from < to ≤ 1 and nothing else", () => {
  for (const ok of [[0, 1], [0, 0.3], [0.3, 1], [0.999, 1]]) assert.ok(isLayerRange(ok), `${ok}`);
  for (
    const bad of [[0.3, 0.3], [0.6, 0.2], [-0.1, 0.5], [0, 1.0001], [0], [0, 0.5, 1], [NaN, 1], [
      0,
      Infinity,
    ]]
  ) assert.equal(isLayerRange(bad), false, `${bad}`);
});

Deno.test("rangeTakenBy(): ranges are half-open, so adjacent ranges never clash", () => {
  const running = [
    { key: "sms-a", range: [0, 0.3] as const },
    { key: "sms-c", range: [0.6, 1] as const },
  ];
  assert.equal(rangeTakenBy([0.3, 0.6], running), null);
  assert.equal(rangeTakenBy([0.25, 0.35], running)?.key, "sms-a");
  assert.equal(rangeTakenBy([0.5, 0.61], running)?.key, "sms-c");
  assert.equal(rangeTakenBy([0, 1], [] as { key: string; range: [number, number] }[]), null);
  // The first clash in the order given (db/layers.ts orders by range start).
  assert.equal(rangeTakenBy([0, 1], running)?.key, "sms-a");
});

Deno.test("unknownForcedVariant() names the first QA unit whose arm is not the experiment's", () => {
  const arms = [{ name: "control" }, { name: "积分" }];
  assert.equal(unknownForcedVariant([{ unit: "QA001", variant: "积分" }], arms), null);
  assert.deepEqual(
    unknownForcedVariant([
      { unit: "QA001", variant: "control" },
      { unit: "6222020000000001", variant: "紧迫文案" },
      { unit: "QA003", variant: "coupon" },
    ], arms),
    { unit: "6222020000000001", variant: "紧迫文案" },
  );
  // Names are compared exactly: case and spaces matter.
  assert.equal(unknownForcedVariant([{ unit: "Q", variant: "Control" }], arms)?.variant, "Control");
});

Deno.test("rangePercent() gives percents rounded to 0.01", () => {
  assert.deepEqual(rangePercent([0, 0.3]), [0, 30]);
  assert.deepEqual(rangePercent([0.12345, 1]), [12.35, 100]);
  assert.deepEqual(rangePercent([1 / 3, 2 / 3]), [33.33, 66.67]);
});
