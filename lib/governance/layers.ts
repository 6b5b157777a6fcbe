/**
 * The rules of layer ranges and QA units an experiment's settings must keep (issue 17;
 * docs/GOVERNANCE.md "Layers" and "QA units"). Pure: db/layers.ts reads the running experiments,
 * db/experiment_commands.ts refuses with the codes (errors of lib/experiments/rules.ts).
 */
import type { ExperimentStatus } from "../experiments/settings.ts";
import { type ForcedUnit, rangesOverlap } from "./policy.ts";

/** A range [from, to) of a layer, 0 ≤ from < to ≤ 1. */
export type LayerRange = readonly [number, number];

/** A mutual-exclusion layer of a bank (db/layers.ts stores them). */
export interface Layer {
  bankId: string;
  key: string;
  name: string;
  createdAt: Date;
}

/** An experiment's range of a layer, [from, to) with 0 ≤ from < to ≤ 1. */
export interface LayerMember {
  key: string;
  name: string;
  status: ExperimentStatus;
  range: [number, number];
}

export interface LayerWithExperiments extends Layer {
  /** Its experiments by range start, then key. */
  experiments: LayerMember[];
}

/** Whether `range` is a valid layer range: 0 ≤ from < to ≤ 1. */
export function isLayerRange(range: readonly number[]): boolean {
  return range.length === 2 && range.every(Number.isFinite) && range[0] >= 0 &&
    range[0] < range[1] && range[1] <= 1;
}

/**
 * The first running experiment whose range shares a bucket with `range` (ranges are half-open:
 * [0, 0.3) and [0.3, 1) do not), or null: starting on `range` would put customers in two.
 */
export function rangeTakenBy<T extends { key: string; range: LayerRange }>(
  range: LayerRange,
  running: readonly T[],
): T | null {
  return running.find((other) => rangesOverlap(range, other.range)) ?? null;
}

/** The first QA unit whose arm is not one of `variants` (by name), or null. */
export function unknownForcedVariant(
  forced: readonly ForcedUnit[],
  variants: readonly { name: string }[],
): ForcedUnit | null {
  const names = new Set(variants.map((v) => v.name));
  return forced.find((f) => !names.has(f.variant)) ?? null;
}

/** A range in percent for people: [0, 0.3) → "0–30 %"-style numbers (rounded to 0.01). */
export function rangePercent(range: LayerRange): [number, number] {
  return [Math.round(range[0] * 10000) / 100, Math.round(range[1] * 10000) / 100];
}
