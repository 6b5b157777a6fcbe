/**
 * The worker that runs one bandit simulation at a time for `POST /api/bandits/simulate`
 * (`plugins/simulations.ts` starts, feeds and stops it): the pure simulator of
 * `lib/stats/bandits.ts` on its own thread, so a long simulation never holds up the thread that
 * answers requests. Message in: a `SimulationSpec`; messages out: `{ started: true }`, then
 * `{ ok: true, result }` or `{ ok: false, message }`.
 */
/// <reference lib="deno.worker" />
import { simulateBandit, type SimulationSpec } from "../lib/stats/bandits.ts";

self.onmessage = (event: MessageEvent<SimulationSpec>) => {
  self.postMessage({ started: true }); // the pool's time budget starts now
  try {
    self.postMessage({ ok: true, result: simulateBandit(event.data) });
  } catch (error) {
    self.postMessage({ ok: false, message: String(error) });
  }
};
