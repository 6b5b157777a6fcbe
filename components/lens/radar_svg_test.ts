import assert from "node:assert/strict";
import { wrapLabel } from "./RadarSvg.tsx";

Deno.test("radar labels: Chinese wraps into balanced lines, never inside a Latin word", () => {
  assert.deepEqual(wrapLabel("组织、人才与投入", 7).map((l) => Array.from(l).length), [4, 4]);
  assert.deepEqual(wrapLabel("开放平台与API", 7), ["开放平台", "与API"]);
  assert.deepEqual(wrapLabel("智能服务", 7), ["智能服务"]);
  assert.deepEqual(wrapLabel("Digital channels & reach", 15), ["Digital", "channels &", "reach"]);
  assert.deepEqual(wrapLabel("Open", 15), ["Open"]);
});
