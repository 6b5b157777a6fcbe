import assert from "node:assert/strict";
import { forcedOf, forcedText, layerBodyOf, layerFieldsOf } from "./LayerFields.tsx";

Deno.test("the QA-units field: one 'customer id, arm' per line, either comma", () => {
  assert.deepEqual(forcedOf("QA001, coupon\r\n\n  测试-李四，积分 \n6222020000000001,control"), [
    { unit: "QA001", variant: "coupon" },
    { unit: "测试-李四", variant: "积分" },
    { unit: "6222020000000001", variant: "control" },
  ]);
  // No comma: the whole line is the unit, with no arm (the schema refuses the empty arm).
  assert.deepEqual(forcedOf("QA001"), [{ unit: "QA001", variant: "" }]);
  // The first comma separates: an arm name may hold one.
  assert.deepEqual(forcedOf("QA1, a, b"), [{ unit: "QA1", variant: "a, b" }]);
  assert.deepEqual(
    forcedOf(forcedText(forcedOf("QA1, coupon\nQA2, 积分"))),
    forcedOf("QA1, coupon\nQA2, 积分"),
  );
});

Deno.test("the layer fields in percent become the API's fractions, and back", () => {
  assert.deepEqual(layerBodyOf({ layer: "sms-main", layerFrom: "0", layerTo: "30", forced: "" }), {
    layer: { key: "sms-main", range: [0, 0.3] },
    forced: [],
  });
  assert.deepEqual(layerBodyOf({ layer: "", layerFrom: "10", layerTo: "20" }), { layer: null });
  const blank = layerBodyOf({ layer: "sms-main", layerFrom: "", layerTo: "abc" }).layer as {
    range: number[];
  };
  assert.ok(Number.isNaN(blank.range[0]) && Number.isNaN(blank.range[1]));
  // A form without these fields (an older client) leaves both out.
  assert.deepEqual(layerBodyOf({ name: "x" }), {});
  assert.deepEqual(
    layerFieldsOf({ layer: { key: "sms-main", range: [0.125, 1] }, forced: [] }),
    { layer: "sms-main", layerFrom: "12.5", layerTo: "100", forced: "" },
  );
});
