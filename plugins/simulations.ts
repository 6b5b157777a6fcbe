/**
 * Bandit simulations off the request thread. `POST /api/bandits/simulate` is public and its
 * work is bounded but large (seconds of CPU at the bound), so each simulation runs in a Web
 * Worker (`workers/simulate_worker.ts`), and this pool keeps that from crowding out anything
 * else:
 *
 * - at most `workers` simulations run at once (default: one per core but one, at least one),
 *   so a core is always left for answering requests;
 * - at most `queue` more wait (default 2 per worker); past that `run` refuses at once with
 *   `SimulationsBusy`, which says when to come back (`Retry-After`);
 * - a simulation that runs longer than `budgetMs` (default 10 s, from the moment the worker
 *   starts on it) has its worker terminated and ends with `SimulationOverBudget`;
 * - a caller that goes away (its `AbortSignal`) leaves the queue, or has its worker terminated.
 *
 * A worker is started for a job and kept while more jobs wait, then terminated: an idle server
 * holds no worker (and no timer), at the price of ~20–50 ms to start one per burst.
 */
import type { SimulationResult, SimulationSpec } from "../lib/stats/bandits.ts";

export interface SimulationPoolOptions {
  /** Simulations running at once, each on its own worker thread. */
  workers?: number;
  /** Simulations that may wait for a worker; past that `run` refuses. */
  queue?: number;
  /** Milliseconds a simulation may run before its worker is terminated. */
  budgetMs?: number;
}

/** Every worker is busy and the queue is full. */
export class SimulationsBusy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Every simulation worker is busy and the queue is full");
    this.name = "SimulationsBusy";
  }
}

/** The simulation ran past its budget and was stopped. */
export class SimulationOverBudget extends Error {
  constructor(readonly budgetMs: number) {
    super(`The simulation ran longer than ${budgetMs} ms and was stopped`);
    this.name = "SimulationOverBudget";
  }
}

interface Job {
  spec: SimulationSpec;
  signal?: AbortSignal;
  resolve: (result: SimulationResult) => void;
  reject: (error: unknown) => void;
}

const WORKER_URL = new URL("../workers/simulate_worker.ts", import.meta.url);
/** Time a new worker may take to load before its budget starts. */
const STARTUP_MS = 10_000;

export function defaultWorkerCount(): number {
  return Math.max(1, (navigator.hardwareConcurrency || 1) - 1);
}

export class SimulationPool {
  readonly workers: number;
  readonly queueSize: number;
  readonly budgetMs: number;
  #queue: Job[] = [];
  #running = 0;
  /** Recent wall time of a simulation (ms), for `Retry-After`. */
  #typicalMs = 1_000;
  #live = new Set<Worker>();

  constructor(options: SimulationPoolOptions = {}) {
    this.workers = Math.max(1, options.workers ?? defaultWorkerCount());
    this.queueSize = Math.max(0, options.queue ?? 2 * this.workers);
    this.budgetMs = options.budgetMs ?? 10_000;
  }

  /** Simulations running and waiting now. */
  get load(): { running: number; queued: number } {
    return { running: this.#running, queued: this.#queue.length };
  }

  /** Runs `spec` on a worker; rejects with `SimulationsBusy` or `SimulationOverBudget`. */
  run(spec: SimulationSpec, signal?: AbortSignal): Promise<SimulationResult> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const job: Job = { spec, signal, resolve, reject };
      if (this.#running < this.workers) {
        this.#running++;
        void this.#lane(job);
      } else if (this.#queue.length < this.queueSize) {
        this.#queue.push(job);
        signal?.addEventListener("abort", () => {
          const at = this.#queue.indexOf(job);
          if (at >= 0) {
            this.#queue.splice(at, 1);
            reject(signal.reason);
          }
        }, { once: true });
      } else {
        // Every job ahead takes about the typical time; the lanes work through them side by side.
        const ahead = this.#running + this.#queue.length;
        const seconds = Math.ceil((ahead / this.workers) * this.#typicalMs / 1000);
        reject(new SimulationsBusy(Math.min(60, Math.max(1, seconds))));
      }
    });
  }

  /** Terminates every worker; running and waiting jobs are rejected. */
  close(): void {
    for (const job of this.#queue.splice(0)) job.reject(new Error("Simulations closed"));
    for (const worker of this.#live) worker.terminate();
    this.#live.clear();
  }

  /** One worker working through jobs until none waits. */
  async #lane(first: Job) {
    let worker: Worker | null = null;
    try {
      for (let job: Job | undefined = first; job; job = this.#queue.shift()) {
        try {
          worker ??= this.#spawn();
        } catch (error) {
          job.reject(error); // no worker could start: this job fails, the next one tries again
          continue;
        }
        if (!(await this.#runOn(worker, job))) {
          this.#live.delete(worker);
          worker = null;
        }
      }
    } finally {
      if (worker) {
        worker.terminate();
        this.#live.delete(worker);
      }
      this.#running--;
    }
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_URL, { type: "module" });
    this.#live.add(worker);
    return worker;
  }

  /** Runs one job; false when the worker had to be terminated. */
  #runOn(worker: Worker, job: Job): Promise<boolean> {
    return new Promise((done) => {
      let started = performance.now();
      let settled = false;
      const finish = (keep: boolean, settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        job.signal?.removeEventListener("abort", onAbort);
        worker.onmessage = worker.onerror = null;
        if (!keep) worker.terminate();
        settle();
        done(keep);
      };
      const overBudget = () =>
        finish(false, () => job.reject(new SimulationOverBudget(this.budgetMs)));
      // The budget counts from the moment the worker starts on the job; a new worker first
      // loads its module, which may take a while on a busy machine (allowed STARTUP_MS more).
      let timer = setTimeout(overBudget, this.budgetMs + STARTUP_MS);
      const onAbort = () => finish(false, () => job.reject(job.signal!.reason));
      job.signal?.addEventListener("abort", onAbort, { once: true });
      worker.onmessage = (event: MessageEvent) => {
        const answer = event.data as
          | { started: true }
          | { ok: true; result: SimulationResult }
          | { ok: false; message: string };
        if ("started" in answer) {
          clearTimeout(timer);
          timer = setTimeout(overBudget, this.budgetMs);
          started = performance.now();
          return;
        }
        this.#typicalMs = 0.7 * this.#typicalMs + 0.3 * (performance.now() - started);
        finish(
          true,
          () => answer.ok ? job.resolve(answer.result) : job.reject(new Error(answer.message)),
        );
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        finish(false, () => job.reject(new Error(event.message)));
      };
      try {
        worker.postMessage(job.spec);
      } catch (error) {
        finish(false, () => job.reject(error));
      }
    });
  }
}

let shared: SimulationPool | undefined;

/** The process's pool, made on first use with the defaults. */
export function sharedSimulationPool(): SimulationPool {
  return shared ??= new SimulationPool();
}
