import { checkAlpha } from "./guards.ts";

/**
 * Benjamini–Hochberg adjustment (Benjamini & Hochberg 1995), identical to R's
 * `p.adjust(p, method = "BH")`: sorted ascending, p̃₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎/j).
 * Rejecting p̃ < α controls the false discovery rate at α (independent or positively dependent
 * tests). Nulls (tests that could not be run) are left out of m and stay null, as R does with NA.
 */
export function bhAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues
    .map((p, index) => ({ p, index }))
    .filter((e): e is { p: number; index: number } => e.p !== null)
    .sort((a, b) => a.p - b.p);
  const m = present.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let i = m - 1; i >= 0; i--) {
    running = Math.min(running, Math.min(1, (m * present[i].p) / (i + 1)));
    adjusted[present[i].index] = running;
  }
  return adjusted;
}

/**
 * The two-sided level at which to show every hypothesis's interval so that it agrees with BH at
 * `alpha`: R·α/m, R the number of hypotheses BH rejects (p̃ < α), or α/m when it rejects none —
 * the false-coverage-rate adjusted intervals of Benjamini & Yekutieli (2005). A rejected
 * hypothesis has p < R·α/m (its interval excludes the null), any other p ≥ R·α/m (its interval
 * contains it). With one hypothesis it is α. Null when there is no p-value at all.
 */
export function bhLevel(pValues: readonly (number | null)[], alpha: number): number | null {
  checkAlpha(alpha);
  const adjusted = bhAdjust(pValues);
  const m = adjusted.filter((p) => p !== null).length;
  if (m === 0) return null;
  const rejected = adjusted.filter((p) => p !== null && p < alpha).length;
  return (Math.max(1, rejected) * alpha) / m;
}
