/**
 * Assessment periods: `2025` or `FY2025` (a year), `2025H1`/`2025H2` (half-years) and
 * `2025Q1`…`2025Q4` (quarters). Ordered by the month they end in, so `FY2024` comes before
 * `2025H1`, and a year before a half-year ending in the same month. Pure.
 */

export const PERIOD_PATTERN = /^([0-9]{4}(H[12]|Q[1-4])?|FY[0-9]{4})$/;

export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}

/** year × 100 + end month (3, 6, 9, 12), then a tie-break putting longer periods first. */
export function periodSortKey(period: string): number {
  const year = Number(period.replace(/^FY/, "").slice(0, 4));
  const suffix = period.startsWith("FY") ? "" : period.slice(4);
  const endMonth: Record<string, number> = {
    "": 12,
    H1: 6,
    H2: 12,
    Q1: 3,
    Q2: 6,
    Q3: 9,
    Q4: 12,
  };
  const length = suffix === "" ? 0 : suffix.startsWith("H") ? 1 : 2;
  return (year * 100 + (endMonth[suffix] ?? 12)) * 10 + length;
}

/** Oldest first. */
export function comparePeriods(a: string, b: string): number {
  return periodSortKey(a) - periodSortKey(b) || a.localeCompare(b);
}
