/**
 * How many assignment answers each reason gave, per experiment, counted in memory on the
 * request path and handed to the database in batches (db/reason_counts.ts flushes every few
 * seconds and on shutdown; issue 17). Counting is a Map lookup and an increment, so the
 * assignment fast path pays next to nothing; nothing here awaits.
 *
 * Answers, not customers: a customer asked about ten times counts ten answers.
 */
import type { AssignmentReason } from "../experiments/eligibility.ts";

/** One experiment's pending answers per reason. */
interface Pending {
  bankId: string;
  answers: Map<string, number>;
}

/** A batch to store: answers per (experiment, reason) since the last drain. */
export interface ReasonCountEntry {
  experimentId: string;
  bankId: string;
  reason: string;
  answers: number;
}

export class ReasonCounter {
  #pending = new Map<string, Pending>();

  /** One answer of `experiment` with `reason`. */
  count(experiment: { id: string; bankId: string }, reason: AssignmentReason): void {
    this.add(experiment, reason, 1);
  }

  /** `answers` answers of `experiment` with `reason` (a batch's units). */
  add(experiment: { id: string; bankId: string }, reason: string, answers: number): void {
    let pending = this.#pending.get(experiment.id);
    if (pending === undefined) {
      pending = { bankId: experiment.bankId, answers: new Map() };
      this.#pending.set(experiment.id, pending);
    }
    pending.answers.set(reason, (pending.answers.get(reason) ?? 0) + answers);
  }

  /** Every answer of a batch of assignments, by its reason. */
  countAll(
    experiment: { id: string; bankId: string },
    assignments: readonly { reason: AssignmentReason }[],
  ): void {
    for (const a of assignments) this.add(experiment, a.reason, 1);
  }

  /** Whether nothing is pending. */
  get empty(): boolean {
    return this.#pending.size === 0;
  }

  /** The pending answers, emptied: the caller stores them (or `restore`s them on failure). */
  drain(): ReasonCountEntry[] {
    const entries: ReasonCountEntry[] = [];
    for (const [experimentId, { bankId, answers }] of this.#pending) {
      for (const [reason, n] of answers) entries.push({ experimentId, bankId, reason, answers: n });
    }
    this.#pending = new Map();
    return entries;
  }

  /** Puts drained entries back (their store failed), added to what came in since. */
  restore(entries: readonly ReasonCountEntry[]): void {
    for (const e of entries) {
      this.add({ id: e.experimentId, bankId: e.bankId }, e.reason, e.answers);
    }
  }
}
