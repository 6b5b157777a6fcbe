/**
 * Input guards called at the top of the public statistics functions: an input that would make
 * the numbers meaningless (NaN or infinite figures, negative counts, more conversions than
 * users, α or power outside (0, 1)) throws a `StatsInputError` naming the field and the value,
 * instead of the function returning NaN or a wrong number. Degenerate but valid data (no users,
 * no variance) is not an input error: the functions answer it with reason codes.
 *
 * Boundaries (routes) validate requests first and answer 400; reaching a guard means a bug.
 */

/** A statistics function was given an input outside its domain. */
export class StatsInputError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "StatsInputError";
  }
}

function fail(message: string): never {
  throw new StatsInputError(message);
}

/** A finite number (no NaN, no ±Infinity). */
export function checkFinite(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(`"${name}" must be a finite number, got ${value}`);
  }
}

/** A finite count ≥ 0 (weighted counts may be fractional). */
export function checkCount(name: string, value: number): void {
  checkFinite(name, value);
  if (value < 0) fail(`"${name}" must not be negative, got ${value}`);
}

/** A probability strictly between 0 and 1 (α, power, a confidence level). */
export function checkOpenUnit(name: string, value: number): void {
  if (!(typeof value === "number" && value > 0 && value < 1)) {
    fail(`"${name}" must lie strictly between 0 and 1, got ${value}`);
  }
}

/** The significance level α ∈ (0, 1). */
export function checkAlpha(alpha: number, name = "alpha"): void {
  checkOpenUnit(name, alpha);
}

/** Conversion arms: users and conversions finite and ≥ 0, conversions ≤ users. */
export function checkConversions(
  arms: readonly { users: number; conversions: number; name?: string }[],
): void {
  arms.forEach((arm, i) => {
    const label = arm.name ?? `arm ${i + 1}`;
    checkCount(`${label}: users`, arm.users);
    checkCount(`${label}: conversions`, arm.conversions);
    if (arm.conversions > arm.users) {
      fail(`"${label}": ${arm.conversions} conversions exceed ${arm.users} users`);
    }
  });
}

/** Mean summaries: n a count, mean finite, sd finite and ≥ 0. */
export function checkMeanSummaries(
  arms: readonly { n: number; mean: number; sd: number; name?: string }[],
): void {
  arms.forEach((arm, i) => {
    const label = arm.name ?? `arm ${i + 1}`;
    checkCount(`${label}: n`, arm.n);
    checkFinite(`${label}: mean`, arm.mean);
    checkCount(`${label}: sd`, arm.sd);
  });
}
