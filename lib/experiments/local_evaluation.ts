/**
 * Local evaluation (issue 20; docs/SDK.md "Local evaluation"): the configuration payload of
 * `GET /api/v1/config` and the evaluation an SDK or edge worker runs on it. The server builds
 * the payload from the same `SdkExperiment` objects it assigns with (`configPayload`), and the
 * client decides by the server's rules: `preDecision`'s order of reasons
 * (lib/governance/decide.ts), the holdout's and layers' buckets (lib/governance/policy.ts),
 * `quietUntil`, `bucketOf` and `variantIndexFor` (./assignment.ts) — prepared once per payload
 * rather than called (`evaluate` says how), so every answer it gives is the server's:
 * ./local_evaluation_test.ts compares it with `preDecision` + `assignVariant` for every rule,
 * tests/local_evaluation_test.ts with the server for 100,000 customers.
 *
 * What the payload cannot decide is answered `ask_server`: an eligible customer of a bandit (its
 * arm is sticky and stored), of an experiment on a capped channel (the contact ledger counts
 * across instances), or on a channel with quiet hours where the runtime has no `Temporal`.
 * Opt-outs and consent are not in the payload (no customer data is): they are the caller's input.
 *
 * `compileConfig` does the per-experiment work once per payload (weights and their cumulative
 * shares, the forced-unit map, the targeting as one function, the FNV-1a states after the
 * holdout's, the layer's and the key's hash prefixes), so one evaluation reads the unit's
 * characters once for all three hashes and builds no object but its answer.
 */
import { fmix32, fnv1a32, type HashVersion } from "./assignment.ts";
import { bucketer } from "./bucket_prefix.ts";
import {
  type AssignmentReason,
  type CustomerAttributes,
  isUntargeted,
  matchesTargeting,
  type Targeting,
} from "./eligibility.ts";
import type { Channel, ExperimentStatus } from "./settings.ts";
import { type GovernedExperiment, settle } from "../governance/decide.ts";
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
  /** The experiment as `preDecision` reads it (what the server decides with). */
  readonly governed: GovernedExperiment;
  readonly weights: readonly number[];
  /** `bucketOf(key, unit, hashVersion)` with the key's part of the hash done once. */
  readonly bucket: (unit: string) => number;
  readonly quietHours: QuietHours | null;
  /** What `evaluate` reads, prepared once (see `prepare`). */
  readonly fast: Prepared;
}

/** A payload prepared for evaluation: experiments by key. */
export interface CompiledConfig {
  readonly version: string;
  readonly experiments: ReadonlyMap<string, CompiledExperiment>;
}

/**
 * Everything `evaluate` needs of an experiment, worked out once per payload so that one answer
 * builds no string and no object but the answer itself: `preDecision`'s checks with their
 * constants (the holdout's threshold, the layer's range, the targeting as one function), the
 * FNV-1a states after the three hash prefixes (`holdout/<salt>:`, `layer/<key>:`, `<key>:`),
 * and `variantIndexFor`'s cumulative weights, summed as it sums them.
 */
interface Prepared {
  running: boolean;
  /** null without QA units. */
  forced: ReadonlyMap<string, string> | null;
  /**
   * Up to 16 QA units that are ASCII, with the state of the arm's hash after each (the fused
   * path compares that number before the unit); null: more, or no fused hashing (the map).
   */
  forcedHashes: Int32Array | null;
  forcedUnits: string[];
  forcedVariants: string[];
  hasHoldout: boolean;
  /** `percent / 100`, as `inHoldout` compares. */
  holdoutBelow: number;
  holdoutBucket: (unit: string) => number;
  targeted: (attributes: CustomerAttributes | null) => boolean;
  hasLayer: boolean;
  layerFrom: number;
  layerTo: number;
  layerBucket: (unit: string) => number;
  /** Bandits and capped channels: an eligible customer's arm is the server's. */
  askServer: boolean;
  /**
   * The three hashes can run together over the unit's characters: every prefix is ASCII and
   * the version is 1 or 2 (else, and for a unit that is not ASCII, the bucketers above).
   */
  fused: boolean;
  holdoutState: number;
  layerState: number;
  variantState: number;
  /** Hash version 2: the variant's hash goes through `fmix32`. */
  mix: boolean;
  /** Positive weights only: their variants' names and the cumulative shares. */
  names: string[];
  cumulative: number[];
}

const TWO_32 = 2 ** 32;
const FNV_PRIME = 0x01000193;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * `matchesTargeting(segment) && matchesTargeting(targeting)` as `eligibility` reads them (an
 * absent segment matches), as one function with the untargeted sides left out.
 */
function targetingMatcher(
  segment: Targeting | undefined,
  targeting: Targeting,
): (attributes: CustomerAttributes | null) => boolean {
  const sides = [segment, targeting].filter((t): t is Targeting => !!t && !isUntargeted(t));
  if (sides.length === 0) return () => true;
  // A stage must be in every side's list that sets stages: the stages all of them share.
  const stageLists = sides.filter((t) => t.stages?.length).map((t) => t.stages!);
  const stages = stageLists.length === 0
    ? null
    : new Set(stageLists[0].filter((stage) => stageLists.every((list) => list.includes(stage))));
  // Each side that sets tags needs one of its tags (`some` skips holes; so does `filter`).
  const tagSets = sides.filter((t) => t.tags?.length).map((t) =>
    new Set(t.tags!.filter(() => true))
  );
  const general = (attributes: CustomerAttributes | null) =>
    (!segment || matchesTargeting(segment, attributes)) &&
    matchesTargeting(targeting, attributes);
  return (attributes) => {
    if (!attributes) return false;
    if (stages !== null) {
      const stage = attributes.stage;
      if (!stage || !stages.has(stage)) return false;
    }
    if (tagSets.length > 0) {
      const tags = attributes.tags ?? [];
      if (!Array.isArray(tags)) return general(attributes); // not what the types allow
      for (let i = 0; i < tagSets.length; i++) {
        const wanted = tagSets[i];
        let found = false;
        for (let j = 0; j < tags.length && !found; j++) found = wanted.has(tags[j]);
        if (!found) return false;
      }
    }
    return true;
  };
}

function prepare(
  config: ConfigExperiment,
  governed: GovernedExperiment,
  weights: readonly number[],
): Prepared {
  const holdout = governed.policy.holdout;
  const hasHoldout = holdout !== null && holdout.percent > 0;
  const holdoutPrefix = hasHoldout ? `holdout/${holdout!.salt}:` : "";
  const layerPrefix = config.layer ? `layer/${config.layer.key}:` : "";
  const version = config.hashVersion;
  const fused = (version === 1 || version === 2) &&
    isAscii(holdoutPrefix) && isAscii(layerPrefix) && isAscii(`${config.key}:`);
  // `variantIndexFor`'s sum and cumulative shares, in its order and with its arithmetic.
  const total = weights.reduce((sum, w) => sum + (w > 0 ? w : 0), 0);
  const names: string[] = [];
  const cumulative: number[] = [];
  if (total > 0) {
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] > 0)) continue;
      sum += weights[i] / total;
      names.push(config.variants[i].name);
      cumulative.push(sum);
    }
  }
  const variantState = fused ? fnv1a32(`${config.key}:`) | 0 : 0;
  const forcedUnits: string[] = [];
  const forcedVariants: string[] = [];
  const hashes: number[] = [];
  for (const [unit, variant] of governed.forced) {
    if (!isAscii(unit)) continue; // never equal to a unit hashed on the fused path
    let hash = variantState;
    for (let i = 0; i < unit.length; i++) hash = Math.imul(hash ^ unit.charCodeAt(i), FNV_PRIME);
    forcedUnits.push(unit);
    forcedVariants.push(variant);
    hashes.push(hash);
  }
  return {
    running: config.status === "running",
    forced: governed.forced.size > 0 ? governed.forced : null,
    forcedHashes: fused && governed.forced.size <= 16 ? Int32Array.from(hashes) : null,
    forcedUnits,
    forcedVariants,
    hasHoldout,
    holdoutBelow: hasHoldout ? holdout!.percent / 100 : 0,
    holdoutBucket: hasHoldout ? bucketer(`holdout/${holdout!.salt}`, 2) : () => 0,
    targeted: targetingMatcher(governed.segment, governed.targeting),
    hasLayer: !!config.layer,
    layerFrom: config.layer ? config.layer.range[0] : 0,
    layerTo: config.layer ? config.layer.range[1] : 0,
    layerBucket: config.layer ? bucketer(`layer/${config.layer.key}`, 2) : () => 0,
    askServer: config.capped || config.mode === "bandit",
    fused,
    // The FNV-1a state after a prefix is fnv1a32 of it before its final `>>> 0`.
    holdoutState: fused ? fnv1a32(holdoutPrefix) | 0 : 0,
    layerState: fused ? fnv1a32(layerPrefix) | 0 : 0,
    variantState,
    mix: version === 2,
    names,
    cumulative,
  };
}

/** Prepares a payload (weights, forced units, the policy as the decision reads it). */
export function compileConfig(payload: ConfigPayload): CompiledConfig {
  const holdout = payload.holdout ? { ...payload.holdout, startedAt: "" } : null;
  const experiments = new Map<string, CompiledExperiment>();
  for (const config of payload.experiments) {
    const quietHours = config.quietHours && config.channel
      ? { ...config.quietHours, channels: [config.channel] }
      : null;
    const governed: GovernedExperiment = {
      status: config.status,
      targeting: config.targeting,
      segment: config.segment,
      channel: config.channel,
      layer: config.layer,
      forced: new Map(config.forced.map((f) => [f.unit, f.variant])),
      // Caps and quiet hours are checked by `evaluate`, not by `preDecision` (contact: false).
      policy: { caps: [], quietHours: null, holdout },
    };
    const weights = config.variants.map((v) => v.weight);
    experiments.set(config.key, {
      config,
      governed,
      weights,
      bucket: bucketer(config.key, config.hashVersion),
      quietHours,
      fast: prepare(config, governed, weights),
    });
  }
  return { version: payload.version, experiments };
}

/**
 * The answer for `unit` in a compiled experiment, as the server gives it for a customer with
 * these facts at `now` (default: the runtime's clock, read only when quiet hours apply).
 *
 * The server's decision, `preDecision(governed, unit, customer, { contact: false })` then
 * `settle` and `variantIndexFor(bucketOf(…))`, with what does not depend on the unit done once
 * (`prepare`); its order of reasons, lib/governance/decide.ts's, is repeated here:
 * not_running → opted_out → forced → holdout → not_targeted → layer_excluded → (the server's
 * caps: ask_server) → quiet_hours → assigned (the hashes, which decide nothing by themselves,
 * are computed first). lib/experiments/local_evaluation_test.ts checks
 * the answers against `preDecision`'s for every rule, tests/local_evaluation_test.ts against
 * the server's for 100,000 customers.
 */
export function evaluate(
  experiment: CompiledExperiment,
  unit: string,
  facts: CallerFacts | undefined,
  now?: Date,
): LocalAssignment {
  const e = experiment.fast;
  if (!e.running) return { unit, variant: null, inExperiment: false, reason: "not_running" };
  let attributes: CustomerAttributes | null = null;
  if (facts !== undefined) {
    if (facts.consent === false) {
      return { unit, variant: null, inExperiment: false, reason: "opted_out" };
    }
    attributes = facts.attributes ?? null;
  }
  // The three FNV-1a hashes over the unit's characters at once (ASCII is its own UTF-8).
  let fused = e.fused;
  let holdoutHash = e.holdoutState;
  let layerHash = e.layerState;
  let variantHash = e.variantState;
  if (fused) {
    for (let i = 0; i < unit.length; i++) {
      const code = unit.charCodeAt(i);
      if (code >= 0x80) {
        fused = false; // its UTF-8 bytes: the bucketers
        break;
      }
      holdoutHash = Math.imul(holdoutHash ^ code, FNV_PRIME);
      layerHash = Math.imul(layerHash ^ code, FNV_PRIME);
      variantHash = Math.imul(variantHash ^ code, FNV_PRIME);
    }
  }
  if (e.forced !== null) {
    let forced: string | undefined;
    if (fused && e.forcedHashes !== null) {
      // QA units by their hash first: no string hash for the map per call.
      const hashes = e.forcedHashes;
      for (let k = 0; k < hashes.length; k++) {
        if (hashes[k] === variantHash && e.forcedUnits[k] === unit) {
          forced = e.forcedVariants[k];
          break;
        }
      }
    } else {
      forced = e.forced.get(unit);
    }
    if (forced !== undefined) {
      return { unit, variant: forced, inExperiment: true, reason: "forced" };
    }
  }
  if (e.hasHoldout) {
    const bucket = fused ? fmix32(holdoutHash) / TWO_32 : e.holdoutBucket(unit);
    if (bucket < e.holdoutBelow) {
      return { unit, variant: null, inExperiment: false, reason: "holdout" };
    }
  }
  if (!e.targeted(attributes)) {
    return { unit, variant: null, inExperiment: false, reason: "not_targeted" };
  }
  if (e.hasLayer) {
    const bucket = fused ? fmix32(layerHash) / TWO_32 : e.layerBucket(unit);
    if (!(bucket >= e.layerFrom && bucket < e.layerTo)) {
      return { unit, variant: null, inExperiment: false, reason: "layer_excluded" };
    }
  }
  if (e.askServer) return askServer(unit);
  if (experiment.quietHours) {
    if (typeof Temporal === "undefined") return askServer(unit);
    const config = experiment.config;
    const quiet = quietUntil(experiment.quietHours, config.channel, now ?? new Date());
    if (settle({ quietUntil: quiet }, false) === "quiet_hours") {
      return {
        unit,
        variant: null,
        inExperiment: false,
        reason: "quiet_hours",
        quietUntil: quiet!.toISOString(),
      };
    }
  }
  // `variantIndexFor(bucketOf(key, unit, hashVersion), weights)`.
  const bucket = fused
    ? (e.mix ? fmix32(variantHash) : variantHash >>> 0) / TWO_32
    : experiment.bucket(unit);
  const cumulative = e.cumulative;
  const n = cumulative.length;
  if (n === 0) return { unit, variant: null, inExperiment: false, reason: "assigned" };
  let k = 0;
  while (k < n - 1 && !(bucket < cumulative[k])) k++;
  const variant = e.names[k];
  return { unit, variant, inExperiment: variant !== null, reason: "assigned" };
}

function askServer(unit: string): LocalAssignment {
  return { unit, variant: null, inExperiment: false, reason: "ask_server" };
}
