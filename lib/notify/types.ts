/** What a notification is: the channel kinds, the message types, the message itself. */

/** Destinations: a generic signed JSON webhook and the three chat robots banks use. */
export const CHANNEL_KINDS = ["webhook", "wecom", "dingtalk", "feishu"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The message types of the contract (issue 18); `test` is the "send a test" message. */
export const MESSAGE_TYPES = [
  "guardrail_breached",
  "srm",
  "bandit_arm_cut",
  "bandit_decided",
  "sample_reached",
  "decided",
  "no_exposures",
  "cap_pressure",
  "experiment_stopped",
  "digest",
  /** A scheduled start or stop refused by the start/stop path (issue 18, part 5). */
  "schedule_refused",
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export type NotifyLocale = "zh-CN" | "en";

/**
 * The body of a generic webhook delivery, and what every robot message is written from. `id`
 * stays the same on every retry of a delivery, so a receiver can drop duplicates.
 */
export interface NotificationMessage {
  id: string;
  type: MessageType | "test";
  bankId: string;
  experiment?: { key: string; name: string };
  /** ISO time the alert was raised. */
  at: string;
  summary: Record<NotifyLocale, string>;
  details: Record<string, unknown>;
}

/** An HTTP request ready to send. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}
