import assert from "node:assert/strict";
import { comparePeriods, isPeriod } from "./period.ts";

Deno.test("comparePeriods() orders by the month a period ends in", () => {
  const sorted = ["2025H1", "FY2024", "2025Q1", "2024H1", "2025", "2025Q4"].sort(comparePeriods);
  assert.deepEqual(sorted, ["2024H1", "FY2024", "2025Q1", "2025H1", "2025", "2025Q4"]);
});

Deno.test("isPeriod() accepts the documented forms only", () => {
  for (const p of ["2025", "FY2024", "2025H2", "2025Q3"]) assert.ok(isPeriod(p), p);
  for (const p of ["2025H3", "FY24", "2025-H1", "", "2025Q5"]) assert.ok(!isPeriod(p), p);
});
