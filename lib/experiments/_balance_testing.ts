/**
 * Test helper: how evenly a bucket function splits the sequential ids banks really have. Used by
 * lib/experiments/assignment_test.ts (the server's rule) and tests/sdk_module_test.ts (the built
 * `/sdk/lensloop.js`), so both check the same 48 splits.
 */
import { chiSquareSurvival } from "../stats/dist.ts";

/** Experiment keys of the check: demo keys, bank-like keys, one character. */
export const SPLIT_KEYS = [
  "welcome-sms",
  "card-bind-coupon",
  "repay-reminder",
  "wake-push-1",
  "loan-offer-2026",
  "deposit-rate-ab",
  "credit-limit-up",
  "a",
] as const;

/** Sequential id formats: customer numbers, plain numbers, 16-digit cards, 11-digit phones. */
export const ID_FORMATS: Record<string, (i: number) => string> = {
  "C{9 digits}": (i) => `C${String(i).padStart(9, "0")}`,
  "plain number": (i) => String(i),
  "cust-{6 digits}": (i) => `cust-${String(i).padStart(6, "0")}`,
  "U{n}": (i) => `U${i}`,
  "16-digit card": (i) => String(6222020000000000 + i),
  "11-digit phone": (i) => String(13800000000 + i),
};

/** Ids per split: 1 … 10,000 in each format. */
export const IDS_PER_SPLIT = 10_000;

export interface Split {
  key: string;
  format: string;
  /** Ids with a bucket below 0.5 (the first of two equal arms). */
  first: number;
  /** Chi-square test of a 50/50 split (1 degree of freedom). */
  p: number;
}

/** The 50/50 split of ids 1 … 10,000 of every format under every key. */
export function sequentialSplits(bucketOf: (key: string, unit: string) => number): Split[] {
  const splits: Split[] = [];
  for (const key of SPLIT_KEYS) {
    for (const [format, id] of Object.entries(ID_FORMATS)) {
      let first = 0;
      for (let i = 1; i <= IDS_PER_SPLIT; i++) if (bucketOf(key, id(i)) < 0.5) first++;
      const half = IDS_PER_SPLIT / 2;
      const chiSquare = 2 * (first - half) ** 2 / half;
      splits.push({ key, format, first, p: chiSquareSurvival(chiSquare, 1) });
    }
  }
  return splits;
}

/** Describes the splits that fail at p < 0.001, for an assertion message. */
export function failing(splits: readonly Split[]): string[] {
  return splits.filter((s) => s.p < 0.001).map((s) =>
    `${s.key} × ${s.format}: ${s.first} / ${IDS_PER_SPLIT - s.first} (p = ${s.p.toExponential(2)})`
  );
}
