/**
 * The experiment and campaign domain's enumerations, defined once: the channels a campaign runs
 * on, the customer life-cycle stages targeting may name, and the shape of targeting itself.
 * Migration 0001 holds the channel list as a CHECK constraint; db/schema.ts types the columns
 * with these types.
 */

/** An experiment's life: draft → running → stopped → decided. */
export type ExperimentStatus = "draft" | "running" | "stopped" | "decided";

/** The channels a campaign runs on. */
export const CHANNELS = [
  "sms",
  "app_push",
  "in_app_banner",
  "coupon",
  "outbound_call",
  "wechat",
] as const;
export type Channel = typeof CHANNELS[number];

/** Customer life-cycle stages, as the customer attributes carry them. */
export const STAGES = ["prospect", "new", "active", "high_value", "inactive", "churned"] as const;
export type Stage = typeof STAGES[number];

/** A campaign's segment or an experiment's own targeting (lib/experiments/eligibility.ts). */
export interface Targeting {
  stages?: Stage[];
  tags?: string[];
}
