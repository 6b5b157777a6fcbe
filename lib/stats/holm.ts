import { checkAlpha } from "./guards.ts";

/**
 * Holm–Bonferroni step-down adjustment (Holm 1979), identical to R's
 * `p.adjust(p, method = "holm")`: sort ascending, p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎).
 * Nulls (tests that could not be run) are left out of m and stay null, as R does with NA.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues
    .map((p, index) => ({ p, index }))
    .filter((e): e is { p: number; index: number } => e.p !== null)
    .sort((a, b) => a.p - b.p);
  const m = present.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  present.forEach(({ p, index }, i) => {
    running = Math.max(running, Math.min(1, (m - i) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * The two-sided level at which to show each hypothesis's interval so that it agrees with Holm:
 * sorted ascending, step i (0-based) rejects while p₍ᵢ₎ < α/(m − i); a rejected hypothesis gets
 * its step's α/(m − i) (its p is below it: its interval excludes the null), and every hypothesis
 * from the first step that fails, j, on gets α/(m − j) (its p is at or above it: its interval
 * contains the null). So an interval at this level excludes the null exactly when the
 * Holm-adjusted p is below α. With one hypothesis it is α itself. Nulls stay null.
 */
export function holmLevels(pValues: readonly (number | null)[], alpha: number): (number | null)[] {
  checkAlpha(alpha);
  const present = pValues
    .map((p, index) => ({ p, index }))
    .filter((e): e is { p: number; index: number } => e.p !== null)
    .sort((a, b) => a.p - b.p);
  const m = present.length;
  const levels: (number | null)[] = pValues.map(() => null);
  let failed: number | null = null;
  present.forEach(({ p, index }, i) => {
    if (failed === null && !(Math.min(1, (m - i) * p) < alpha)) failed = alpha / (m - i);
    levels[index] = failed ?? alpha / (m - i);
  });
  return levels;
}
