import assert from "node:assert/strict";
import { contribution, type OutcomeEvent, unitOutcome } from "./outcomes.ts";

const at = (iso: string) => new Date(iso);
const exposure = (iso: string): OutcomeEvent => ({ type: "exposure", value: null, at: at(iso) });
const conversion = (iso: string, value: number | null = null): OutcomeEvent => ({
  type: "conversion",
  value,
  at: at(iso),
});

Deno.test("unitOutcome() is null until an exposure is known", () => {
  assert.equal(unitOutcome([]), null);
  assert.equal(unitOutcome([conversion("2025-01-01T10:00:00Z", 5)]), null);
});

Deno.test("unitOutcome() counts conversions at or after the first exposure only", () => {
  const outcome = unitOutcome([
    conversion("2025-01-01T09:00:00Z", 100), // before the exposure: never counts
    exposure("2025-01-01T10:00:00Z"),
    conversion("2025-01-01T10:00:00Z", 5), // at the exposure: counts
    conversion("2025-01-02T10:00:00Z", 7),
    exposure("2025-01-03T10:00:00Z"), // a later exposure changes nothing
  ]);
  assert.deepEqual(outcome, {
    firstExposureAt: at("2025-01-01T10:00:00Z"),
    convertedAt: at("2025-01-01T10:00:00Z"),
    valueSum: 12,
    covariate: null,
  });
});

Deno.test("unitOutcome() does not depend on the order events arrive in", () => {
  const events = [
    exposure("2025-01-02T10:00:00Z"),
    conversion("2025-01-01T12:00:00Z", 3),
    conversion("2025-01-02T11:00:00Z", 4),
    exposure("2025-01-01T11:00:00Z"), // arrives last, moves the first exposure back
  ];
  const expected = {
    firstExposureAt: at("2025-01-01T11:00:00Z"),
    convertedAt: at("2025-01-01T12:00:00Z"),
    valueSum: 7,
    covariate: null,
  };
  assert.deepEqual(unitOutcome(events), expected);
  assert.deepEqual(unitOutcome([...events].reverse()), expected);
});

Deno.test("contribution() puts the customer on the UTC day of the first exposure", () => {
  const c = contribution({
    firstExposureAt: at("2025-01-01T23:30:00-02:00"),
    convertedAt: at("2025-01-03T00:00:00Z"),
    valueSum: 3,
    covariate: 2,
  });
  assert.deepEqual(c, {
    day: "2025-01-02",
    users: 1,
    converters: 1,
    valueSum: 3,
    valueSumSquares: 9,
    covariateSum: 2,
    covariateSumSquares: 4,
    covariateCross: 6,
  });
});

Deno.test("unitOutcome() takes the covariate of the earliest exposure that carries one", () => {
  const withCovariate = (iso: string, covariate: number): OutcomeEvent => ({
    type: "exposure",
    value: null,
    covariate,
    at: at(iso),
  });
  const events = [
    withCovariate("2025-01-02T10:00:00Z", 50),
    exposure("2025-01-01T10:00:00Z"), // earliest exposure, but without a covariate
    withCovariate("2025-01-01T12:00:00Z", 40),
    conversion("2025-01-03T10:00:00Z", 8),
  ];
  const outcome = unitOutcome(events)!;
  assert.equal(outcome.covariate, 40);
  assert.deepEqual(unitOutcome([...events].reverse()), outcome);
  assert.equal(unitOutcome([exposure("2025-01-01T10:00:00Z")])!.covariate, null);
  const c = contribution(outcome);
  assert.deepEqual([c.covariateSum, c.covariateSumSquares, c.covariateCross], [40, 1600, 320]);
});
