/**
 * Local evaluation (issue 20; docs/SDK.md "Local evaluation"): the configuration payload of
 * `GET /api/v1/config` and the evaluation an SDK or edge worker runs on it. The server builds
 * the payload from the same `SdkExperiment` objects it assigns with (`configPayload`), and the
 * client decides with the server's own pure code — `preDecision`/`settle`
 * (lib/governance/decide.ts), `quietUntil` (lib/governance/policy.ts), `bucketOf` (through
 * ./bucket_prefix.ts, which hashes the key's part once) and `variantIndexFor` (./assignment.ts)
 * — so every answer it gives is the server's.
 *
 * What the payload cannot decide is answered `ask_server`: an eligible customer of a bandit (its
 * arm is sticky and stored), of an experiment on a capped channel (the contact ledger counts
 * across instances), or on a channel with quiet hours where the runtime has no `Temporal`.
 * Opt-outs and consent are not in the payload (no customer data is): they are the caller's input.
 *
 * `compileConfig` does the per-experiment work once per payload (weights, the forced-unit map,
 * the key's part of the hash, the experiment as the decision reads it), so one evaluation is a
 * map look-up, the decision and one to three hashes (the holdout and a layer add one each).
 */
import { type HashVersion, variantIndexFor } from "./assignment.ts";
import { bucketer } from "./bucket_prefix.ts";
import type { AssignmentReason, CustomerAttributes, Targeting } from "./eligibility.ts";
import type { Channel, ExperimentStatus } from "./settings.ts";
import { type GovernedExperiment, preDecision, settle } from "../governance/decide.ts";
import {
  type GovernancePolicy,
  isCapped,
  type QuietHours,
  quietUntil,
} from "../governance/policy.ts";

/** One experiment as the payload carries it. */
export interface ConfigExperiment {
  key: string;
  /** `ab`, or `bandit` (its arms are the server's: eligible customers answer `ask_server`). */
  mode: "ab" | "bandit";
  /** Anything but `running` answers `not_running`. */
  status: ExperimentStatus;
  hashVersion: HashVersion;
  /** In position order, the first the control. */
  variants: Array<{ name: string; weight: number }>;
  /** The experiment's own targeting and its campaign's segment: both must match. */
  targeting: Targeting;
  segment: Targeting;
  channel: Channel | null;
  /** The range [from, to) of a mutual-exclusion layer the experiment takes, or null. */
  layer: { key: string; range: [number, number] } | null;
  /** QA units and their arms (reason `forced`). */
  forced: Array<{ unit: string; variant: string }>;
  /** Contact caps hold on the experiment's channel: eligible customers answer `ask_server`. */
  capped: boolean;
  /** The bank's quiet hours when they cover the experiment's channel, else null. */
  quietHours: { start: string; end: string; timeZone: string } | null;
}

/** What `GET /api/v1/config` answers (`version` is also its ETag). */
export interface ConfigPayload {
  /** Changes whenever anything below changes (a hash of it). */
  version: string;
  /** The bank's global holdout, null without one (the salt places customers; it is no secret). */
  holdout: { percent: number; salt: string } | null;
  /** The bank's experiments, every status, by key. */
  experiments: ConfigExperiment[];
}

/** The experiment of a payload as the server assigns with it (SdkExperiment's fields). */
export interface PayloadSource {
  key: string;
  mode: "ab" | "bandit";
  status: ExperimentStatus;
  hashVersion: HashVersion;
  variants: ReadonlyArray<{ name: string; weight: number }>;
  targeting: Targeting;
  segment: Targeting;
  channel: Channel | null;
  layer: { key: string; range: readonly [number, number] } | null;
  forced: ReadonlyMap<string, string>;
  policy: GovernancePolicy;
}

/** The payload (without its version) of a bank's experiments under its policy. */
export function configPayload(
  experiments: readonly PayloadSource[],
  policy: GovernancePolicy,
): Omit<ConfigPayload, "version"> {
  const holdout = policy.holdout && policy.holdout.percent > 0
    ? { percent: policy.holdout.percent, salt: policy.holdout.salt }
    : null;
  return {
    holdout,
    experiments: [...experiments].sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
      .map((e) => ({
        key: e.key,
        mode: e.mode,
        status: e.status,
        hashVersion: e.hashVersion,
        variants: e.variants.map((v) => ({ name: v.name, weight: v.weight })),
        targeting: e.targeting,
        segment: e.segment,
        channel: e.channel,
        layer: e.layer ? { key: e.layer.key, range: [e.layer.range[0], e.layer.range[1]] } : null,
        forced: [...e.forced].map(([unit, variant]) => ({ unit, variant })),
        capped: isCapped(e.policy, e.channel),
        quietHours: quietHoursOn(e.policy.quietHours, e.channel),
      })),
  };
}

function quietHoursOn(quietHours: QuietHours | null, channel: Channel | null) {
  if (!quietHours || channel === null || !quietHours.channels.includes(channel)) return null;
  return { start: quietHours.start, end: quietHours.end, timeZone: quietHours.timeZone };
}

/** A local answer: the server's reasons, or `ask_server` for what only the server decides. */
export type LocalReason = AssignmentReason | "ask_server";

export interface LocalAssignment {
  unit: string;
  variant: string | null;
  inExperiment: boolean;
  reason: LocalReason;
  /** With reason `quiet_hours`: when they end (ISO 8601, UTC). */
  quietUntil?: string;
}

/** What the caller knows of the customer (the server reads its stored record instead). */
export interface CallerFacts {
  /** The customer's attributes (stage, tags); absent: none known, as for an unknown customer. */
  attributes?: CustomerAttributes | null;
  /** false: no marketing consent or opted out (reason `opted_out`); default true. */
  consent?: boolean;
}

/** An experiment of a payload, prepared once for many evaluations. */
export interface CompiledExperiment {
  readonly config: ConfigExperiment;
  readonly governed: GovernedExperiment;
  readonly weights: readonly number[];
  /** `bucketOf(key, unit, hashVersion)` with the key's part of the hash done once. */
  readonly bucket: (unit: string) => number;
  readonly quietHours: QuietHours | null;
}

/** A payload prepared for evaluation: experiments by key. */
export interface CompiledConfig {
  readonly version: string;
  readonly experiments: ReadonlyMap<string, CompiledExperiment>;
}

/** Prepares a payload (weights, forced units, the policy as the decision reads it). */
export function compileConfig(payload: ConfigPayload): CompiledConfig {
  const holdout = payload.holdout ? { ...payload.holdout, startedAt: "" } : null;
  const experiments = new Map<string, CompiledExperiment>();
  for (const config of payload.experiments) {
    const quietHours = config.quietHours && config.channel
      ? { ...config.quietHours, channels: [config.channel] }
      : null;
    experiments.set(config.key, {
      config,
      governed: {
        status: config.status,
        targeting: config.targeting,
        segment: config.segment,
        channel: config.channel,
        layer: config.layer,
        forced: new Map(config.forced.map((f) => [f.unit, f.variant])),
        // Caps and quiet hours are checked below, not by `preDecision` (contact: false).
        policy: { caps: [], quietHours: null, holdout },
      },
      weights: config.variants.map((v) => v.weight),
      bucket: bucketer(config.key, config.hashVersion),
      quietHours,
    });
  }
  return { version: payload.version, experiments };
}

const UNKNOWN_FACTS = Object.freeze({ attributes: null, marketingConsent: true, optedOut: false });
const NO_CONSENT = Object.freeze({ attributes: null, marketingConsent: false, optedOut: false });

/** `preDecision`'s options here: caps and quiet hours are checked by `evaluate` itself. */
const NO_CONTACT = Object.freeze({ now: new Date(0), contact: false });

/**
 * The answer for `unit` in a compiled experiment, as the server gives it for a customer with
 * these facts at `now` (default: the runtime's clock, read only when quiet hours apply).
 */
export function evaluate(
  experiment: CompiledExperiment,
  unit: string,
  facts: CallerFacts | undefined,
  now?: Date,
): LocalAssignment {
  const customer = facts === undefined
    ? UNKNOWN_FACTS
    : facts.consent === false
    ? NO_CONSENT
    : { attributes: facts.attributes ?? null, marketingConsent: true, optedOut: false };
  const pre = preDecision(experiment.governed, unit, customer, NO_CONTACT);
  if (pre.reason === "forced") {
    return { unit, variant: pre.variant, inExperiment: true, reason: "forced" };
  }
  if (pre.reason !== "eligible") {
    return { unit, variant: null, inExperiment: false, reason: pre.reason };
  }
  const config = experiment.config;
  if (config.capped || config.mode === "bandit") return askServer(unit);
  let quiet: Date | null = null;
  if (experiment.quietHours) {
    if (typeof Temporal === "undefined") return askServer(unit);
    quiet = quietUntil(experiment.quietHours, config.channel, now ?? new Date());
  }
  if (settle({ quietUntil: quiet }, false) === "quiet_hours") {
    return {
      unit,
      variant: null,
      inExperiment: false,
      reason: "quiet_hours",
      quietUntil: quiet!.toISOString(),
    };
  }
  // `assignVariant`, with the weights and the key's part of the hash prepared once per payload.
  const index = variantIndexFor(experiment.bucket(unit), experiment.weights);
  const variant = index < 0 ? null : config.variants[index].name;
  return { unit, variant, inExperiment: variant !== null, reason: "assigned" };
}

function askServer(unit: string): LocalAssignment {
  return { unit, variant: null, inExperiment: false, reason: "ask_server" };
}
